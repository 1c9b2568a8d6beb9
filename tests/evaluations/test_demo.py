"""The 360 evaluation's part of ``manage.py seed_demo``: Demo County Council's closed evaluation of last
year and this year's under way (through the services: self-assessment half done, people invited, some
answered), other employers' cycles so that the national composite has employers in every count; a second
run creates nothing. (The whole command is exercised by tests/demo/test_seed_demo.py.)"""

from __future__ import annotations

import pytest

from asye.accounts.models import Role
from asye.tenancy.db import system_national_context
from demo.calendar import DemoCalendar
from evaluations import demo
from evaluations.composite import national_composite
from evaluations.models import EvaluationCycle, EvaluationInvitation, EvaluationResponse
from evaluations.selectors import framework_for_year
from tests.evaluations.helpers import this_year
from tests.factories import EmployerFactory, person
from tests.today import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_runs_a_county_cycle_and_fills_the_composite():
    county = EmployerFactory(name="Demo County Council")
    coordinator = person(role=Role.COORDINATOR, employer=county, email="coordinator@demo.example")
    for index in range(3):
        person(role=Role.NQSW, employer=county, email=f"nqsw{index}@demo.example")
    person(role=Role.ASSESSOR, employer=county, email="assessor@demo.example")
    others = [EmployerFactory(name=f"Other {index:02d} Council") for index in range(14)]
    employer_ids = {county.name: county.pk, **{e.name: e.pk for e in others}}
    with system_national_context():
        created = demo.seed(
            employer_ids=employer_ids,
            user_ids={"coordinator@demo.example": coordinator.pk},
            demo_calendar=DemoCalendar(TODAY),
        )
        assert created["evaluation cycles"] == 2 + 28
        this = EvaluationCycle.objects.get(employer=county, year=this_year())
        last = EvaluationCycle.objects.get(employer=county, year=this_year() - 1)
        assert this.closed_on is None and last.closed_on is not None
        assert EvaluationInvitation.objects.filter(cycle=this).count() == 6
        answered = EvaluationInvitation.objects.filter(cycle=this, used=True).count()
        assert (
            answered
            == EvaluationResponse.objects.filter(cycle=this).exclude(respondent_type="self").count()
            == 3
        )
        result = national_composite(this_year(), framework_for_year(this_year()))
        assert (
            result.counts["included"] >= 5
            and result.counts["no_data"] >= 2
            and result.counts["below_minimum"] >= 1
        )
        assert all(row.average is not None for row in result.rows)
        assert result.last_year_source == "platform"
        again = demo.seed(
            employer_ids=employer_ids,
            user_ids={"coordinator@demo.example": coordinator.pk},
            demo_calendar=DemoCalendar(TODAY),
        )
    assert sum(again.values()) == 0
