"""The dashboard flags: caseload cap, protected time target, supervision overdue, review due."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asye.tenancy.db import tenant_context
from programmes.models import CaseloadRecord, ProtectedTimeLog, SupervisionSession
from programmes.support_selectors import Flag, registration_support
from tests.programmes.conftest import STARTED

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    """The ``n``th day of the programme (which starts on ``STARTED``, 7 September 2026 when written)."""
    return STARTED + datetime.timedelta(days=n)


@pytest.fixture
def registration(register, employer_a):
    return register(employer_a)  # starts on STARTED, 37 hours


def flags_on(tenant, registration, day):
    with tenant_context(tenant.employer.pk):
        return registration_support([registration], today=day)[registration.pk]


def record(tenant, model, **fields):
    with tenant_context(tenant.employer.pk):
        return model.objects.create(employer=tenant.employer, recorded_by=tenant.line_manager, **fields)


def test_nothing_recorded_after_weeks_is_flagged(employer_a, registration):
    support = flags_on(employer_a, registration, day(28))  # four weeks in
    assert Flag.OVERDUE in support.flags
    assert Flag.PROTECTED_TIME_BELOW_TARGET in support.flags
    assert support.protected_target == Decimal("14.8")  # 3.7 hours a week for 4 weeks


def test_kept_on_track(employer_a, registration):
    for week in range(4):
        on = day(3) + datetime.timedelta(weeks=week)
        record(
            employer_a,
            SupervisionSession,
            registration=registration,
            held_on=on,
            duration_minutes=60,
            reflective=True,
        )
        record(
            employer_a,
            ProtectedTimeLog,
            registration=registration,
            taken_on=on,
            hours=Decimal("3.75"),
            activity="Reading",
        )
    support = flags_on(employer_a, registration, day(28))
    assert support.flags == [Flag.ON_TRACK]
    assert support.next_due_label == "Direct observation 1" or support.next_due is not None


def test_caseload_over_ninety_percent_of_the_team_average(employer_a, registration):
    record(
        employer_a,
        CaseloadRecord,
        registration=registration,
        recorded_on=day(13),
        caseload=17,
        team_average=Decimal("20"),
    )
    assert Flag.CASELOAD_OVER_CAP not in flags_on(employer_a, registration, day(14)).flags
    record(
        employer_a,
        CaseloadRecord,
        registration=registration,
        recorded_on=day(20),
        caseload=19,
        team_average=Decimal("20"),
    )
    support = flags_on(employer_a, registration, day(21))
    assert Flag.CASELOAD_OVER_CAP in support.flags and support.caseload_cap == Decimal("18.0")


def test_review_due_within_two_weeks(employer_a, registration):
    week_before_review = registration.start_date + relativedelta(months=3) - datetime.timedelta(days=7)
    assert Flag.REVIEW_DUE in flags_on(employer_a, registration, week_before_review).flags


# Deferrals, protected time, supervision, caseload (two), and the work sources: reviews, recommendations and
# the panel's decisions (reviews), observations and agreements (portfolios).
PROGRESS_QUERIES = 10


def test_query_count_does_not_grow_with_registrations(register, employer_a):
    registrations = [register(employer_a, swe_number=f"SW{n}") for n in range(100, 110)]
    with tenant_context(employer_a.employer.pk):
        for r in registrations:
            r.framework_version  # noqa: B018  (loaded as the dashboards load it)
        with CaptureQueriesContext(connection) as one:
            registration_support(registrations[:1], today=day(28))
        with CaptureQueriesContext(connection) as ten:
            registration_support(registrations, today=day(28))
    assert len(one) == len(ten) == PROGRESS_QUERIES
