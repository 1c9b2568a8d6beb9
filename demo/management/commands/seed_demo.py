"""Seed a believable national picture for demos and the quick start, gathered from every app's demo.

In one transaction under the system national scope (as row-level security requires on PostgreSQL), with
emails switched off:

1. the national picture (``demo.national_picture``): employers in the proportions of the 2023-24 national
   annual report, their people and memberships, and the demo logins;
2. a registration for every NQSW, and Demo County Council's year under way with its support records
   (``programmes.demo_registrations``, ``programmes.demo_support``);
3. each app's demo (``DEMO_APPS``): every ``prepare()`` first, then every ``seed()`` in that order.

Each part plans from a fixed seed alone and creates only what is missing, so a second run creates nothing.
The story is written in a reference calendar and moved to the seeding day (``demo.calendar``), so a demo
seeded on any day shows the same year at the same stage.
"""

from __future__ import annotations

import importlib
from collections import Counter

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.test.utils import override_settings

from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer, EmployerType, Region
from demo.calendar import DemoCalendar
from demo.national_picture import (
    DEMO_COUNTY,
    DEMO_FOSTERING,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    apply_plan,
    build_plan,
)
from programmes.demo_records import PROGRAMME_RECORDS, apply_registrations
from programmes.demo_registrations import plan_registrations
from programmes.models import FundingStatus, Registration

# Each app's demo module (``<app>.demo``): ``seed(*, employer_ids, user_ids, demo_calendar) -> Counter`` and
# optionally ``prepare(*, demo_calendar) -> Counter`` for what the others need first (funding years).
# "programmes" last: it works out each registration's progress from what the others recorded.
DEMO_APPS = (
    "portfolios",
    "reviews",
    "funding",
    "programmes",
    "forums",
    "surveys",
    "assurance",
    "evaluations",
)


def summarise() -> dict:
    """What exists now, nationally (read under the caller's national scope)."""
    nqsw = Q(memberships__role=Role.NQSW, memberships__ended_at__isnull=True)
    by_type = (
        Employer.objects.values("employer_type")
        .annotate(employers=Count("id", distinct=True), nqsws=Count("memberships", filter=nqsw))
        .order_by()
    )
    by_region = (
        Employer.objects.values("region")
        .annotate(employers=Count("id", distinct=True), nqsws=Count("memberships", filter=nqsw))
        .order_by()
    )
    return {
        "employers": Employer.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "by_type": {row["employer_type"]: (row["employers"], row["nqsws"]) for row in by_type},
        "by_region": {row["region"]: (row["employers"], row["nqsws"]) for row in by_region},
        "registrations_by_funding": dict(
            Registration.objects.values_list("funding_status").annotate(n=Count("id")).order_by()
        ),
    }


class Command(BaseCommand):
    help = (
        "Seed a demo national picture (employers in the proportions of the 2023-24 national report, their "
        "people and memberships, a registration for every NQSW, and support records at the demo employer) "
        "and the demo logins, dated up to today. Safe to run again: it only creates what is missing."
    )

    def handle(self, *args, **options):
        demo_calendar = DemoCalendar.seeding()
        plan = build_plan()
        registrations = plan_registrations(
            plan, demo_county=DEMO_COUNTY, demo_fostering=DEMO_FOSTERING, demo_calendar=demo_calendar
        )
        # Demo data is made through the services, which send emails (support plans, moderation); nobody
        # should receive those, and the quick start's output is for the logins.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            system_national_context(),
        ):
            applied = apply_plan(plan)
            created = applied.created + apply_registrations(
                registrations,
                employer_ids=applied.employer_ids,
                user_ids=applied.user_ids,
                demo_calendar=demo_calendar,
            )
            demos = [importlib.import_module(f"{app}.demo") for app in DEMO_APPS]
            # What an app's demo needs in place before any runs (funding: the years the dates fall in).
            for demo in demos:
                if hasattr(demo, "prepare"):
                    created += demo.prepare(demo_calendar=demo_calendar)
            # Portfolios, then reviews (which cite portfolio evidence), then funding (which pays outcomes).
            for demo in demos:
                created += demo.seed(
                    employer_ids=applied.employer_ids, user_ids=applied.user_ids, demo_calendar=demo_calendar
                )
            created += importlib.import_module("demo.past_cohorts").seed(applied, demo_calendar)
            created += importlib.import_module("demo.jobs").seed(applied, demo_calendar)
            summary = summarise()
        self.report(created, summary, demo_calendar)

    def report(self, created: Counter[str], summary: dict, demo_calendar: DemoCalendar) -> None:
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING("Demo logins"))
        rows = [("Email", "Password", "Role", "Employer")]
        for login in DEMO_LOGINS:
            roles = " / ".join(Role(role).label for role, _ in login.roles)
            employers = " / ".join(employer or "(national)" for _, employer in login.roles)
            rows.append((login.email, DEMO_PASSWORD, roles, employers))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for i, row in enumerate(rows):
            write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if i == 0:
                write("  " + "  ".join("-" * width for width in widths))

        write("")
        write(self.style.MIGRATE_HEADING("Employers (NQSWs are active NQSW memberships)"))
        for title, choices, counts in (
            ("By type", EmployerType, summary["by_type"]),
            ("By region", Region, summary["by_region"]),
        ):
            write(f"  {title:<42} {'employers':>9} {'NQSWs':>6}")
            for value, label in choices.choices:
                if value in counts:
                    write(f"    {label:<40} {counts[value][0]:>9,} {counts[value][1]:>6,}")
        write("")
        write(
            self.style.SUCCESS(
                f"Created {created['employers']:,} employers, {created['people']:,} people and "
                f"{created['memberships']:,} memberships."
            )
        )
        write(
            f"Now: {summary['employers']:,} employers, {summary['people']:,} people, "
            f"{summary['memberships']:,} memberships."
        )

        write("")
        write(
            self.style.MIGRATE_HEADING(
                f"Programmes (history up to the day seeded, {demo_calendar.today:%-d %B %Y})"
            )
        )
        funding = summary["registrations_by_funding"]
        write(f"  {'Registrations by funding status':<42} {'number':>9}")
        for value, label in FundingStatus.choices:
            write(f"    {label:<40} {funding.get(value, 0):>9,}")
        write(f"    {'Total':<40} {sum(funding.values()):>9,}")
        write("")
        counted = [
            f"{created[plural]:,} {plural if created[plural] != 1 else one}"
            for one, plural in PROGRAMME_RECORDS
        ]
        write(self.style.SUCCESS(f"Created {', '.join(counted[:-1])} and {counted[-1]}."))
        known = {"employers", "people", "memberships", *(plural for _, plural in PROGRAMME_RECORDS)}
        portfolio_and_funding = [f"{count:,} {name}" for name, count in created.items() if name not in known]
        if portfolio_and_funding:
            write(self.style.SUCCESS(f"Portfolios, reviews and funding: {', '.join(portfolio_and_funding)}."))
