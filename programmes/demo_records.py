"""The programmes part of ``manage.py seed_demo``, applied: the registrations that
``programmes.demo_registrations`` plans, with their assessor allocations, deferrals and the national review,
and at Demo County Council the supervision, protected time, caseloads and support need recorded up to the
seeding day.

Only what is missing is created: a registration is known by its employer and NQSW, or by its employer and
SWE number, and the records hanging from it are made only with it. Registrations are bulk-created rather
than made by ``registration_create`` (one service call per row would take minutes), so this module produces
what the service would: the framework version from ``framework_version_for``, the funding year from
``funding_year_of``, and an unfunded status with its reason from ``funding_decision``; "approved" is what
national staff's approval leaves behind.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import ROUND_CEILING, Decimal

from dateutil.relativedelta import relativedelta

from asye.tenancy.models import Employer
from demo.calendar import DemoCalendar
from programmes.demo_registrations import RegistrationPlan
from programmes.duplicates import ALREADY_REGISTERED
from programmes.eligibility import framework_version_for, funding_decision, funding_year_of
from programmes.models import (
    AssessorAllocation,
    CaseloadRecord,
    Deferral,
    FrameworkVersion,
    FundingStatus,
    NationalReview,
    ProtectedTimeLog,
    Registration,
    SupervisionSession,
    SupportNeed,
)
from programmes.selectors import timeline_input
from programmes.timeline import supervision_schedule

PROGRAMME_RECORDS = (
    ("registration", "registrations"),
    ("assessor allocation", "assessor allocations"),
    ("deferral", "deferrals"),
    ("national review", "national reviews"),
    ("supervision session", "supervision sessions"),
    ("protected time log", "protected time logs"),
    ("caseload record", "caseload records"),
    ("support need", "support needs"),
)
SUPPORT_NEED_DAYS_AGO = 40
SUPPORT_NEED_DETAIL = (
    "I have dyslexia. I would like an assessment for assistive software and a reading pen, and more time "
    "to write up case records."
)
PROTECTED_TIME_ACTIVITIES = (
    "Reading research for practice",
    "Writing a critical reflection",
    "Shadowing an experienced colleague",
    "Preparing for supervision",
    "Training: assessment and analysis",
    "Peer learning group",
)
TEAM_AVERAGES = (Decimal("20.0"), Decimal("21.5"), Decimal("19.0"), Decimal("18.5"))


# --- applying it ----------------------------------------------------------------------------------


class VersionCache:
    """``framework_version_for``, asked once per employer type, service area and start date."""

    def __init__(self):
        self._versions: dict[tuple[str, str, datetime.date], FrameworkVersion] = {}

    def get(self, employer_type: str, service_area: str, start_date: datetime.date) -> FrameworkVersion:
        key = (employer_type, service_area, start_date)
        if key not in self._versions:
            version = framework_version_for(
                employer_type=employer_type, service_area=service_area, start_date=start_date
            )
            assert version is not None, key
            self._versions[key] = version
        return self._versions[key]


def funding_of(plan: RegistrationPlan, version: FrameworkVersion) -> tuple[str, str]:
    """The funding status and note the service and national staff would have left."""
    status, note = funding_decision(
        qualification_date=plan.qualification_date, start_date=plan.start_date, version=version
    )
    if status == FundingStatus.UNFUNDED:
        return status, note
    return plan.funding, ""


def apply_registrations(
    plans: list[RegistrationPlan],
    *,
    employer_ids: dict[str, int],
    user_ids: dict[str, int],
    demo_calendar: DemoCalendar | None = None,
) -> Counter[str]:
    """Create the registrations the database lacks, with what hangs from them, recorded up to the seeding
    day (``demo_calendar``'s, by default today). Runs inside the caller's transaction under the system
    national scope. A registration is known by its employer and NQSW, or by its employer and SWE number;
    the records hanging from it are made only with it."""
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    created: Counter[str] = Counter()
    existing = Registration.objects.filter(employer_id__in=set(employer_ids.values())).values_list(
        "employer_id", "nqsw_id", "swe_number"
    )
    by_nqsw, by_swe = set(), set()
    for employer_id, nqsw_id, swe_number in existing:
        by_swe.add((employer_id, swe_number))
        if nqsw_id:
            by_nqsw.add((employer_id, nqsw_id))

    versions = VersionCache()
    # Which programme a start is on depends on the employer's type (the SWIP is for local authorities).
    employer_types = dict(
        Employer.objects.filter(pk__in=set(employer_ids.values())).values_list("pk", "employer_type")
    )
    new: list[tuple[RegistrationPlan, Registration]] = []
    for plan in plans:
        employer_id = employer_ids[plan.employer]
        nqsw_id = user_ids[plan.email] if plan.link_nqsw else None
        if (employer_id, plan.swe_number) in by_swe or (employer_id, nqsw_id) in by_nqsw:
            continue
        version = versions.get(employer_types[employer_id], plan.service_area, plan.start_date)
        funding_status, funding_note = funding_of(plan, version)
        withdrawn_on, end_reason = plan.withdrawn or (None, "")
        new.append(
            (
                plan,
                Registration(
                    employer_id=employer_id,
                    framework_version=version,
                    first_name=plan.first_name,
                    last_name=plan.last_name,
                    email=plan.email,
                    swe_number=plan.swe_number,
                    qualification_date=plan.qualification_date,
                    start_date=plan.start_date,
                    contracted_hours=plan.contracted_hours,
                    funding_year=funding_year_of(plan.start_date),
                    funding_status=funding_status,
                    funding_note=funding_note,
                    status=plan.status,
                    ended_at=withdrawn_on,
                    end_reason=end_reason,
                    extension_days=plan.extension_days,
                    nqsw_id=nqsw_id,
                    assessor_id=user_ids[plan.assessor],
                    line_manager_id=user_ids[plan.line_manager],
                    created_by_id=user_ids[plan.created_by],
                ),
            )
        )
    Registration.objects.bulk_create([registration for _, registration in new], batch_size=500)
    created["registrations"] = len(new)

    allocations, deferrals, reviews = [], [], []
    for plan, registration in new:
        allocations.append(
            AssessorAllocation(
                employer_id=registration.employer_id,
                registration=registration,
                assessor_id=registration.assessor_id,
                started_on=registration.start_date,
                created_by_id=registration.created_by_id,
            )
        )
        if plan.deferred:
            deferrals.append(
                Deferral(
                    employer_id=registration.employer_id,
                    registration=registration,
                    started_on=plan.deferred[0],
                    reason=plan.deferred[1],
                    created_by_id=registration.created_by_id,
                )
            )
        if plan.duplicate_of:
            other_employer, swe_number = plan.duplicate_of
            other = (
                Registration.objects.filter(employer_id=employer_ids[other_employer], swe_number=swe_number)
                .order_by("id")
                .first()
            )
            if other is None:
                continue
            reviews.append(
                NationalReview(registration=registration, other_registration=other, reason=ALREADY_REGISTERED)
            )
    AssessorAllocation.objects.bulk_create(allocations, batch_size=500)
    Deferral.objects.bulk_create(deferrals)
    NationalReview.objects.bulk_create(reviews)
    created["assessor allocations"] = len(allocations)
    created["deferrals"] = len(deferrals)
    created["national reviews"] = len(reviews)

    paused = defaultdict(list)
    for deferral in deferrals:
        paused[deferral.registration_id].append(deferral)
    created.update(
        apply_support(
            [(plan, registration) for plan, registration in new if plan.support is not None],
            paused=paused,
            user_ids=user_ids,
            today=demo_calendar.today,
        )
    )
    return created


# --- support records ------------------------------------------------------------------------------


def records_until(plan: RegistrationPlan, today: datetime.date) -> datetime.date:
    """The last day anything was recorded: today, or the day the NQSW left or paused."""
    until = today
    if plan.withdrawn:
        until = min(until, plan.withdrawn[0])
    if plan.deferred:
        until = min(until, plan.deferred[0])
    return until


def weekly_protected_hours(registration: Registration) -> Decimal:
    """The framework's weekly target, rounded up to a tenth so the logs always meet it."""
    target = registration.contracted_hours * registration.framework_version.protected_time_percent / 100
    return target.quantize(Decimal("0.1"), rounding=ROUND_CEILING)


def apply_support(
    items: list[tuple[RegistrationPlan, Registration]],
    *,
    paused: dict[int, list[Deferral]],
    user_ids: dict[str, int],
    today: datetime.date,
) -> Counter[str]:
    sessions, logs, caseloads, needs = [], [], [], []
    for index, (plan, registration) in enumerate(items):
        support = plan.support
        until = records_until(plan, today)
        start = registration.start_date
        owned = {"employer_id": registration.employer_id, "registration": registration}
        nqsw_id = registration.nqsw_id or user_ids[plan.email]

        # Supervision: every session the cadence asks for, held on the day due or a day or two before.
        spec = timeline_input(registration, paused.get(registration.pk, []))
        due = [m.due for m in supervision_schedule(spec, today=today) if m.due <= until]
        for number, day in enumerate(due[: len(due) - support.supervision_missed]):
            sessions.append(
                SupervisionSession(
                    **owned,
                    held_on=max(start, day - datetime.timedelta(days=number % 3)),
                    duration_minutes=90 if number % 2 else 60,
                    reflective=number % 4 != 3,
                    supervisor_id=registration.assessor_id,
                    recorded_by_id=registration.assessor_id,
                )
            )

        # Protected development time, logged by the NQSW once a week.
        hours = support.protected_hours_per_week or weekly_protected_hours(registration)
        last_logged = until - datetime.timedelta(weeks=support.protected_time_stopped_weeks)
        week = 1
        while (day := start + datetime.timedelta(days=7 * week - 2)) <= last_logged:
            logs.append(
                ProtectedTimeLog(
                    **owned,
                    taken_on=day,
                    hours=hours,
                    activity=PROTECTED_TIME_ACTIVITIES[(index + week) % len(PROTECTED_TIME_ACTIVITIES)],
                    recorded_by_id=nqsw_id,
                )
            )
            week += 1

        # Caseload, counted by the line manager each month: growing, but below the cap unless planned.
        team_average = TEAM_AVERAGES[index % len(TEAM_AVERAGES)]
        cap = int(team_average * registration.framework_version.caseload_cap_percent / 100)
        months = 1
        while (day := start + relativedelta(months=months)) <= until:
            caseload = min(cap - 2, 4 + 3 * months)
            caseloads.append(
                CaseloadRecord(
                    **owned,
                    recorded_on=day,
                    caseload=caseload,
                    team_average=team_average,
                    recorded_by_id=registration.line_manager_id,
                )
            )
            months += 1
        if support.caseload_over_cap and caseloads and caseloads[-1].registration is registration:
            caseloads[-1].caseload = cap + 3

        if support.support_need:
            needs.append(
                SupportNeed(
                    **owned,
                    kind=SupportNeed.Kind.ACCESS_TO_WORK,
                    requested_on=today - datetime.timedelta(days=SUPPORT_NEED_DAYS_AGO),
                    status=SupportNeed.Status.IN_PROGRESS,
                    detail=SUPPORT_NEED_DETAIL,
                    detail_shared=False,
                    created_by_id=nqsw_id,
                )
            )

    SupervisionSession.objects.bulk_create(sessions, batch_size=500)
    ProtectedTimeLog.objects.bulk_create(logs, batch_size=500)
    CaseloadRecord.objects.bulk_create(caseloads, batch_size=500)
    SupportNeed.objects.bulk_create(needs)
    return Counter(
        {
            "supervision sessions": len(sessions),
            "protected time logs": len(logs),
            "caseload records": len(caseloads),
            "support needs": len(needs),
        }
    )
