"""The 360 national composite over the national API: the national page's figures (one computation), a
platform year against a hand calculation, the published years as printed; employers' names and
responses never in it; a year without figures is a 400 problem."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from asye.tenancy.db import system_national_context
from evaluations.selectors import composite_for_year
from tests.api.national_helpers import bearer, national_token
from tests.evaluations.helpers import answers, invite, open_cycle, respond, self_assess, this_year
from tests.evaluations.test_composite import Tenant

pytestmark = pytest.mark.django_db

URL = "/api/v1/national/evaluation-composite/"


def test_a_platform_year_matches_the_hand_calculation_and_the_page(client, login, national_staff):
    # Two employers included: A's ratings of statement 1 are 4, 4, 5, 5 (mean 4.5), B's 2, 3, 3, 3 (2.75);
    # a third below the minimum (two respondents), a fourth registered without data.
    for index, (own, others) in enumerate(
        [("4", ["4", "5", "5"]), ("2", ["3", "3", "3"]), ("5", ["5", "5"])]
    ):
        tenant = Tenant(index)
        cycle = open_cycle(tenant)
        self_assess(tenant, cycle, answers(default="3", s1=own))
        for secret, rating in zip(
            invite(tenant, cycle, "nqsw", [f"r{i}@c{index}.example" for i in range(len(others))]),
            others,
            strict=True,
        ):
            respond(secret, answers(default="3", s1=rating))
    open_cycle(Tenant(3))
    secret = national_token(client, login, national_staff)

    response = client.get(URL, {"year": this_year()}, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["source"]) == (this_year(), "platform")
    assert body["counts"] == {"included": 2, "no_data": 1, "below_minimum": 1}
    first = body["themes"][0]["statements"][0]
    # mean(4.5, 2.75) = 3.625 -> 3.6; min 2.75 -> 2.8 (half up); max 4.5.
    assert (first["number"], first["average"], first["minimum"], first["maximum"]) == (1, "3.6", "2.8", "4.5")
    assert (first["rag"], first["employers"]) == ("amber", 2)
    assert [theme["number"] for theme in body["themes"]] == [1, 2, 3, 4]
    assert sum(len(theme["statements"]) for theme in body["themes"]) == 33
    # One computation: the page's and the exports' selector gives the same figures.
    with system_national_context():
        result = composite_for_year(this_year())
    assert [
        (s["number"], s["average"], s["minimum"], s["maximum"], s["employers"])
        for theme in body["themes"]
        for s in theme["statements"]
    ] == [
        (row.number, str(row.average), str(row.minimum), str(row.maximum), row.employers)
        for row in result.rows
    ]
    text = json.dumps(body)
    assert "Composite 0 Council" not in text and "lead0@composite.example" not in text
    # By default the latest year with figures: this one.
    assert client.get(URL, **bearer(secret)).json()["year"] == this_year()


def test_a_published_year_as_printed(client, login, national_staff):
    secret = national_token(client, login, national_staff)
    body = client.get(URL, {"year": 2023}, **bearer(secret)).json()
    assert (body["source"], body["year_label"], body["last_year_source"]) == (
        "published",
        "2023-24",
        "published",
    )
    tenth = next(s for theme in body["themes"] for s in theme["statements"] if s["number"] == 10)
    # Statement 10, 2023-24: 4.4 (3.0 to 5.0), green; 2022-23: 4.4 (3.2 to 5.0).
    assert (tenth["average"], tenth["minimum"], tenth["maximum"], tenth["rag"]) == (
        "4.4",
        "3.0",
        "5.0",
        "green",
    )
    assert (tenth["last_average"], tenth["last_minimum"]) == ("4.4", "3.2")
    assert Decimal(tenth["last_maximum"]) == Decimal("5.0")


@pytest.mark.parametrize("year", ["1999", "2019", "twenty", "2023.5", "-2023"])
def test_a_year_without_figures_is_a_400_problem(client, login, national_staff, year):
    secret = national_token(client, login, national_staff)
    response = client.get(URL, {"year": year}, **bearer(secret))
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert "year" in response.json()["errors"]
