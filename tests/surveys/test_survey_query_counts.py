"""The surveys' and assurance's list pages send a fixed number of queries whatever the number of rows: each
is read with two of its rows, then six, and both counts must equal the pin (tests/performance's style; a
change of a pin is a change to look at)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.services import survey_emails_send_due
from tests.assurance.helpers import concern_of, meeting_with, national_actor, raised_with
from tests.surveys.helpers import add_responses, open_round
from tests.today import TODAY

pytestmark = pytest.mark.django_db

# Each 2 fewer since the session is read without a savepoint of its own (#14, asye.accounts.sessions).
PINS = {
    "nqsw:/surveys/": 19,
    "nqsw:/assurance/confidential/": 11,
    "coordinator:/assurance/raised/": 19,
    "coordinator:/assurance/meetings/": 11,
    "coordinator:/": 25,
    "national:/national/surveys/": 22,
    "national:/national/surveys/{round}/": 15,
    "national:/national/surveys/{round}/results/leads/": 16,
    "national:/national/assurance/": 14,
}


def add_rows(n: int, employer_a, state: dict) -> None:
    """Bring each list up to ``n`` rows: rounds (each inviting everyone), concerns, raised matters, meetings."""
    national = state.setdefault("national", national_actor())
    while state.get("rows", 0) < n:
        i = state.get("rows", 0)
        state["round"] = open_round(national, year=TODAY.year + 10 + i)
        survey_emails_send_due(today=TODAY)
        add_responses(state["round"], "leads", [{"Which services do you work in?": "Adult services"}] * 3)
        concern_of(employer_a)
        raised_with(employer_a, national)
        meeting_with(employer_a, national, in_days=30 + i)
        state["rows"] = i + 1


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_list_pages_send_a_fixed_number_of_queries(client, login, employer_a, national_staff):
    state: dict = {}
    who = {"nqsw": employer_a.nqsw, "coordinator": employer_a.coordinator, "national": national_staff}
    seen: dict[str, list[int]] = {}
    for n in (2, 6):
        add_rows(n, employer_a, state)
        for key in PINS:
            role, url = key.split(":", 1)
            login(who[role])
            seen.setdefault(key, []).append(count(client, url.format(round=state["round"].pk)))
    for key, pin in PINS.items():
        assert seen[key] == [pin, pin], (key, seen[key])
