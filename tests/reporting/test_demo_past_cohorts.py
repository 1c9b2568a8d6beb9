"""The demo's past cohorts (``demo.past_cohorts``): three finished cohorts with outcomes and equality
answers, dated from the seeding day, so the equity page and its regression show real figures; made once."""

from __future__ import annotations

import pytest

from asye.tenancy.db import system_national_context
from demo.calendar import DemoCalendar
from demo.past_cohorts import COHORT_SIZE, RECORDS, REF_PREFIX, past_cohorts, seed
from programmes.eligibility import funding_year_of
from programmes.models import Registration, RegistrationStatus
from reporting.equity import equity_summary
from reporting.equity_selectors import default_cohorts
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


def test_the_past_cohorts_are_the_three_the_equity_page_opens_on():
    calendar = DemoCalendar.seeding()
    cohorts = past_cohorts(calendar)
    current = int(funding_year_of(calendar.today)[:4])
    assert [int(cohort[:4]) for cohort in cohorts] == [current - 4, current - 3, current - 2]
    assert default_cohorts(cohorts) == cohorts


def test_seeding_makes_finished_cohorts_with_real_equity_figures_once():
    EmployerFactory(name="Northshire County Council", serves_adults=True)
    EmployerFactory(name="Kindly Care Trust")
    calendar = DemoCalendar.seeding()
    with system_national_context():
        assert seed(None, calendar)["past cohort registrations"] == RECORDS
        assert seed(None, calendar) == {}  # a second run creates nothing
        made = Registration.objects.filter(legacy_ref__startswith=REF_PREFIX)
        assert made.count() == RECORDS
        assert not made.exclude(
            status__in=[RegistrationStatus.COMPLETED, RegistrationStatus.WITHDRAWN]
        ).exists()
        summary = equity_summary(past_cohorts(calendar))
    assert summary["records"] == RECORDS and summary["in_progress"] == 0
    assert summary["withdrawn"] > 0 and summary["unsuccessful"] > 30
    assert summary["complete_cases"] > 0.8 * RECORDS
    # Every group the seed report compares has people in it, and deferral raises the rate.
    for column, levels in (
        ("ethnicity_group", ("White", "Black or minoritised ethnic")),
        ("gender", ("female", "male")),
        ("deferrals", ("0", "1", "2")),
    ):
        assert all(summary["by"][column][level]["n"] >= 50 for level in levels), column
    assert summary["by"]["deferrals"]["1"]["rate"] > summary["by"]["deferrals"]["0"]["rate"]
    assert all(summary["by"]["cohort"][cohort]["n"] > 0.8 * COHORT_SIZE for cohort in past_cohorts(calendar))
    model = summary["logistic_regression"]
    assert model["n"] == summary["complete_cases"] and model["terms"]
