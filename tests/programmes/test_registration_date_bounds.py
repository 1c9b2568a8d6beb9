"""Issue #12, finding 10 (the registration part): dates are checked for sense. A qualification date in
year 1 or a start date in year 9999 is refused by the rules, so by the question pages and the API alike.
"""

from __future__ import annotations

import datetime
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from programmes.eligibility import (
    EARLIEST_QUALIFICATION_YEARS,
    LATEST_START_YEARS_AHEAD,
    check_registration,
    open_funding_years,
)
from programmes.models import Registration
from tests.programmes.conftest import facts
from tests.today import TODAY, days_ago

pytestmark = pytest.mark.django_db

API = "/api/v1/registrations/"
YEAR_ONE = datetime.date(1, 1, 1)
YEAR_9999 = datetime.date(9999, 12, 31)


def body(**overrides) -> dict:
    values = {
        "first_name": "Ada",
        "last_name": "Okafor",
        "email": "",
        "swe_number": "SW620001",
        "qualification_date": days_ago(90).isoformat(),
        "start_date": TODAY.isoformat(),
        "contracted_hours": "37",
        "service_area": "adults",
    }
    return values | overrides


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"qualification_date": YEAR_ONE}, "qualification_date"),
        (
            {"qualification_date": TODAY - relativedelta(years=EARLIEST_QUALIFICATION_YEARS, days=1)},
            "qualification_date",
        ),
        ({"start_date": YEAR_9999}, "start_date"),
        ({"start_date": TODAY + relativedelta(years=LATEST_START_YEARS_AHEAD, days=1)}, "start_date"),
    ],
)
def test_the_rules_refuse_dates_that_make_no_sense(overrides, field):
    # With no funding-year restriction (as a correction of an old registration may be checked), the
    # bounds still hold.
    given = facts(**({"start_date": TODAY, "qualification_date": days_ago(90)} | overrides))
    errors, _version = check_registration(
        given, today=TODAY, employer_type="local_authority", allowed_years=None
    )
    assert field in errors, errors


def test_the_bounds_themselves_are_allowed():
    given = facts(
        qualification_date=TODAY - relativedelta(years=EARLIEST_QUALIFICATION_YEARS),
        start_date=TODAY,
    )
    errors, _version = check_registration(
        given, today=TODAY, employer_type="local_authority", allowed_years=None
    )
    assert "qualification_date" not in errors, errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"qualification_date": "0001-01-01"}, "qualification_date"),
        ({"start_date": "9999-12-31"}, "start_date"),
        ({"qualification_date": "9999-12-31"}, "qualification_date"),
    ],
)
def test_the_api_refuses_them(overrides, field, client, login, employer_a, unscoped):
    login(employer_a.coordinator)
    response = client.post(API, data=json.dumps(body(**overrides)), content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    with unscoped():
        assert not Registration.objects.exists()


def test_the_qualification_page_refuses_year_one(client, login, employer_a):
    login(employer_a.coordinator)
    client.get(reverse("programmes:register"))
    page = reverse("programmes:register_qualification_date")
    response = client.post(
        page,
        {"qualification_date_day": "1", "qualification_date_month": "1", "qualification_date_year": "0001"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "The qualification date must be on or after" in html


def test_the_start_page_refuses_year_9999(client, login, employer_a):
    login(employer_a.coordinator)
    client.get(reverse("programmes:register"))
    client.post(reverse("programmes:register_service_area"), {"service_area": "adults"})
    response = client.post(
        reverse("programmes:register_start_date"),
        {"start_date_day": "31", "start_date_month": "12", "start_date_year": "9999"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_open_funding_years_are_within_the_start_bound():
    """The bound never refuses a start the registration window allows."""
    last = open_funding_years(TODAY)[-1]
    last_day = datetime.date(int(last[:4]) + 1, 3, 31)
    assert last_day <= TODAY + relativedelta(years=LATEST_START_YEARS_AHEAD)
