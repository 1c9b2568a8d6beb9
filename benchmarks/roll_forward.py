"""How long the nightly year-end roll-forward of claims takes at a national year's scale, on PostgreSQL as
the application role with row-level security forced.

Builds its own database as production has it (db_bootstrap, migrate as owner), then 150 employers with
one registration and one claim each for --claims NQSWs, all claimable (draft) in 2025-26, whose claims
closed on 13 March 2026, plus a few submitted claims (which stay) and a few already in 2026-27 (not due).
Then, as the nightly job on 20 March 2026:

- the first run (every draft claim of 2025-26 moves to 2026-27, one audit event each);
- a second run (nothing to move: the job is idempotent);
- the end state checked: every claim moved once, from 2025-26, with one audit event each.

Prints the figures and writes benchmarks/results/roll_forward.json.

    scripts/setup-env && .venv/bin/python benchmarks/roll_forward.py [--claims 66494] [--batch-size 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgresql://asye_app@127.0.0.1:5432/asye_bench_roll_forward")
os.environ.setdefault("DATABASE_OWNER_URL", "postgresql://asye_owner@127.0.0.1:5432/asye_bench_roll_forward")
os.environ.setdefault("ASYE_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

YEAR, NEXT_YEAR = "2025-26", "2026-27"
NIGHT = date(2026, 3, 20)  # a week after 2025-26's claim deadline (13 March 2026)
EMPLOYERS = 150
SUBMITTED = 500  # claims submitted in time: they stay in 2025-26
NOT_DUE = 500  # claims already in 2026-27: nothing to do


def build(claims: int) -> None:
    from asye.tenancy.db import system_national_context
    from asye.tenancy.models import Employer
    from funding.models import Claim, ClaimStatus, FundingRate, FundingYear
    from programmes.eligibility import framework_version_for
    from programmes.models import FundingStatus, Registration

    start = date(2025, 9, 1)
    with system_national_context():
        employers = Employer.objects.bulk_create(
            Employer(
                name=f"Roll Forward Council {n:03d}",
                employer_type="local_authority",
                region="north_west",
                serves_child_and_family=True,
            )
            for n in range(EMPLOYERS)
        )
        version = framework_version_for(
            employer_type="local_authority", service_area="child_and_family", start_date=start
        )
        total = claims + SUBMITTED + NOT_DUE
        registrations = Registration.objects.bulk_create(
            (
                Registration(
                    employer=employers[n % EMPLOYERS],
                    framework_version=version,
                    first_name=f"Nqsw{n:06d}",
                    last_name="Roll",
                    swe_number=f"SW8{n:06d}",
                    qualification_date=start - timedelta(days=90),
                    start_date=start,
                    contracted_hours=Decimal("37"),
                    funding_year=YEAR,
                    funding_status=FundingStatus.APPROVED,
                )
                for n in range(total)
            ),
            batch_size=2000,
        )
        years = {y.label: y for y in FundingYear.objects.filter(label__in=[YEAR, NEXT_YEAR])}
        rate = FundingRate.objects.get(
            funding_year=years[YEAR], framework=version.framework, instalment="registration"
        )

        def claim(n: int, registration: Registration) -> Claim:
            submitted = claims <= n < claims + SUBMITTED
            return Claim(
                employer_id=registration.employer_id,
                registration=registration,
                instalment="registration",
                status=ClaimStatus.SUBMITTED if submitted else ClaimStatus.DRAFT,
                funding_year=years[NEXT_YEAR] if n >= claims + SUBMITTED else years[YEAR],
                rate=rate,
                amount=rate.amount,
                claimable_on=start,
                submitted_at=datetime(2026, 3, 1, tzinfo=UTC) if submitted else None,
            )

        Claim.objects.bulk_create(
            (claim(n, registration) for n, registration in enumerate(registrations)), batch_size=2000
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed_run(**kwargs) -> tuple[int, float, float, int]:
    from funding.claimable_services import claims_roll_forward

    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    start, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        moved = claims_roll_forward(today=NIGHT, **kwargs)
    return moved, time.perf_counter() - start, time.process_time() - cpu, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=66494)
    parser.add_argument("--batch-size", type=int, default=None, help="default: the service's own")
    args = parser.parse_args()

    call_command("db_bootstrap", "--recreate", verbosity=0)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        role, superuser, bypass = cursor.fetchone()
    assert not superuser and not bypass, "the benchmark must run as the application role"

    started = time.perf_counter()
    build(args.claims)
    build_seconds = round(time.perf_counter() - started, 1)
    print(f"built {args.claims:,} claimable claims in {build_seconds}s")

    kwargs = {"batch_size": args.batch_size} if args.batch_size else {}
    results = {"build": {"seconds": build_seconds}}
    for label in ("first_run", "second_run"):
        moved, seconds, cpu, queries = timed_run(**kwargs)
        results[label] = {
            "moved": moved,
            "seconds": round(seconds, 2),
            "python_cpu_seconds": round(cpu, 2),
            "queries": queries,
            "claims_per_second": round(moved / seconds) if moved else None,
        }
        print(f"{label:11} moved {moved:6,}  {seconds:7.2f}s ({cpu:.2f}s Python CPU)  {queries:6,} queries")

    from asye.audit.models import AuditEvent
    from asye.tenancy.db import system_national_context
    from funding.models import Claim

    with system_national_context():
        rolled = Claim.objects.filter(funding_year__label=NEXT_YEAR, rolled_forward_from__label=YEAR).count()
        events = AuditEvent.objects.filter(action="claim.rolled_forward").count()
        left = Claim.objects.filter(funding_year__label=YEAR, status="draft").count()
        stayed = Claim.objects.filter(funding_year__label=YEAR, status="submitted").count()
    assert results["first_run"]["moved"] == args.claims == rolled == events, (rolled, events)
    assert results["second_run"]["moved"] == 0 and left == 0 and stayed == SUBMITTED
    results["end_state"] = {"rolled_forward": rolled, "audit_events": events, "submitted_stayed": stayed}

    out = ROOT / "benchmarks" / "results" / "roll_forward.json"
    out.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                "database": f"PostgreSQL as {role} (not superuser, no BYPASSRLS), row-level security forced",
                "claims": {"draft_past_deadline": args.claims, "submitted": SUBMITTED, "not_due": NOT_DUE},
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
