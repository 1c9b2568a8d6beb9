"""Demo data for this app, called by ``manage.py seed_demo`` inside the system national scope.

- Every registration approved for funding gets its registration instalment, and every pass its completion
  instalment, through ``claims_make_claimable_bulk`` (the hooks' rules, for thousands at once): the cohort's
  rate, the year the claim arises in, rolled forward past a claim deadline.
- Elsewhere in the country, by start date: claims of NQSWs who started more than about twelve weeks before
  the seeding day have been claimed and approved (waiting for national staff's monthly statement run),
  those who started six to twelve weeks before are claimed and wait for approval, later ones are
  claimable.
- At Demo County Council the whole journey goes through the services, as its co-ordinator and national
  staff: last month's statement, paid, this month's, a draft, a rejected claim with its reason, claims
  waiting for approval and claims still to make; and a submitted grant application for the funding year
  of the seeding day, with its action plan. A second member of national staff (``payments@demo.example``)
  authorises the statement that ``national@demo.example`` built (maker-checker, ``funding.separation``).

Every date is the story's (written in its reference calendar) moved to the seeding day
(``demo.calendar``); funding years and labels are derived from the moved dates. ``prepare``, run
by the command before any app's demo, sets up the years the demo touches with their rates carried forward
(``funding.years.funding_years_ensure``), as national staff would.

A second run creates nothing: claims are known by registration and instalment, the journey runs only while
Demo County Council has no statement, the application only while it has none for the year.
"""

from __future__ import annotations

import datetime
from collections import Counter

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from asye import clock
from asye.accounts.actor import build_actor
from asye.accounts.models import User
from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_settings
from demo.calendar import DemoCalendar
from funding import application_services, claimable_services, services, statement_services
from funding.models import Claim, ClaimStatus, FundingYear, GrantApplication, Instalment, PaymentStatement
from funding.years import funding_years_ensure
from programmes.eligibility import funding_year_of
from programmes.models import FundingStatus, Outcome, Registration

DEMO_COUNTY = "Demo County Council"
COORDINATOR = "coordinator@demo.example"
NATIONAL = "national@demo.example"
PAYMENTS = "payments@demo.example"  # authorises what NATIONAL builds
APPROVAL_DAYS = 10  # national staff approve a registration about ten days after its start
# The story's dates, in its reference calendar (reference day 23 November 2026).
APPROVED_BEFORE = datetime.date(2026, 9, 1)  # elsewhere: claimed and approved
SUBMITTED_BEFORE = datetime.date(2026, 10, 15)  # elsewhere: claimed, waiting for approval
PAID_MONTH = datetime.date(2026, 10, 1)  # the statement paid (the month before the reference day's)
DRAFT_MONTH = datetime.date(2026, 11, 1)  # the draft statement (the reference day's month)
# Funding years the demo touches: from the year of its earliest start (the earlier cohort's, 441 days
# before the reference day) to the year after the seeding day's, where claims made after a claim
# deadline roll forward to.
YEARS_BEFORE = relativedelta(months=15)
YEARS_AFTER = relativedelta(years=1)
REJECTION = (
    "Claimed in error: this NQSW's registration instalment was paid with your {year} grant. Contact "
    "Skills for Care if you think this is wrong."
)
ACTIONS = (
    (
        "Invite every NQSW to the national NQSW forum and GEMS from their first week, not after their "
        "3-month review (NQSWs told us they heard about the forums too late).",
        "ASYE co-ordinator",
        datetime.date(2026, 12, 18),
        "in_progress",
        "Invitations now go out with the welcome pack.",
    ),
    (
        "Protect NQSWs' development time: team managers record it weekly and the co-ordinator reviews it "
        "monthly against the 10% target.",
        "Head of Children's Social Work",
        datetime.date(2027, 1, 29),
        "not_started",
        "",
    ),
    (
        "Train four more practice educators as ASYE assessors so that no assessor supports more than three "
        "NQSWs.",
        "Principal Social Worker",
        datetime.date(2027, 3, 31),
        "not_started",
        "",
    ),
)


def _claimable_on(registration: Registration, today: datetime.date) -> datetime.date:
    return min(registration.start_date + datetime.timedelta(days=APPROVAL_DAYS), today)


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _move_elsewhere(
    claims, *, county_id: int, national_user: User, emails: dict[int, str], demo_calendar: DemoCalendar
) -> Counter[str]:
    """Elsewhere, claims made and approved as the employers and national staff would have, in bulk."""
    counts: Counter[str] = Counter()
    moved, events = [], []
    approved_before = demo_calendar.shift(APPROVED_BEFORE)
    submitted_before = demo_calendar.shift(SUBMITTED_BEFORE)
    for claim in claims:
        registration = claim.registration
        if claim.employer_id == county_id or claim.instalment != Instalment.REGISTRATION:
            continue
        if registration.start_date >= submitted_before:
            continue
        submitted = claim.claimable_on + datetime.timedelta(days=3)
        claim.status = ClaimStatus.SUBMITTED
        claim.submitted_at = _moment(submitted)
        claim.submitted_by_id = registration.created_by_id
        claim.version += 1
        events.append(
            (claim, "claim.submitted", registration.created_by_id, [ClaimStatus.DRAFT, claim.status])
        )
        if registration.start_date < approved_before:
            claim.status = ClaimStatus.APPROVED
            claim.decided_at = _moment(submitted + datetime.timedelta(days=7))
            claim.decided_by_id = national_user.pk
            claim.version += 1
            events.append((claim, "claim.approved", national_user.pk, [ClaimStatus.SUBMITTED, claim.status]))
        moved.append(claim)
        counts[f"claims {claim.get_status_display().lower()}"] += 1
    Claim.objects.bulk_update(
        moved,
        ["status", "submitted_at", "submitted_by", "decided_at", "decided_by", "version"],
        batch_size=500,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                employer_id=claim.employer_id,
                actor_user_id=user_id,
                actor_label=emails[user_id],
                action=action,
                object_type="funding.claim",
                object_id=str(claim.pk),
                object_repr=str(claim)[:200],
                changes={"status": status, "amount": str(claim.amount)},
            )
            for claim, action, user_id, status in events
        ],
        batch_size=500,
    )
    return counts


def _county_journey(
    *, county_id: int, coordinator, national, payments, demo_calendar: DemoCalendar
) -> Counter[str]:
    """Demo County Council's claims through the services, as its co-ordinator and national staff: one
    person builds the statement, a second (``payments``) authorises it."""
    counts: Counter[str] = Counter()
    today = demo_calendar.today
    claims = list(
        Claim.objects.filter(
            employer_id=county_id, status=ClaimStatus.DRAFT, instalment=Instalment.REGISTRATION
        )
        .select_related("registration")
        .order_by("registration__start_date", "pk")
    )
    paid, on_draft, rejected, waiting = claims[:4], claims[4:7], claims[7:8], claims[8:10]

    def submit(claim):
        return services.claim_submit(actor=coordinator, claim=claim, today=today)

    for claim in paid:
        services.claim_approve(actor=national, claim_id=submit(claim).pk)
    if paid:
        month = demo_calendar.month(PAID_MONTH)
        statement = statement_services.statement_build(actor=national, employer_id=county_id, month=month)
        statement_services.statement_authorise(actor=payments, statement_id=statement.pk)
        # Paid the day it was authorised (it cannot be paid before): the demo's statements are made now.
        statement_services.statement_mark_paid(
            actor=national,
            statement_id=statement.pk,
            paid_on=clock.today(),
            payment_reference=f"BACS-{month:%Y-%m}-DCC",
        )
        counts["payment statements"] += 1
    for claim in on_draft:
        services.claim_approve(actor=national, claim_id=submit(claim).pk)
    if on_draft:
        statement_services.statement_build(
            actor=national, employer_id=county_id, month=demo_calendar.month(DRAFT_MONTH)
        )
        counts["payment statements"] += 1
    # The instalment was paid with the grant of the year before the seeding day's.
    reason = REJECTION.format(year=funding_year_of(today - relativedelta(years=1)))
    for claim in rejected:
        services.claim_reject(actor=national, claim_id=submit(claim).pk, reason=reason)
    for claim in waiting:
        submit(claim)
    counts["claims through the county's journey"] += len(paid) + len(on_draft) + len(rejected) + len(waiting)
    return counts


def _grant_application(*, county_id: int, coordinator, demo_calendar: DemoCalendar) -> Counter[str]:
    """The application for the funding year under way on the seeding day."""
    today = demo_calendar.today
    year = FundingYear.objects.filter(label=funding_year_of(today)).first()
    if year is None or GrantApplication.objects.filter(employer_id=county_id, funding_year=year).exists():
        return Counter()
    application = application_services.grant_application_start(
        actor=coordinator, funding_year_id=year.pk, today=today
    )
    application = application_services.grant_application_update(
        actor=coordinator,
        application=application,
        director_name="Alex Morgan",
        director_job_title="Director of Children's Services",
        director_email="alex.morgan@demo.example",
        **dict.fromkeys(application_services.DECLARATION_FIELDS, True),
    )
    for action, owner, due_on, progress, note in ACTIONS:
        application_services.action_add(
            actor=coordinator,
            application=application,
            action=action,
            owner=owner,
            due_on=demo_calendar.shift(due_on),
            progress=progress,
            progress_note=note,
        )
    application_services.grant_application_submit(actor=coordinator, application=application)
    return Counter({"grant applications": 1, "action plan actions": len(ACTIONS)})


def prepare(*, demo_calendar: DemoCalendar | None = None) -> Counter[str]:
    """Set up the funding years the demo touches, with their rates carried forward, before any app's demo
    runs (the reviews demo's endorsed pass makes its completion claim through the funding hook)."""
    today = (demo_calendar or DemoCalendar.seeding()).today
    years = funding_years_ensure(first=today - YEARS_BEFORE, last=today + YEARS_AFTER)
    return Counter({"funding years set up": len(years)})


def seed(
    *, employer_ids: dict[str, int], user_ids: dict[str, int], demo_calendar: DemoCalendar | None = None
) -> Counter[str]:
    """Create what is missing (a second run creates nothing), on ``demo_calendar`` (default: seeded
    today); return counts of what was created."""
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    today = demo_calendar.today
    created = prepare(demo_calendar=demo_calendar)  # done already when run by seed_demo: creates nothing
    county_id = employer_ids.get(DEMO_COUNTY)
    national_user = User.objects.get(pk=user_ids[NATIONAL])
    with tenant_settings(user_id=national_user.pk):
        national = build_actor(national_user, employer_id=None)
    approved = list(
        Registration.objects.filter(
            employer_id__in=set(employer_ids.values()), funding_status=FundingStatus.APPROVED
        ).select_related("framework_version")
    )
    claims = claimable_services.claims_make_claimable_bulk(
        actor=national,
        registrations=approved,
        instalment=Instalment.REGISTRATION,
        on={r.pk: _claimable_on(r, today) for r in approved},
        today=today,
    )
    passed = [r for r in approved if r.outcome == Outcome.PASSED and r.outcome_date]
    completions = claimable_services.claims_make_claimable_bulk(
        actor=national,
        registrations=passed,
        instalment=Instalment.COMPLETION,
        on={r.pk: min(r.outcome_date, today) for r in passed},
        today=today,
    )
    created["funding claims"] = len(claims) + len(completions)
    by_id = {r.pk: r for r in approved}
    for claim in claims:
        claim.registration = by_id[claim.registration_id]
    emails = {user_id: email for email, user_id in user_ids.items()}
    creators = {c.registration.created_by_id for c in claims} - set(emails)
    emails.update(User.objects.filter(pk__in=creators).values_list("pk", "email"))
    created += _move_elsewhere(
        claims, county_id=county_id, national_user=national_user, emails=emails, demo_calendar=demo_calendar
    )
    if county_id is not None and COORDINATOR in user_ids:
        coordinator_user = User.objects.get(pk=user_ids[COORDINATOR])
        with tenant_settings(user_id=coordinator_user.pk):
            coordinator = build_actor(coordinator_user, employer_id=county_id)
        if not PaymentStatement.objects.filter(employer_id=county_id).exists():
            payments_user = User.objects.get(pk=user_ids[PAYMENTS])
            with tenant_settings(user_id=payments_user.pk):
                payments = build_actor(payments_user, employer_id=None)
            created += _county_journey(
                county_id=county_id,
                coordinator=coordinator,
                national=national,
                payments=payments,
                demo_calendar=demo_calendar,
            )
        created += _grant_application(
            county_id=county_id, coordinator=coordinator, demo_calendar=demo_calendar
        )
    return created
