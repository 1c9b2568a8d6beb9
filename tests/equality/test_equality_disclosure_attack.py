"""Security finding #12.1 replayed: a co-ordinator reads the equality totals, one NQSW answers, the
co-ordinator reads them again. Nothing on the two pages may tell them anything that NQSW answered."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.equality.test_equality_answers import post_answers
from tests.programmes.conftest import STARTED
from tests.today import TODAY, funding_year_label

pytestmark = pytest.mark.django_db

YEAR = funding_year_label(STARTED)
SUMMARY_URL = "/equality/summary/"
TAG = re.compile(r"<[^>]+>")


def figures(page: str) -> str:
    """What the page tells the co-ordinator, as text: its main content without markup."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(TAG.sub(" ", main)).split())


def registered(register_nqsw, employer, count: int, *, prefix: int) -> list:
    return [
        register_nqsw(
            employer, link=False, email=f"n{prefix}-{i}@example.org", swe_number=f"SW7{prefix}{i:03d}"
        )
        for i in range(count)
    ]


def replay(client, login, nightly, employer_a) -> tuple[str, str, str]:
    """Day 1: the co-ordinator reads the page. Day 2: they read it, the NQSW answers, they read it again.
    Day 3: they read it once more. The nightly job runs at the end of each day. Returns the figures of
    the three readings on days 2 and 3."""

    def read() -> str:
        login(employer_a.coordinator)  # a day later the session has ended: they sign in again
        response = client.get(SUMMARY_URL, {"funding_year": YEAR})
        assert response.status_code == 200
        return figures(response.content.decode())

    read()
    day_2 = nightly(TODAY)
    before = read()
    nqsw_client = Client()
    nqsw_client.force_login(employer_a.nqsw)
    answered = post_answers(
        nqsw_client,
        gender="other",
        ethnic_group="mixed",
        ethnicity_asian=None,
        ethnicity_mixed="white_and_asian",
        nationality="irish",
        disability="yes",
    )
    assert answered.status_code == 302
    same_day = read()
    nightly(day_2)
    after = read()
    return before, same_day, after


def test_one_answer_among_seventeen_cannot_be_read_from_the_totals(
    client, login, nightly, employer_a, register_nqsw
):
    """The issue's attack: 17 registered, none answered; one answers."""
    registered(register_nqsw, employer_a, 16, prefix=1)
    register_nqsw(employer_a)  # the NQSW who will answer, named on their registration
    before, same_day, after = replay(client, login, nightly, employer_a)
    # The pages before and after are the same: there is nothing to compare.
    assert same_day == before
    assert after == before
    # Neither says how many have answered or not (0 and 17, then 1 and 16), and no table is shown.
    assert "Answered the questions Fewer than 10 Have not answered yet About 15" in before
    assert "The tables are not shown because fewer than 10 NQSWs registered in" in before
    assert "NQSWs (rounded)" not in before and "This table is not shown" not in before


def test_one_more_answer_after_twelve_cannot_be_read_from_the_totals(
    client, login, nightly, employer_a, register_nqsw, stored_answers
):
    """The same attack where the tables are already shown: twelve answered the same way, five not."""
    for registration in registered(register_nqsw, employer_a, 12, prefix=2):
        stored_answers(registration)
    registered(register_nqsw, employer_a, 4, prefix=1)
    register_nqsw(employer_a)
    before, same_day, after = replay(client, login, nightly, employer_a)
    assert "Answered the questions About 10 Have not answered yet About 5" in before
    assert "Gender Answer NQSWs (rounded) Female 10 Male 0" in before  # the tables are shown
    assert same_day == before
    assert after == before
