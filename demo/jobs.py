"""The demo's background jobs (#15): a history on national staff's ``/jobs/`` page and progress pages the
demo co-ordinator can open, made from the demo's own records.

- a finished CSV registration at Demo County Council: its largest intake (the NQSWs who started in the
  same month), told in the figures the job keeps (registered, not eligible for funding);
- a finished portfolio pack: run for real by the jobs runner, so the pack is made and kept;
- a finished statement build: national staff's build of the month of Demo County's draft statement, with
  that statement's number and total;
- a failed CSV registration: run for real with a file naming an NQSW already registered at Demo County, so
  its readable error is the one the co-ordinator would get ("Line 2: ...", nothing saved).

Each job is found by its kind, who started it and its label, and made only if missing, so a second run
makes nothing. Called by ``seed_demo`` in the system's national context, after every app's demo.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Sum

from asye import clock
from asye.accounts.actor import build_actor
from asye.accounts.models import User
from asye.jobs.models import Job
from asye.jobs.runner import job_run
from asye.jobs.services import job_start
from asye.tenancy.db import tenant_context
from demo.calendar import DemoCalendar
from demo.national_picture import DEMO_COUNTY, Applied
from funding.demo import DRAFT_MONTH
from funding.jobs import STATEMENTS_BUILD
from funding.models import PaymentStatement
from portfolios.jobs import PORTFOLIO_PACK
from portfolios.models import Portfolio
from programmes.csv_rows import UPLOAD_COLUMNS
from programmes.jobs import REGISTRATION_UPLOAD
from programmes.models import FundingStatus, Registration

COORDINATOR = "coordinator@demo.example"
NATIONAL = "national@demo.example"
FAILED_LABEL = "Registering the NQSWs in new-starters-corrected.csv"


def seed(applied: Applied, demo_calendar: DemoCalendar) -> Counter:
    """The demo jobs that are missing, for the employers and people ``apply_plan`` made (``applied``)."""
    county_id = applied.employer_ids[DEMO_COUNTY]
    coordinator = User.objects.get(pk=applied.user_ids[COORDINATOR])
    national = User.objects.get(pk=applied.user_ids[NATIONAL])
    now = clock.now()
    created: Counter[str] = Counter()
    with tenant_context(county_id):
        created += _csv_registration(coordinator, county_id, finished=now - datetime.timedelta(days=2))
        created += _portfolio_pack(coordinator, county_id, when=now - datetime.timedelta(days=1, hours=3))
        created += _failed_registration(coordinator, county_id, when=now - datetime.timedelta(hours=5))
    created += _statements_build(national, demo_calendar, finished=now - datetime.timedelta(days=1))
    return created


def _exists(kind: str, user: User, label: str) -> bool:
    return Job.objects.filter(kind=kind, created_by=user, label=label).exists()


def _record(*, employer_id, user, kind, label, finished, seconds, summary, figures, params=None) -> Job:
    """A finished job as the runner leaves one, for work the demo did through the services itself."""
    started = finished - datetime.timedelta(seconds=seconds)
    job = Job.objects.create(
        employer_id=employer_id,
        kind=kind,
        label=label,
        params=params or {},
        created_by=user,
        status=Job.Status.DONE,
        progress_done=figures.get("registered", figures.get("statements", 1)),
        progress_total=figures.get("registered", figures.get("statements", 1)),
        summary=summary,
        figures=figures,
        started_at=started,
        finished_at=finished,
    )
    Job.objects.filter(pk=job.pk).update(created_at=started - datetime.timedelta(seconds=1))
    return job


def _csv_registration(coordinator: User, county_id: int, *, finished: datetime.datetime) -> Counter:
    registrations = Registration.objects.filter(employer_id=county_id)
    months = Counter(day.replace(day=1) for day in registrations.values_list("start_date", flat=True))
    if not months:
        return Counter()
    # The largest intake (the latest of equals): the file a co-ordinator would have uploaded.
    intake_month = max(months, key=lambda month: (months[month], month))
    label = f"Registering the NQSWs in starters-{intake_month:%Y-%m}.csv"
    if _exists(REGISTRATION_UPLOAD, coordinator, label):
        return Counter()
    intake = registrations.filter(start_date__year=intake_month.year, start_date__month=intake_month.month)
    registered = intake.count()
    unfunded = intake.filter(funding_status=FundingStatus.UNFUNDED).count()
    _record(
        employer_id=county_id,
        user=coordinator,
        kind=REGISTRATION_UPLOAD,
        label=label,
        finished=finished,
        seconds=max(1, registered // 40),
        summary=f"{registered} NQSW{'s' if registered != 1 else ''} registered",
        figures={"registered": registered, "unfunded": unfunded},
    )
    return Counter({"demo jobs": 1})


def _run_now(job: Job, county_id: int, when: datetime.datetime) -> Job:
    """Run a job the demo started, at once, then date it ``when`` (keeping how long it took)."""
    ran = job_run(job_id=job.pk, employer_id=county_id)
    took = (ran.finished_at - ran.started_at) if ran.finished_at and ran.started_at else datetime.timedelta()
    Job.objects.filter(pk=job.pk).update(
        created_at=when - datetime.timedelta(seconds=1), started_at=when, finished_at=when + took
    )
    return ran


def _portfolio_pack(coordinator: User, county_id: int, *, when: datetime.datetime) -> Counter:
    if Job.objects.filter(kind=PORTFOLIO_PACK, created_by=coordinator, employer_id=county_id).exists():
        return Counter()
    portfolios = Portfolio.objects.filter(registration__employer_id=county_id).select_related("registration")
    portfolio = portfolios.filter(registration__nqsw__email="nqsw@demo.example").first() or portfolios.first()
    if portfolio is None:
        return Counter()
    registration = portfolio.registration
    job = job_start(
        actor=build_actor(coordinator, employer_id=county_id),
        kind=PORTFOLIO_PACK,
        label=f"Portfolio pack of {registration.full_name}",
        params={"portfolio_id": portfolio.pk, "registration_id": registration.pk},
    )
    _run_now(job, county_id, when)
    return Counter({"demo jobs": 1})


def _failed_registration(coordinator: User, county_id: int, *, when: datetime.datetime) -> Counter:
    if _exists(REGISTRATION_UPLOAD, coordinator, FAILED_LABEL):
        return Counter()
    already = (
        Registration.objects.filter(employer_id=county_id)
        .select_related("framework_version__framework")
        .order_by("pk")
        .first()
    )
    if already is None:
        return Counter()
    values = {
        "first_name": already.first_name,
        "last_name": already.last_name,
        "email": "",
        "swe_number": already.swe_number,
        "qualification_date": already.qualification_date.isoformat(),
        "start_date": already.start_date.isoformat(),
        "contracted_hours": str(already.contracted_hours),
        "service_area": already.framework_version.framework.service_area,
    }
    text = ",".join(UPLOAD_COLUMNS) + "\r\n" + ",".join(values[name] for name in UPLOAD_COLUMNS) + "\r\n"
    job = job_start(
        actor=build_actor(coordinator, employer_id=county_id),
        kind=REGISTRATION_UPLOAD,
        label=FAILED_LABEL,
        params={"text": text},
        total=1,
    )
    _run_now(job, county_id, when)
    return Counter({"demo jobs": 1})


def _statements_build(national: User, demo_calendar: DemoCalendar, *, finished: datetime.datetime) -> Counter:
    month = demo_calendar.month(DRAFT_MONTH)
    earlier = Job.objects.filter(kind=STATEMENTS_BUILD, created_by=national, params__month=month.isoformat())
    if earlier.exists():
        return Counter()
    built = PaymentStatement.objects.filter(month=month)
    count = built.count()
    if not count:
        return Counter()
    label = f"Payment statements for {month:%B %Y}: {count} employer{'s' if count != 1 else ''}"
    total = built.aggregate(total=Sum("total"))["total"] or Decimal("0")
    _record(
        employer_id=None,
        user=national,
        kind=STATEMENTS_BUILD,
        label=label,
        finished=finished,
        seconds=max(1, count // 20),
        summary=f"{count} statement{'s' if count != 1 else ''} built for {month:%B %Y}",
        figures={"statements": count, "total": str(total), "month": month.isoformat()},
        params={"month": month.isoformat()},
    )
    return Counter({"demo jobs": 1})
