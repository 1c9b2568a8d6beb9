"""What row-level security and the per-request tenant context cost, measured on PostgreSQL.

Builds a database as production has it (db_bootstrap, migrate as owner), loads the national demo
picture (193 employers, ~4,700 people), then times API requests made with an employer's token: the full
request path (token lookup by hash, actor, tenant settings, scoped query, serialisation), for ``/me/``, a
page of memberships, one registration and a page of registrations, with ``/healthz`` beside them. Also
counts the SQL queries per request, and how many of them are ``set_config`` round trips for the tenant
settings. Prints the figures and writes benchmarks/results/.

    scripts/setup-env && .venv/bin/python benchmarks/tenancy_overhead.py [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgresql://asye_app@127.0.0.1:5432/asye_bench")
os.environ.setdefault("DATABASE_OWNER_URL", "postgresql://asye_owner@127.0.0.1:5432/asye_bench")
os.environ.setdefault("ASYE_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")
os.environ["ASYE_API_RATE"] = "1000000/minute"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def counting_into(queries: list[str]):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    call_command("db_bootstrap", "--recreate", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))

    from asye.accounts.actor import build_actor
    from asye.accounts.models import User
    from asye.api.services import api_token_create
    from asye.tenancy.db import tenant_context, tenant_settings
    from asye.tenancy.models import Employer

    coordinator = User.objects.get(email="coordinator@demo.example")
    employer = Employer.objects.get(name="Demo County Council")
    with tenant_settings(user_id=coordinator.pk):
        actor = build_actor(coordinator, employer_id=employer.pk)
    with tenant_context(employer.pk):
        secret = api_token_create(actor=actor, name=f"bench {time.time()}").secret

    from programmes.models import Registration

    with tenant_context(employer.pk):
        registration = Registration.objects.filter(employer=employer).order_by("pk").first()

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    results = {}
    for label, url in (
        ("healthz", "/healthz"),
        ("me", "/api/v1/me/"),
        ("memberships_page_of_50", "/api/v1/memberships/"),
        ("registration_detail", f"/api/v1/registrations/{registration.pk}/"),
        ("registrations_page_of_50", "/api/v1/registrations/"),
    ):
        for _ in range(20):  # warm up connections and caches
            client.get(url)
        queries = []
        # Django resets connection.queries at each request start, so count at the cursor instead.
        with connection.execute_wrapper(counting_into(queries)):
            assert client.get(url).status_code == 200
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        timings.sort()
        results[label] = {
            "requests": args.requests,
            "queries_per_request": len(queries),
            "set_config_round_trips": sum("set_config" in sql for sql in queries),
            "median_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        }
        print(f"{label:28} {results[label]}")

    for figures in results.values():
        figures["times_healthz"] = round(figures["median_ms"] / results["healthz"]["median_ms"], 2)

    out = ROOT / "benchmarks" / "results" / "tenancy_overhead.json"
    out.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
