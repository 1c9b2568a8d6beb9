"""The audit trail's "from" and "to" filters are GOV.UK date inputs (#18 item 7): day, month and year boxes,
each problem in the error summary linked to its box, a "from" after the "to" refused, and nothing a person
types gives a 500 — on the co-ordinator's trail and national staff's."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from asye import clock
from asye.audit.services import audit_record
from asye.tenancy.db import tenant_context
from asye.web.dates import date_data
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db

TRAILS = ["audit:list", "national:audit"]


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def who(client, login, employer_a, national_staff):
    """Sign in to see one of the trails, which holds an event of today at A."""
    with tenant_context(employer_a.employer.pk):
        actor = actor_for(employer_a.coordinator, employer_a.employer)
        audit_record(actor=actor, action="registration.csv_uploaded", changes={"registered": 2})

    def sign_in(url_name: str):
        login(national_staff if url_name.startswith("national") else employer_a.coordinator)
        return reverse(url_name)

    return sign_in


@pytest.mark.parametrize("url_name", TRAILS)
def test_the_dates_are_day_month_and_year_boxes(client, who, url_name):
    page = text(client.get(who(url_name)))
    for name in ("since", "until"):
        for part in ("day", "month", "year"):
            assert f'name="{name}_{part}"' in page
    assert 'name="since"' not in page and "There is a problem" not in page


@pytest.mark.parametrize("url_name", TRAILS)
@pytest.mark.parametrize(
    ("data", "message", "box"),
    [
        (
            {"since_day": "31", "since_month": "2", "since_year": "2026"},
            "The first day must be a real date",
            "since_day",
        ),
        ({"since_day": "3", "since_year": "2026"}, "The first day must include a month", "since_month"),
        (
            {"until_day": "x", "until_month": "<b>", "until_year": "2026"},
            "The last day must be a real date",
            "until_day",
        ),
        (
            {"until_day": "1", "until_month": "1", "until_year": "26"},
            "Year must include 4 numbers",
            "until_year",
        ),
        (
            {"until_day": "1", "until_month": "1", "until_year": "0000"},
            "The last day must be a real date",
            "until_day",
        ),
        (
            {**date_data("since", "2026-03-31"), **date_data("until", "2026-03-01")},
            "The last day must be the same as or after the first day",
            "until_day",
        ),
    ],
)
def test_a_wrong_date_is_in_the_error_summary_never_a_500(client, who, url_name, data, message, box):
    page = text(client.get(who(url_name), data))
    assert "There is a problem" in page and message in page
    assert f'href="#id_{box}"' in page  # the summary links to the box with the problem
    assert "<title>Error:" in page


@pytest.mark.parametrize("url_name", TRAILS)
def test_a_range_of_days_filters_and_a_blank_date_is_no_filter(client, who, url_name):
    url = who(url_name)
    today = clock.today()
    everything = text(client.get(url))
    count = re.search(r"([\d,]+) events?", everything).group(1)
    assert count != "0"
    blank = text(client.get(url, {"since_day": "", "since_month": " ", "since_year": "", "kind": ""}))
    assert "There is a problem" not in blank and "the filters" not in blank
    if url_name == "audit:list":  # (national staff's own reads of the trail are events on it too)
        assert f"{count} event" in blank
    today_only = text(client.get(url, {**date_data("since", today), **date_data("until", today)}))
    assert "There is a problem" not in today_only and re.search(
        r"[1-9][\d,]* events? match(es)? the filters", today_only
    )
    future = text(client.get(url, date_data("since", today + datetime.timedelta(days=366))))
    assert "No events match the filters" in future
