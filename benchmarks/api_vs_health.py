"""What one API registration read costs next to the health check, in one process (#14's "done when").

Runs the platform in this process with Django's test client (no web server), on the embedded database
(SQLite) and on PostgreSQL as the application role with row-level security, each in its own child
process because the database is chosen at start-up. In each: the demo data, an API token for the demo
co-ordinator, then rounds that alternate ``/healthz``, ``GET /api/v1/employer/`` (the token's
authentication and one small object: the floor of any API call), ``GET /api/v1/registrations/<id>/`` and a
page of registrations, timing each request's wall-clock time and this process's CPU time. Prints the
medians, the queries per request and how many of them call ``set_config`` (on PostgreSQL the middleware's,
and for a token call the token's look-up, which switches to its employer as it reads the row), the ratios
to the health check and the machine's load average before and after (the machine may be shared: on a
loaded machine the wall-clock time is mostly waiting for a core, so compare the CPU ratios), and writes
benchmarks/results/api_vs_health.json.

    scripts/setup-env && .venv/bin/python benchmarks/api_vs_health.py [--rounds 5] [--requests 100]
    .venv/bin/python benchmarks/api_vs_health.py --database sqlite   # one database only

Target (issue #14): the registration read costs at most five times the health check, in CPU time (the
verdict printed); the wall-clock ratio is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = os.environ.get("ASYE_BENCH_DATABASE", "asye_bench_api")
TARGET = 5.0


def measure(database: str, rounds: int, requests: int) -> dict:
    """In this process: build the database, then time the requests. Django is set up here, once."""
    if database == "postgresql":
        os.environ.setdefault("DATABASE_URL", f"postgresql://asye_app@127.0.0.1:5432/{PG_DATABASE}")
        os.environ.setdefault("DATABASE_OWNER_URL", f"postgresql://asye_owner@127.0.0.1:5432/{PG_DATABASE}")
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["ASYE_SQLITE_PATH"] = str(Path(tempfile.mkdtemp(prefix="asye-bench-")) / "bench.sqlite3")
    os.environ.pop("REDIS_URL", None)  # tasks eager, cache in memory: nothing but the database outside
    os.environ.setdefault("ASYE_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")
    os.environ["ASYE_API_RATE"] = "1000000/minute"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if database == "postgresql":
        call_command("db_bootstrap", "--recreate", verbosity=0)
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", verbosity=0, stdout=quiet)

    from asye.accounts.actor import build_actor
    from asye.accounts.models import User
    from asye.api.services import api_token_create
    from asye.tenancy.db import tenant_context, tenant_settings
    from asye.tenancy.models import Employer
    from programmes.models import Registration

    coordinator = User.objects.get(email="coordinator@demo.example")
    employer = Employer.objects.get(name="Demo County Council")
    with tenant_settings(user_id=coordinator.pk):
        actor = build_actor(coordinator, employer_id=employer.pk)
    with tenant_context(employer.pk):
        secret = api_token_create(actor=actor, name=f"bench {time.time()}").secret
        registration = Registration.objects.filter(employer=employer).order_by("pk").first()

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    urls = {
        "healthz": "/healthz",
        "employer": "/api/v1/employer/",
        "registration_detail": f"/api/v1/registrations/{registration.pk}/",
        "registrations_page_of_50": "/api/v1/registrations/",
    }
    queries: dict[str, int] = {}
    settings_round_trips: dict[str, int] = {}
    for label, url in urls.items():
        for _ in range(20):  # warm up: URL resolution, the schema of the serializers, connections
            assert client.get(url).status_code == 200, url
        seen: list[str] = []

        def count(execute, sql, params, many, context, seen=seen):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        queries[label] = len(seen)
        settings_round_trips[label] = sum("set_config" in sql for sql in seen)

    wall: dict[str, list[float]] = {label: [] for label in urls}
    cpu: dict[str, list[float]] = {label: [] for label in urls}
    for _ in range(rounds):  # interleaved, so that a slow moment of the machine hits every URL alike
        for label, url in urls.items():
            for _ in range(requests):
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                wall[label].append((time.perf_counter() - started) * 1000)
                cpu[label].append((time.process_time() - started_cpu) * 1000)
    results = {
        label: {
            "queries_per_request": queries[label],
            "statements_with_set_config": settings_round_trips[label],
            "median_ms": round(statistics.median(wall[label]), 3),
            "median_cpu_ms": round(statistics.median(cpu[label]), 3),
        }
        for label in urls
    }
    health = results["healthz"]
    for figures in results.values():
        figures["times_healthz"] = round(figures["median_ms"] / health["median_ms"], 2)
        figures["cpu_times_healthz"] = round(figures["median_cpu_ms"] / max(health["median_cpu_ms"], 1e-6), 2)
    return {"requests": rounds * requests, "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.database, args.rounds, args.requests)))
        return

    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    report = {}
    load_before = [round(figure, 2) for figure in os.getloadavg()]
    rounds = ["--rounds", str(args.rounds), "--requests", str(args.requests)]
    for database in databases:
        out = subprocess.run(  # noqa: S603  (this script, with its own arguments)
            [sys.executable, __file__, "--child", "--database", database, *rounds],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        report[database] = json.loads(out.strip().splitlines()[-1])
        for label, figures in report[database]["results"].items():
            print(f"{database:10} {label:26} {figures}")
        detail = report[database]["results"]["registration_detail"]
        # The verdict is on this process's CPU time: on a shared machine the wall-clock time is mostly
        # waiting for a core, which says nothing about what the request costs.
        verdict = "meets" if detail["cpu_times_healthz"] <= TARGET else "misses"
        print(
            f"{database:10} registration detail = {detail['cpu_times_healthz']}x /healthz in CPU time "
            f"({detail['times_healthz']}x wall-clock): {verdict} the {TARGET:g}x target"
        )

    load_after = [round(figure, 2) for figure in os.getloadavg()]
    print(f"load average (1, 5, 15 min): {load_before} before, {load_after} after")
    out_file = ROOT / "benchmarks" / "results" / "api_vs_health.json"
    out_file.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                "command": "python benchmarks/api_vs_health.py " + " ".join(sys.argv[1:]),
                "target_times_healthz": TARGET,
                "load_average_before": load_before,
                "load_average_after": load_after,
                **report,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out_file.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
