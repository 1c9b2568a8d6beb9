"""The programmes part of ``manage.py seed_demo``, planned: a registration for every NQSW of the demo's
national picture, one national duplicate case, and Demo County Council's cases, each with the support
records that give the co-ordinator's dashboard something to show (``SupportPlan``).

Planned from a fixed seed alone (``plan_registrations``, no database): the story is written as of the demo
calendar's reference day and moved to the seeding day as it is planned (``demo.calendar``), so every run on
the same day plans the same records, and a run on any day plans the same year, at the same stage, ending that
day. ``programmes.demo_records`` creates what the plan has and the database lacks.
"""

from __future__ import annotations

import calendar
import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from asye.accounts.models import Role
from asye.tenancy.models import EmployerType, Region, ServiceArea
from demo.calendar import REFERENCE_DAY, DemoCalendar
from programmes.models import FundingStatus, RegistrationStatus

if TYPE_CHECKING:
    from demo.national_picture import Plan

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
