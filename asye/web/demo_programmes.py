"""The programmes part of ``manage.py seed_demo``: a registration for every NQSW of the demo picture, one
national duplicate case, and at Demo County Council the support records that give the co-ordinator's
dashboard something to show.

Like the rest of the command, the picture is planned from a fixed seed alone (``plan_registrations``,
no database) and then applied by creating only what is missing (``apply_registrations``). The story is
written as of the demo calendar's reference day and moved to the seeding day as it is planned
(``asye.web.demo_calendar``): every run on the same day plans the same records, and a run on any day
plans the same year, at the same stage, ending that day.

Registrations are bulk-created rather than made by ``registration_create`` (one service call per row
would take minutes), so this module produces what the service would: the framework version from
``framework_version_for``, the funding year from ``funding_year_of``, and an unfunded status with its
reason from ``funding_decision``; "approved" is what national staff's approval leaves behind.
"""

from __future__ import annotations

import calendar
import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from asye.accounts.models import Role
from asye.tenancy.models import Employer, EmployerType, Region, ServiceArea
from asye.web.demo_calendar import REFERENCE_DAY, DemoCalendar
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
    RegistrationStatus,
    SupervisionSession,
    SupportNeed,
)
from programmes.selectors import timeline_input
from programmes.timeline import supervision_schedule

if TYPE_CHECKING:
    from asye.web.management.commands.seed_demo import Plan

PROGRAMME_SEED = 2026
# In the story's calendar (reference day 23 November 2026): mostly the cohort of the funding year under
# way, starting April to November with the September peak; some of the year before (started January to
# March 2026) are still in progress.
EARLIER_COHORT_SHARE = 0.12
START_MONTH_WEIGHTS = {4: 6, 5: 5, 6: 7, 7: 9, 8: 10, 9: 32, 10: 19, 11: 12}
EARLIER_COHORT_MONTHS = (1, 2, 3)
PART_TIME_SHARE = 0.10
PART_TIME_HOURS = ("18.5", "22.5", "24", "26", "28", "30")
FULL_TIME_HOURS = Decimal("37")
LONG_AGO_SHARE = 0.015  # qualified more than four years before the start: unfunded
AWAITING_APPROVAL_SHARE = 0.05
LOCAL_AUTHORITY_ADULTS_SHARE = 0.2


PROTECTED_TIME_ACTIVITIES = (
    "Reading research for practice",
    "Writing a critical reflection",
    "Shadowing an experienced colleague",
    "Preparing for supervision",
    "Training: assessment and analysis",
    "Peer learning group",
)
TEAM_AVERAGES = (Decimal("20.0"), Decimal("21.5"), Decimal("19.0"), Decimal("18.5"))


@dataclass(frozen=True)
class SupportPlan:
    """The records kept for one of Demo County's NQSWs, and the gaps that raise its dashboard flags."""

    supervision_missed: int = 0  # the latest sessions due that were not held
    protected_hours_per_week: Decimal | None = None  # None: the framework's target, rounded up
    protected_time_stopped_weeks: int = 0  # no protected time logged for the latest weeks
    caseload_over_cap: bool = False
    support_need: bool = False


@dataclass(frozen=True)
class DemoCase:
    """One of Demo County Council's NQSWs, in the order of its NQSW memberships (the demo NQSW first), its
    dates in the story's calendar."""

    start: datetime.date
    area: str = ServiceArea.CHILD_AND_FAMILY
    hours: Decimal = FULL_TIME_HOURS
    funding: str = FundingStatus.APPROVED
    qualified: datetime.date | None = None  # None: one to six months before the start
    deferred: tuple[datetime.date, str] | None = None
    withdrawn: tuple[datetime.date, str] | None = None
    extension_days: int = 0
    support: SupportPlan = SupportPlan()


CF, ADULTS = ServiceArea.CHILD_AND_FAMILY, ServiceArea.ADULTS
D = datetime.date
# The demo NQSW's 3-month review (and one other's) falls due eleven days after the reference day: inside
# the four-week "review due" window (the framework's review_window_weeks) whatever the lengths of the months
# the story is moved to (three calendar months are 89 to 92 days). No review point falls within a few days
# of the window's edge (28 days ahead), so the dashboard counts the same on any seeding day.
DEMO_COUNTY_CASES = (
    DemoCase(D(2026, 9, 4), support=SupportPlan(support_need=True)),  # the demo NQSW
    DemoCase(D(2026, 9, 14), support=SupportPlan(supervision_missed=3)),
    DemoCase(D(2026, 9, 28), area=ADULTS),
    DemoCase(D(2026, 10, 5), hours=Decimal("22.5")),
    DemoCase(D(2026, 4, 13), deferred=(D(2026, 10, 5), "Parental leave")),
    DemoCase(D(2026, 1, 12), extension_days=42),
    DemoCase(D(2026, 9, 14), withdrawn=(D(2026, 11, 2), "Resigned for personal reasons")),
    DemoCase(D(2026, 11, 16), funding=FundingStatus.AWAITING_APPROVAL),
    DemoCase(D(2026, 6, 1), support=SupportPlan(protected_hours_per_week=Decimal("2"))),
    DemoCase(D(2026, 9, 28), area=ADULTS, support=SupportPlan(protected_time_stopped_weeks=5)),
    DemoCase(D(2026, 5, 11), support=SupportPlan(caseload_over_cap=True)),
    DemoCase(D(2026, 7, 6), support=SupportPlan(supervision_missed=2)),
    DemoCase(D(2026, 2, 9), area=ADULTS, hours=Decimal("30")),
    DemoCase(D(2026, 9, 4), qualified=D(2021, 7, 16)),  # too long ago: unfunded
    DemoCase(D(2026, 10, 12)),
    DemoCase(D(2026, 8, 17), area=ADULTS),
    DemoCase(D(2026, 9, 28)),
    DemoCase(D(2026, 3, 2)),
)
# The person registered twice: at a London employer first, then at Demo Fostering Partnership.
DUPLICATE_FIRST_START = D(2026, 9, 7)
DUPLICATE_SECOND_START = D(2026, 11, 16)
# What the command reports it created, in this order (the Counter's keys are the plurals).
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


@dataclass
class RegistrationPlan:
    employer: str
    email: str  # the NQSW's sign-in address, also the registration's email
    first_name: str
    last_name: str
    swe_number: str
    service_area: str
    start_date: datetime.date
    contracted_hours: Decimal
    funding: str  # what national staff did with it, unless the rules make it unfunded
    created_by: str
    assessor: str
    line_manager: str
    qualification_date: datetime.date | None = None
    link_nqsw: bool = True  # False: registered before the NQSW had an account here
    status: str = RegistrationStatus.ACTIVE
    extension_days: int = 0
    deferred: tuple[datetime.date, str] | None = None
    withdrawn: tuple[datetime.date, str] | None = None
    support: SupportPlan | None = None
    duplicate_of: tuple[str, str] | None = None  # (employer, SWE number) of the earlier registration


# --- the plan -------------------------------------------------------------------------------------


def weekdays(year: int, month: int) -> list[datetime.date]:
    """The month's weekdays up to the reference day, in the story's calendar."""
    last = calendar.monthrange(year, month)[1]
    days = (datetime.date(year, month, day) for day in range(1, last + 1))
    return [day for day in days if day.weekday() < 5 and day <= REFERENCE_DAY]


def random_start(rng: random.Random) -> datetime.date:
    if rng.random() < EARLIER_COHORT_SHARE:
        return rng.choice(weekdays(2026, rng.choice(EARLIER_COHORT_MONTHS)))
    month = rng.choices(list(START_MONTH_WEIGHTS), weights=list(START_MONTH_WEIGHTS.values()))[0]
    return rng.choice(weekdays(2026, month))


def random_hours(rng: random.Random) -> Decimal:
    if rng.random() < PART_TIME_SHARE:
        return Decimal(rng.choice(PART_TIME_HOURS))
    return FULL_TIME_HOURS


def service_area_for(employer, rng: random.Random) -> str:
    if employer.serves_adults and not employer.serves_child_and_family:
        return ADULTS
    if (
        employer.employer_type == EmployerType.LOCAL_AUTHORITY
        and employer.serves_adults
        and rng.random() < LOCAL_AUTHORITY_ADULTS_SHARE
    ):
        return ADULTS
    return CF


def plan_registrations(
    plan: Plan, *, demo_county: str, demo_fostering: str, demo_calendar: DemoCalendar | None = None
) -> list[RegistrationPlan]:
    """A registration for every NQSW membership in the plan, and the duplicate case, dated on the seeding
    day's calendar (default: today's). No database; the same random draws whatever the day."""
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    rng = random.Random(PROGRAMME_SEED)
    people: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for email, employer_name, role in plan.memberships:
        if employer_name is not None:
            people[employer_name][role].append(email)
    total = sum(len(roles[Role.NQSW]) for roles in people.values())
    swe_numbers = iter(f"SW{n}" for n in rng.sample(range(100_000, 1_000_000), total))
    duplicate_employer = next(
        e.name
        for e in plan.employers
        if e.region == Region.LONDON
        and e.name not in (demo_county, demo_fostering)
        and e.serves_child_and_family
        and people[e.name][Role.NQSW]
    )

    registrations: list[RegistrationPlan] = []
    for employer in plan.employers:
        staff = people[employer.name]
        nqsws, assessors, managers = staff[Role.NQSW], staff[Role.ASSESSOR], staff[Role.LINE_MANAGER]
        if employer.name == demo_county:
            assert len(nqsws) == len(DEMO_COUNTY_CASES), (len(nqsws), len(DEMO_COUNTY_CASES))
        for i, email in enumerate(nqsws):
            first_name, last_name = plan.people[email][0].split(" ", 1)
            registration = RegistrationPlan(
                employer=employer.name,
                email=email,
                first_name=first_name,
                last_name=last_name,
                swe_number=next(swe_numbers),
                service_area=service_area_for(employer, rng),
                start_date=random_start(rng),
                contracted_hours=random_hours(rng),
                funding=(
                    FundingStatus.AWAITING_APPROVAL
                    if rng.random() < AWAITING_APPROVAL_SHARE
                    else FundingStatus.APPROVED
                ),
                created_by=staff[Role.COORDINATOR][0],
                assessor=assessors[i % len(assessors)],
                line_manager=managers[i % len(managers)],
            )
            long_ago = rng.random() < LONG_AGO_SHARE
            if employer.name == demo_county:
                apply_case(registration, DEMO_COUNTY_CASES[i])
            elif employer.name == duplicate_employer and i == 0:
                registration.service_area = CF
                registration.start_date = DUPLICATE_FIRST_START
                registration.contracted_hours = FULL_TIME_HOURS
                registration.funding = FundingStatus.APPROVED
            elif long_ago:
                registration.qualification_date = registration.start_date - datetime.timedelta(
                    days=4 * 365 + rng.randint(30, 900)
                )
            if registration.qualification_date is None:
                registration.qualification_date = registration.start_date - datetime.timedelta(
                    days=rng.randint(30, 183)
                )
            registrations.append(registration)

    first = next(r for r in registrations if r.employer == duplicate_employer)
    staff = people[demo_fostering]
    count = len(staff[Role.NQSW])
    second = RegistrationPlan(
        employer=demo_fostering,
        email=first.email,
        first_name=first.first_name,
        last_name=first.last_name,
        swe_number=first.swe_number,
        service_area=CF,
        qualification_date=first.qualification_date,
        start_date=DUPLICATE_SECOND_START,
        contracted_hours=FULL_TIME_HOURS,
        # Awaiting approval like any other (the employer is never told); national staff see the review.
        funding=FundingStatus.AWAITING_APPROVAL,
        created_by=staff[Role.COORDINATOR][0],
        assessor=staff[Role.ASSESSOR][count % len(staff[Role.ASSESSOR])],
        line_manager=staff[Role.LINE_MANAGER][count % len(staff[Role.LINE_MANAGER])],
        link_nqsw=False,
        duplicate_of=(first.employer, first.swe_number),
    )
    # The pair first, in this order, so that the later registration is the one flagged and the case
    # leads national staff's queue (oldest first).
    registrations.remove(first)
    planned = [first, second, *registrations]
    # Planned in the story's calendar; moved to the seeding day's before anything is derived from a date.
    for registration in planned:
        move_to(registration, demo_calendar)
    return planned


def move_to(registration: RegistrationPlan, demo_calendar: DemoCalendar) -> None:
    """Move the registration's dates from the story's calendar to the seeding day's."""
    shift = demo_calendar.shift
    registration.start_date = shift(registration.start_date)
    if registration.qualification_date is not None:
        registration.qualification_date = shift(registration.qualification_date)
    if registration.deferred:
        registration.deferred = (shift(registration.deferred[0]), registration.deferred[1])
    if registration.withdrawn:
        registration.withdrawn = (shift(registration.withdrawn[0]), registration.withdrawn[1])


def apply_case(registration: RegistrationPlan, case: DemoCase) -> None:
    registration.start_date = case.start
    registration.service_area = case.area
    registration.contracted_hours = case.hours
    registration.funding = case.funding
    if case.qualified:
        registration.qualification_date = case.qualified
    registration.extension_days = case.extension_days
    registration.deferred = case.deferred
    registration.withdrawn = case.withdrawn
    if case.deferred:
        registration.status = RegistrationStatus.DEFERRED
    if case.withdrawn:
        registration.status = RegistrationStatus.WITHDRAWN
    registration.support = case.support


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
