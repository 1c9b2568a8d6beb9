"""``manage.py seed_demo``: the national picture of the 2023-24 report, the demo logins, the registrations
and support records of the demo programmes, and idempotency. The demo is seeded as of the run's day
(``tests.today.TODAY``): its dates are the story's, moved from the demo calendar's reference day to it."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command

from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context, tenant_context
from asye.tenancy.models import Employer, EmployerType, Region, ServiceArea
from demo.calendar import REFERENCE_DAY, DemoCalendar
from demo.past_cohorts import RECORDS as PAST_COHORT_RECORDS
from demo.past_cohorts import REF_PREFIX as PAST_COHORT_PREFIX
from programmes.demo_registrations import DEMO_COUNTY_CASES
from programmes.eligibility import add_years, framework_version_for, funding_decision, funding_year_of
from programmes.models import (
    AssessorAllocation,
    CaseloadRecord,
    Deferral,
    FundingStatus,
    NationalReview,
    ProtectedTimeLog,
    Registration,
    RegistrationStatus,
    SupervisionSession,
    SupportNeed,
)
from programmes.support_selectors import Flag, registration_support
from reviews.demo import COMPLETED, WITH_PANEL
from tests.today import TODAY

pytestmark = pytest.mark.django_db

STORY = DemoCalendar(TODAY)  # the demo calendar of a seeding on the run's day
PASSWORD = "demo-asye-2026!"

# The report's tables (employers, NQSWs), plus two schools with no NQSWs (in the North West and the
# West Midlands) that the command adds so the type exists. The two demo employers are among the 191.
EXPECTED_BY_TYPE = {
    EmployerType.LOCAL_AUTHORITY: (142, 3005),
    EmployerType.PVI: (21, 131),
    EmployerType.FOSTERING: (19, 43),
    EmployerType.NHS: (9, 24),
    EmployerType.SCHOOL: (2, 0),
}
EXPECTED_BY_REGION = {
    Region.NORTH_EAST: (13, 189),
    Region.NORTH_WEST: (29 + 1, 547),
    Region.YORKSHIRE_AND_HUMBER: (19, 391),
    Region.EAST_OF_ENGLAND: (16, 266),
    Region.EAST_MIDLANDS: (10, 238),
    Region.WEST_MIDLANDS: (20 + 1, 347),
    Region.SOUTH_EAST: (26, 418),
    Region.SOUTH_WEST: (18, 264),
    Region.LONDON: (40, 543),
}


REVIEW_DEMO_SWE = {COMPLETED["swe_number"], WITH_PANEL["swe_number"]}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


COUNTED = (
    Employer,
    User,
    Membership,
    Registration,
    AssessorAllocation,
    Deferral,
    NationalReview,
    SupervisionSession,
    ProtectedTimeLog,
    CaseloadRecord,
    SupportNeed,
)


def counts() -> dict[str, int]:
    with system_national_context():
        return {model.__name__: model.objects.count() for model in COUNTED}


def test_employers_and_nqsws_match_the_report_by_type_and_by_region():
    seed()

    with system_national_context():
        employers = list(Employer.objects.values_list("id", "employer_type", "region"))
        nqsws = Counter(
            Membership.objects.active().filter(role=Role.NQSW).values_list("employer_id", flat=True)
        )

    by_type: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    nqsws_by_type: Counter[str] = Counter()
    nqsws_by_region: Counter[str] = Counter()
    for employer_id, employer_type, region in employers:
        by_type[employer_type] += 1
        by_region[region] += 1
        nqsws_by_type[employer_type] += nqsws[employer_id]
        nqsws_by_region[region] += nqsws[employer_id]

    assert {t: (by_type[t], nqsws_by_type[t]) for t in by_type} == EXPECTED_BY_TYPE
    assert {r: (by_region[r], nqsws_by_region[r]) for r in by_region} == EXPECTED_BY_REGION
    assert len(employers) == 193
    assert sum(nqsws.values()) == 3203
    # Every employer that registered NQSWs has a co-ordinator and enough assessors and line managers.
    with system_national_context():
        staff = Counter(
            Membership.objects.active().exclude(role=Role.NQSW).values_list("employer_id", "role")
        )
    for employer_id, _, _ in employers:
        assert staff[employer_id, Role.COORDINATOR] >= 1
        assert staff[employer_id, Role.ASSESSOR] >= max(1, nqsws[employer_id] // 6)
        assert staff[employer_id, Role.LINE_MANAGER] >= nqsws[employer_id] // 5


def test_demo_logins_authenticate_and_hold_their_roles():
    output = seed()

    demo_county = Employer.objects.get(name="Demo County Council")
    demo_fostering = Employer.objects.get(name="Demo Fostering Partnership")
    assert (demo_county.employer_type, demo_county.region) == (
        EmployerType.LOCAL_AUTHORITY,
        Region.SOUTH_EAST,
    )
    assert (demo_fostering.employer_type, demo_fostering.region) == (EmployerType.FOSTERING, Region.LONDON)

    expected = {
        "coordinator@demo.example": {(Role.COORDINATOR, demo_county.pk)},
        "assessor@demo.example": {(Role.ASSESSOR, demo_county.pk)},
        "manager@demo.example": {(Role.LINE_MANAGER, demo_county.pk)},
        "nqsw@demo.example": {(Role.NQSW, demo_county.pk)},
        "multi@demo.example": {(Role.COORDINATOR, demo_county.pk), (Role.ASSESSOR, demo_fostering.pk)},
        "national@demo.example": {(Role.NATIONAL_STAFF, None)},
        "payments@demo.example": {(Role.NATIONAL_STAFF, None)},
        "moderator@demo.example": {(Role.NQAP_MODERATOR, None)},
    }
    for email, roles in expected.items():
        user = User.objects.get(email=email)
        assert user.check_password(PASSWORD), email
        assert user.full_name, email
        assert user.is_staff == (email == "national@demo.example")
        with system_national_context():
            held = set(user.memberships.active().values_list("role", "employer_id"))
        assert held == roles, email
        assert email in output

    assert PASSWORD in output
    # The generated people cannot sign in.
    generated = User.objects.exclude(email__endswith="@demo.example")
    assert generated.count() > 3203
    assert not any(user.has_usable_password() for user in generated[:50])
    assert not generated.filter(is_staff=True).exists()


def test_a_second_run_creates_nothing():
    first = seed()
    after_first = counts()
    second = seed()

    assert counts() == after_first
    # The report's 3,203, the NQSW registered by two employers, and the reviews demo's two 2025-26 cases.
    # And the past cohorts of the legacy portal (``demo.past_cohorts``).
    assert after_first["Registration"] == 3203 + 1 + len(REVIEW_DEMO_SWE) + PAST_COHORT_RECORDS
    assert "Created 193 employers" in first
    assert "Created 3,204 registrations" in first
    assert "Created 0 employers, 0 people and 0 memberships." in second
    assert (
        "Created 0 registrations, 0 assessor allocations, 0 deferrals, 0 national reviews, 0 supervision "
        "sessions, 0 protected time logs, 0 caseload records and 0 support needs." in second
    )
    # The summary counts registrations by funding status.
    assert re.search(r"Approved for funding +[0-9,]+", second)
    # A possible duplicate is national staff's review, not a funding status (issue #12, finding 8).
    assert "Needs national review" not in second


# --- the demo programmes --------------------------------------------------------------------------


def test_every_nqsw_membership_has_a_registration_made_by_the_services_rules():
    seed()

    with system_national_context():
        memberships = set(
            Membership.objects.active().filter(role=Role.NQSW).values_list("user_id", "employer_id")
        )
        staff = set(
            Membership.objects.active()
            .filter(role__in=[Role.ASSESSOR, Role.LINE_MANAGER, Role.COORDINATOR])
            .values_list("user_id", "employer_id", "role")
        )
        # The reviews demo adds two 2025-26 cases of its own (a completed year, one with the panel).
        # The past cohorts come from the legacy portal (``demo.past_cohorts``), without accounts.
        registrations = list(
            Registration.objects.exclude(swe_number__in=REVIEW_DEMO_SWE)
            .exclude(legacy_ref__startswith=PAST_COHORT_PREFIX)
            .select_related("nqsw", "employer", "framework_version__framework")
        )
        allocations = set(
            AssessorAllocation.objects.filter(ended_on__isnull=True).values_list(
                "registration_id", "assessor_id", "started_on"
            )
        )

    linked = [r for r in registrations if r.nqsw_id]
    assert len(linked) == len(memberships) == 3203
    assert {(r.nqsw_id, r.employer_id) for r in linked} == memberships
    swe_numbers = [r.swe_number for r in linked]
    assert len(set(swe_numbers)) == len(swe_numbers)
    assert all(re.fullmatch(r"SW[0-9]+", number) for number in swe_numbers)

    versions = {}
    for r in registrations:
        if r.nqsw_id:
            assert r.email == r.nqsw.email
        assert (r.assessor_id, r.employer_id, Role.ASSESSOR) in staff
        assert (r.line_manager_id, r.employer_id, Role.LINE_MANAGER) in staff
        assert (r.created_by_id, r.employer_id, Role.COORDINATOR) in staff
        assert (r.pk, r.assessor_id, r.start_date) in allocations
        assert r.qualification_date < r.start_date <= TODAY
        # What registration_create would have decided, then national staff's approval (or not yet).
        area, kind = r.framework_version.framework.service_area, r.employer.employer_type
        if (kind, area, r.start_date) not in versions:
            versions[kind, area, r.start_date] = framework_version_for(
                employer_type=kind, service_area=area, start_date=r.start_date
            )
        assert r.framework_version == versions[kind, area, r.start_date]
        assert r.funding_year == funding_year_of(r.start_date)
        decided, note = funding_decision(
            qualification_date=r.qualification_date, start_date=r.start_date, version=r.framework_version
        )
        if decided == FundingStatus.UNFUNDED:
            assert (r.funding_status, r.funding_note) == (decided, note)
            assert r.start_date > add_years(r.qualification_date, 4)
        else:
            assert r.funding_status in (FundingStatus.APPROVED, FundingStatus.AWAITING_APPROVAL)
            assert r.funding_note == ""
            assert r.start_date - r.qualification_date <= datetime.timedelta(days=184)

    funding = Counter(r.funding_status for r in registrations)
    assert funding[FundingStatus.APPROVED] > 0.85 * len(registrations)
    assert 0.03 < funding[FundingStatus.AWAITING_APPROVAL] / len(registrations) < 0.07
    assert 10 <= funding[FundingStatus.UNFUNDED] <= 0.03 * len(registrations)

    # Each start is the story's moved to today. In the story's calendar: mostly the funding year under way
    # on the reference day, peaking in September; some of the year before, started January to March.
    under_way = funding_year_of(REFERENCE_DAY)
    year_before = funding_year_of(REFERENCE_DAY - relativedelta(years=1))
    in_story = [STORY.unshift(r.start_date) for r in registrations]
    assert all(day <= REFERENCE_DAY for day in in_story)
    years = Counter(funding_year_of(day) for day in in_story)
    assert set(years) == {year_before, under_way}
    assert years[under_way] > 0.8 * len(registrations)
    assert all(
        day.year == REFERENCE_DAY.year and day.month in (1, 2, 3)
        for day in in_story
        if funding_year_of(day) == year_before
    )
    months = Counter(day.month for day in in_story if funding_year_of(day) == under_way)
    assert set(months) == set(range(4, 12))
    assert months.most_common(1)[0][0] == 9

    # Adults only where the employer serves adults: all of an adults-only employer's, a fifth of a
    # local authority's.
    for r in registrations:
        area = r.framework_version.framework.service_area
        assert r.employer.serves_adults if area == ServiceArea.ADULTS else r.employer.serves_child_and_family
        if not r.employer.serves_child_and_family:
            assert area == ServiceArea.ADULTS
    local_authority = [r for r in registrations if r.employer.employer_type == EmployerType.LOCAL_AUTHORITY]
    adults = sum(
        1 for r in local_authority if r.framework_version.framework.service_area == ServiceArea.ADULTS
    )
    assert 0.15 < adults / len(local_authority) < 0.25

    hours = Counter(r.contracted_hours for r in registrations)
    assert hours[Decimal(37)] > 0.85 * len(registrations)
    assert all(Decimal("18.5") <= h <= Decimal(30) for h in hours if h != 37)


def test_the_demo_employer_shows_every_status_and_dashboard_flag():
    seed()
    county = Employer.objects.get(name="Demo County Council")
    people = {u.email: u for u in User.objects.filter(email__endswith="@demo.example")}

    with tenant_context(county.pk):
        registrations = list(
            Registration.objects.filter(employer=county)
            .exclude(swe_number__in=REVIEW_DEMO_SWE)
            .select_related("framework_version")
            .order_by("id")
        )
        support = registration_support(registrations, today=TODAY)
        deferrals = list(Deferral.objects.all())
        needs = list(SupportNeed.objects.select_related("registration"))
        sessions = list(SupervisionSession.objects.select_related("registration"))
        logs = list(ProtectedTimeLog.objects.select_related("registration"))
        caseloads = list(CaseloadRecord.objects.select_related("registration"))

    assert len(registrations) == 18
    statuses = Counter(r.status for r in registrations)
    assert statuses[RegistrationStatus.DEFERRED] == 1
    assert statuses[RegistrationStatus.WITHDRAWN] == 1
    assert statuses[RegistrationStatus.ACTIVE] == 16
    funding = Counter(r.funding_status for r in registrations)
    assert funding[FundingStatus.AWAITING_APPROVAL] == 1
    assert funding[FundingStatus.UNFUNDED] == 1
    assert funding[FundingStatus.APPROVED] == 16
    assert [r.extension_days for r in registrations if r.extension_days] == [42]

    deferred = next(r for r in registrations if r.status == RegistrationStatus.DEFERRED)
    (deferral,) = deferrals
    assert (deferral.registration_id, deferral.ended_on) == (deferred.pk, None)
    assert deferral.started_on > deferred.start_date
    withdrawn = next(r for r in registrations if r.status == RegistrationStatus.WITHDRAWN)
    assert withdrawn.ended_at and withdrawn.end_reason

    flags = Counter(flag for figures in support.values() for flag in figures.flags)
    assert flags[Flag.ON_TRACK] >= 1
    assert flags[Flag.DEFERRED] == 1
    assert flags[Flag.OVERDUE] == 2
    assert flags[Flag.PROTECTED_TIME_BELOW_TARGET] == 2
    assert flags[Flag.CASELOAD_OVER_CAP] == 1

    # The demo NQSW, assessor and line manager have their own part in it; the story is moved to today.
    sam = next(r for r in registrations if r.nqsw_id == people["nqsw@demo.example"].pk)
    assert sam.status == RegistrationStatus.ACTIVE
    assert sam.start_date == STORY.shift(DEMO_COUNTY_CASES[0].start)
    assert sorted(r.start_date for r in registrations) == sorted(
        STORY.shift(case.start) for case in DEMO_COUNTY_CASES
    )
    assert any(r.assessor_id == people["assessor@demo.example"].pk for r in registrations)
    assert any(r.line_manager_id == people["manager@demo.example"].pk for r in registrations)
    (need,) = needs
    assert need.registration_id == sam.pk
    assert need.kind == SupportNeed.Kind.ACCESS_TO_WORK
    assert need.status == SupportNeed.Status.IN_PROGRESS
    assert need.requested_on == TODAY - datetime.timedelta(days=40)
    assert need.detail and not need.detail_shared
    assert need.created_by_id == sam.nqsw_id

    # Records are kept by whoever the services let keep them, and never after today.
    assert sessions and logs and caseloads
    for session in sessions:
        assert session.recorded_by_id == session.supervisor_id == session.registration.assessor_id
        assert session.registration.start_date <= session.held_on <= TODAY
    for log in logs:
        assert log.recorded_by_id == log.registration.nqsw_id
        assert log.registration.start_date <= log.taken_on <= TODAY
    for record in caseloads:
        assert record.recorded_by_id == record.registration.line_manager_id
        assert record.registration.start_date <= record.recorded_on <= TODAY
        assert Decimal(18) <= record.team_average <= Decimal(22)


def test_one_nqsw_registered_by_two_employers_waits_for_national_review():
    seed()
    fostering = Employer.objects.get(name="Demo Fostering Partnership")

    with system_national_context():
        review = NationalReview.objects.select_related("registration", "other_registration").get()
        later, earlier = review.registration, review.other_registration
        needing_review = list(
            Registration.objects.filter(
                pk__in=NationalReview.objects.filter(status=NationalReview.Status.OPEN).values(
                    "registration_id"
                )
            )
        )
        queue_head = (
            Registration.objects.filter(funding_status=FundingStatus.AWAITING_APPROVAL)
            .order_by("created_at", "id")
            .first()
        )

    assert review.reason == "Already registered with another employer"
    assert review.status == NationalReview.Status.OPEN
    assert later.employer_id == fostering.pk != earlier.employer_id
    assert later.swe_number == earlier.swe_number
    assert (later.first_name, later.last_name, later.email) == (
        earlier.first_name,
        earlier.last_name,
        earlier.email,
    )
    assert later.start_date > earlier.start_date
    assert (later.created_at, later.pk) > (earlier.created_at, earlier.pk)
    # Fostering's co-ordinator sees it as awaiting approval like any other (issue #12, finding 8).
    assert later.funding_status == FundingStatus.AWAITING_APPROVAL
    assert later.funding_note == ""
    assert later.nqsw_id is None  # they have no account at Demo Fostering Partnership yet
    assert (earlier.status, earlier.funding_status) == (RegistrationStatus.ACTIVE, FundingStatus.APPROVED)
    assert needing_review == [later]
    assert queue_head == later  # national staff see it at the top of their queue
    # Demo Fostering Partnership sees only its own registration of the person.
    with tenant_context(fostering.pk):
        assert list(Registration.objects.filter(swe_number=later.swe_number)) == [later]
