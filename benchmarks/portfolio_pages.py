"""What a full portfolio costs to show and to pack, measured on PostgreSQL as the application role.

Builds the database as production has it (db_bootstrap, migrate as owner), loads the demo, then gives
the demo NQSW's portfolio a year's worth of evidence (``--evidence`` pieces, each tagged to three
capability statements, made through the evidence service). Times, signed in as the NQSW, the portfolio's
overview, the coverage page and the portfolio pack PDF, and counts the SQL queries of each (they must not
grow with the number of pieces of evidence). Prints the figures and writes benchmarks/results/.

    scripts/setup-env && .venv/bin/python benchmarks/portfolio_pages.py [--evidence 120] [--requests 30]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgresql://asye_app@127.0.0.1:5432/asye_bench_portfolio")
os.environ.setdefault("DATABASE_OWNER_URL", "postgresql://asye_owner@127.0.0.1:5432/asye_bench_portfolio")
os.environ.setdefault("ASYE_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("ASYE_MEDIA_ROOT", tempfile.mkdtemp(prefix="asye-bench-media-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402


def counting_into(queries: list[str]):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def add_evidence(*, count: int) -> tuple[object, int]:
    """Give the demo NQSW's portfolio ``count`` more pieces of evidence; returns (user, registration id)."""
    from asye.accounts.actor import build_actor
    from asye.accounts.models import User
    from asye.tenancy.db import tenant_context, tenant_settings
    from portfolios.access import portfolio_ensure, portfolio_statements
    from portfolios.services import evidence_create
    from programmes.models import Registration

    nqsw = User.objects.get(email="nqsw@demo.example")
    with tenant_settings(user_id=nqsw.pk):
        actor = build_actor(nqsw, employer_id=None)
    with tenant_context(actor.employer_id):
        registration = Registration.objects.get(nqsw=nqsw, status="active")
        portfolio = portfolio_ensure(actor=actor, registration=registration)
        statements = [s.pk for s in portfolio_statements(portfolio)]
        for i in range(count):
            evidence_create(
                actor=actor,
                portfolio=portfolio,
                title=f"Practice evidence {i + 1}",
                description="A home visit and the assessment that followed. " * 20,
                reflection="What I learned, what I would do differently, and why. " * 20,
                occurred_on=registration.start_date + datetime.timedelta(days=i % 60),
                statement_ids=[statements[(i + k) % len(statements)] for k in range(3)],
            )
    return nqsw, registration.pk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evidence", type=int, default=120)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    call_command("db_bootstrap", "--recreate", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))
    nqsw, registration_id = add_evidence(count=args.evidence)

    client = Client()
    client.force_login(nqsw)
    results = {"evidence_pieces_added": args.evidence}
    pages = (
        ("overview", reverse("portfolios:overview", args=[registration_id]), args.requests),
        ("coverage", reverse("portfolios:coverage", args=[registration_id]), args.requests),
        ("evidence_list", reverse("portfolios:evidence_list", args=[registration_id]), args.requests),
        ("pack_pdf", reverse("portfolios:pack", args=[registration_id]), max(3, args.requests // 6)),
    )
    for label, url, requests in pages:
        for _ in range(2):  # warm up connections, templates and fonts
            client.get(url)
        queries: list[str] = []
        # Django resets connection.queries at each request start, so count at the cursor instead.
        with connection.execute_wrapper(counting_into(queries)):
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        size = len(b"".join(response.streaming_content) if response.streaming else response.content)
        timings = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        timings.sort()
        results[label] = {
            "requests": requests,
            "queries_per_request": len(queries),
            "bytes": size,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        }
        print(f"{label:14} {results[label]}")

    out = ROOT / "benchmarks" / "results" / "portfolio_pages.json"
    out.write_text(
        json.dumps(
            {
                "when": datetime.datetime.now(UTC).isoformat(timespec="seconds"),
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
