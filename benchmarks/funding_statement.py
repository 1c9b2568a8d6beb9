"""What funding costs at the scale of the national picture, measured on PostgreSQL with row-level security.

Builds a database as production has it (db_bootstrap, migrate as owner), loads the demo picture (193
employers, ~3,200 registrations and their claims), then gives one employer a few hundred more approved
registrations and times, through the services and the pages:

- claiming and approving them (per claim);
- building, authorising and marking paid one statement of all of them, and exporting it as XLSX and CSV;
- the national budget position (the selector, and the whole page as national staff request it);
- a statement of 10,000 lines (``--lines``) at a second employer, exported as XLSX and CSV as a draft (read
  live from its claims) and once authorised (its frozen lines): issue #14's target is the XLSX in under 5 s.
  Its claims are approved with one UPDATE, at £500 each (set-up, not measured: approving one at a time is
  measured above at ``--claims`` scale).

Prints the figures and writes benchmarks/results/funding_statement.json.

    scripts/setup-env && .venv/bin/python benchmarks/funding_statement.py [--claims 400] [--runs 20]
        [--lines 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgresql://asye_app@127.0.0.1:5432/asye_bench_funding")
os.environ.setdefault("DATABASE_OWNER_URL", "postgresql://asye_owner@127.0.0.1:5432/asye_bench_funding")
os.environ.setdefault("ASYE_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402


class Counter:
    """Counts the SQL statements run inside a block (Django resets connection.queries per request)."""

    def __init__(self):
        self.queries: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append(sql)
        return execute(sql, params, many, context)


def timed(func):
    counter = Counter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = func()
    return result, round((time.perf_counter() - start) * 1000, 1), len(counter.queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=400)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()

    call_command("db_bootstrap", "--recreate", verbosity=0)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))
    seed_seconds = round(time.perf_counter() - start, 1)

    from allauth.mfa.models import Authenticator

    from asye.accounts.actor import build_actor
    from asye.accounts.models import User
    from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
    from asye.tenancy.models import Employer
    from funding import exports
    from funding.budget import budget_position_national
    from funding.claimable_services import claims_make_claimable_bulk
    from funding.models import Claim, ClaimStatus
    from funding.services import claim_approve, claims_submit
    from funding.statement_services import statement_authorise, statement_build, statement_mark_paid
    from programmes.eligibility import framework_version_for, funding_year_of
    from programmes.models import FundingStatus, Registration

    national_user = User.objects.get(email="national@demo.example")
    with tenant_settings(user_id=national_user.pk):
        national = build_actor(national_user, employer_id=None)
    # A second person authorises what the first built (maker-checker).
    payments_user = User.objects.get(email="payments@demo.example")
    with tenant_settings(user_id=payments_user.pk):
        payments = build_actor(payments_user, employer_id=None)
    with system_national_context():
        employer = (
            Employer.objects.exclude(name="Demo County Council")
            .filter(employer_type="local_authority")
            .first()
        )
        coordinator_user = User.objects.filter(
            memberships__employer=employer, memberships__role="coordinator"
        ).first()
    with tenant_settings(user_id=coordinator_user.pk):
        coordinator = build_actor(coordinator_user, employer_id=employer.pk)

    # A few hundred more approved registrations at one employer, with their claimable instalments.
    start_date = date(2026, 10, 5)
    version = framework_version_for(
        employer_type=employer.employer_type, service_area="child_and_family", start_date=start_date
    )
    with tenant_context(employer.pk):
        registrations = Registration.objects.bulk_create(
            [
                Registration(
                    employer=employer,
                    framework_version=version,
                    first_name=f"Bench{n:04d}",
                    last_name="Okafor",
                    swe_number=f"SW9{n:06d}",
                    qualification_date=start_date - timedelta(days=60),
                    start_date=start_date,
                    contracted_hours=Decimal("37"),
                    funding_year=funding_year_of(start_date),
                    funding_status=FundingStatus.APPROVED,
                    created_by=coordinator_user,
                )
                for n in range(args.claims)
            ]
        )
        registrations = list(
            Registration.objects.filter(pk__in=[r.pk for r in registrations]).select_related(
                "framework_version"
            )
        )
        claims = claims_make_claimable_bulk(
            actor=national, registrations=registrations, instalment="registration"
        )
    ids = [claim.pk for claim in claims]

    results: dict[str, dict] = {"seed_demo": {"seconds": seed_seconds}}

    with transaction.atomic(), tenant_context(employer.pk):
        _, ms, queries = timed(lambda: claims_submit(actor=coordinator, claim_ids=ids))
    results["submit_claims"] = {
        "claims": len(ids),
        "ms": ms,
        "queries": queries,
        "ms_per_claim": round(ms / len(ids), 2),
    }

    def approve_all():
        for pk in ids:
            claim_approve(actor=national, claim_id=pk)

    with transaction.atomic():
        _, ms, queries = timed(approve_all)
    results["approve_claims"] = {
        "claims": len(ids),
        "ms": ms,
        "queries": queries,
        "ms_per_claim": round(ms / len(ids), 2),
    }

    month = date.today().replace(day=1)
    with transaction.atomic():
        statement, ms, queries = timed(
            lambda: statement_build(actor=national, employer_id=employer.pk, month=month)
        )
    with system_national_context():
        lines = Claim.objects.filter(statement=statement).count()
    results["build_statement"] = {"lines": lines, "ms": ms, "queries": queries, "total": str(statement.total)}

    with transaction.atomic():
        statement, ms, queries = timed(lambda: statement_authorise(actor=payments, statement_id=statement.pk))
    results["authorise_statement"] = {"ms": ms, "queries": queries}

    with transaction.atomic(), system_national_context():
        body, ms, queries = timed(lambda: exports.statement_xlsx(statement))
        results["export_xlsx"] = {"ms": ms, "queries": queries, "bytes": len(body)}
        body, ms, queries = timed(lambda: exports.statement_csv(statement))
        results["export_csv"] = {"ms": ms, "queries": queries, "bytes": len(body)}

    with transaction.atomic():
        statement, ms, queries = timed(
            lambda: statement_mark_paid(actor=national, statement_id=statement.pk, paid_on=date.today())
        )
    results["mark_paid"] = {"ms": ms, "queries": queries}
    with system_national_context():
        assert Claim.objects.filter(statement=statement, status=ClaimStatus.PAID).count() == lines
        assert statement.total == sum(
            Claim.objects.filter(statement=statement).values_list("amount", flat=True)
        )

    # The national budget: the selector on its own, then the page as national staff request it.
    timings, query_counts = [], []
    for _ in range(args.runs):
        with transaction.atomic(), system_national_context():
            budget, ms, queries = timed(lambda: budget_position_national(actor=national, year="2026-27"))
        timings.append(ms)
        query_counts.append(queries)
    timings.sort()
    results["budget_selector"] = {
        "runs": args.runs,
        "queries": max(query_counts),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)],
        "committed_2026_27": str(budget.total.position.committed),
        "claims_counted": budget.total.position.claims,
    }

    # Authenticators have row-level security keyed on their person: written as that person.
    with tenant_settings(user_id=national_user.pk):
        Authenticator.objects.get_or_create(
            user=national_user,
            type=Authenticator.Type.TOTP,
            defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
        )
    client = Client()
    client.force_login(national_user)
    url = "/national/funding/budget/?year=2026-27"
    assert client.get(url).status_code == 200
    timings = []
    counter = Counter()
    with connection.execute_wrapper(counter):
        client.get(url)
    for _ in range(args.runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    results["budget_page"] = {
        "runs": args.runs,
        "queries_per_request": len(counter.queries),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
    }

    results["statement_10000"] = large_statement_exports(
        national=national, payments=payments, first_employer=employer, lines=args.lines, start_date=start_date
    )

    for label, figures in results.items():
        print(f"{label:22} {figures}")
    out = ROOT / "benchmarks" / "results" / "funding_statement.json"
    out.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                "database": "PostgreSQL as asye_app (not superuser, no BYPASSRLS), row-level security forced",
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")


def large_statement_exports(*, national, payments, first_employer, lines: int, start_date: date) -> dict:
    """A statement of ``lines`` claims at a second employer, exported as a draft and once authorised."""
    from django.db.models import Q

    from asye import clock
    from asye.accounts.models import User
    from asye.tenancy.db import system_national_context, tenant_context
    from asye.tenancy.models import Employer
    from funding import exports
    from funding.claimable_services import claims_make_claimable_bulk
    from funding.models import Claim, ClaimStatus
    from funding.statement_services import statement_authorise, statement_build
    from programmes.eligibility import framework_version_for, funding_year_of
    from programmes.models import FundingStatus, Registration

    with system_national_context():
        employer = (
            Employer.objects.exclude(Q(name="Demo County Council") | Q(pk=first_employer.pk))
            .filter(employer_type="local_authority")
            .first()
        )
        coordinator_user = User.objects.filter(
            memberships__employer=employer, memberships__role="coordinator"
        ).first()
    version = framework_version_for(
        employer_type=employer.employer_type, service_area="child_and_family", start_date=start_date
    )
    surnames = ("Okafor", "Smith", "Patel", "Nowak", "Jones", "Begum", "O'Brien", "Evans")
    start = time.perf_counter()
    with tenant_context(employer.pk):
        created = Registration.objects.bulk_create(
            [
                Registration(
                    employer=employer,
                    framework_version=version,
                    first_name=f"Line{n:05d}",
                    last_name=surnames[n % len(surnames)],
                    swe_number=f"SW8{n:07d}",
                    qualification_date=start_date - timedelta(days=60),
                    start_date=start_date,
                    contracted_hours=Decimal("37"),
                    funding_year=funding_year_of(start_date),
                    funding_status=FundingStatus.APPROVED,
                    created_by=coordinator_user,
                )
                for n in range(lines)
            ],
            batch_size=2000,
        )
        registrations = list(
            Registration.objects.filter(pk__in=[r.pk for r in created]).select_related("framework_version")
        )
        claims = claims_make_claimable_bulk(
            actor=national, registrations=registrations, instalment="registration"
        )
        now = clock.now()
        # £500 a line: a statement's total holds up to £9,999,999.99, less than 10,000 lines at £1,000.
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
            status=ClaimStatus.APPROVED, submitted_at=now, decided_at=now, amount=Decimal("500.00")
        )
    month = date.today().replace(day=1)
    with transaction.atomic():
        statement = statement_build(actor=national, employer_id=employer.pk, month=month)
    figures: dict = {"setup_seconds": round(time.perf_counter() - start, 1)}

    def exports_of(label: str, statement) -> None:
        with transaction.atomic(), system_national_context():
            figures["lines"] = exports.statement_line_count(statement)
            for kind, make in (("xlsx", exports.statement_xlsx), ("csv", exports.statement_csv)):
                body, ms, queries = timed(lambda make=make: make(statement))
                figures[f"{label}_{kind}"] = {"ms": ms, "queries": queries, "bytes": len(body)}

    exports_of("draft", statement)
    with transaction.atomic():
        statement = statement_authorise(actor=payments, statement_id=statement.pk)
    exports_of("authorised", statement)
    figures["target"] = "XLSX of 10,000 lines under 5,000 ms (issue #14)"
    return figures


if __name__ == "__main__":
    main()
