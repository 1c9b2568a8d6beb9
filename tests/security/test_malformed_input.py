"""Malformed input is a 400 that names the parameter, never a 500 (security finding #12.7 and the 500s of
#12.10): a NUL or other control character in any query parameter, impossible but well-formed date-times,
and time-zone offsets PostgreSQL cannot hold."""

from __future__ import annotations

import datetime

import pytest

from asye.api.filters import parse_datetime_param

pytestmark = pytest.mark.django_db

FILTERED_LISTS = (
    "/api/v1/registrations/",
    "/api/v1/reviews/",
    "/api/v1/claims/",
    "/api/v1/statements/",
)


@pytest.fixture
def coordinator(client, login, employer_a):
    login(employer_a.coordinator)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/audit-events/?action=%00",
        "/api/v1/registrations/?swe_number=%00",
        "/api/v1/registrations/?swe_number=SW1%0D%0A",
        "/api/v1/registrations/?%00=1",
    ],
)
def test_a_control_character_in_an_api_parameter_is_a_problem_naming_it(coordinator, url):
    response = coordinator.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400 and "control characters" in body["detail"]
    assert body["errors"]


@pytest.mark.parametrize("url", ["/audit/?action=%00", "/registrations/?q=%00", "/registrations/?status=%00"])
def test_a_control_character_on_a_page_is_the_there_is_a_problem_page(coordinator, url):
    response = coordinator.get(url)
    assert response.status_code == 400
    assert "Sorry, there is a problem" in response.content.decode()


@pytest.mark.parametrize("url", FILTERED_LISTS)
@pytest.mark.parametrize(
    "moment",
    [
        "2026-01-01T00:00:00%2B16:00",  # PostgreSQL refuses offsets of 16 hours or more
        "2026-01-01T00:00:00-23:59",
        "2026-13-01T00:00:00Z",  # month 13
        "2026-02-30T00:00:00Z",  # 30 February
        "2026-01-01T25:00:00Z",  # hour 25
        "2026-01-01T00:00:00%2B24:00",
        "0001-01-01T00:00:00%2B01:00",  # before the calendar starts, once moved to UTC
        "9999-12-31T23:59:59-01:00",  # after it ends
        "yesterday",
    ],
)
def test_an_impossible_updated_since_is_a_problem_naming_it(coordinator, url, moment):
    response = coordinator.get(f"{url}?updated_since={moment}")
    if response.status_code == 200:
        # Far offsets that are still real moments are accepted once moved to UTC.
        assert moment.startswith("2026-01-01T00:00:00") and moment[19:] in ("%2B16:00", "-23:59")
        return
    assert response.status_code == 400, response.content
    assert "updated_since" in response.json()["errors"]


def test_an_impossible_since_on_the_audit_events_is_a_problem(coordinator):
    response = coordinator.get("/api/v1/audit-events/?since=2026-02-30T00:00:00Z")
    assert response.status_code == 400 and "since" in response.json()["errors"]


class _Request:
    def __init__(self, **params):
        self.query_params = params


def test_date_times_come_back_in_utc_and_a_bare_time_is_london_time():
    moved = parse_datetime_param(_Request(since="2026-01-01T00:00:00+16:00"), "since")
    assert moved == datetime.datetime(2025, 12, 31, 8, 0, tzinfo=datetime.UTC)
    assert moved.tzinfo is datetime.UTC
    summer = parse_datetime_param(_Request(since="2026-07-01T09:00:00"), "since")
    assert summer == datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)
    assert parse_datetime_param(_Request(), "since") is None
