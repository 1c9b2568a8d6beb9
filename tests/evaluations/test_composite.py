"""The national composite, built from many employers' responses, matches an independent calculation:
which employers count (self-assessment complete and at least 3 respondents), registered without data and
below the minimum; per statement the mean, minimum and maximum of the included employers' own means,
rounded half up to one place; last year as published; and the page and its exports lay it out."""

from __future__ import annotations

import csv
import io
import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from asye.accounts.models import Role
from evaluations.composite import national_composite
from tests.evaluations.helpers import (
    NUMBERS,
    framework,
    invite,
    open_cycle,
    respond,
    self_assess,
    this_year,
)
from tests.factories import EmployerFactory, person

pytestmark = pytest.mark.django_db


class Tenant:
    def __init__(self, index: int):
        self.employer = EmployerFactory(name=f"Composite {index} Council")
        self.coordinator = person(
            role=Role.COORDINATOR, employer=self.employer, email=f"lead{index}@composite.example"
        )


def _random_answers(rng: random.Random) -> dict[int, str]:
    return {n: rng.choice(["1", "2", "3", "4", "5", "5", "4", "dont_know"]) for n in NUMBERS}


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def test_the_composite_matches_an_independent_calculation(client, login, national_staff):
    rng = random.Random(360)
    # (complete self-assessment?, respondents): five included, two below the minimum, one without data.
    plans = [(True, 3), (True, 5), (True, 4), (True, 7), (True, 3), (True, 2), (False, 6), (None, 0)]
    given: dict[int, list[dict[int, str]]] = {}
    for index, (complete, count) in enumerate(plans):
        tenant = Tenant(index)
        cycle = open_cycle(tenant)
        sets = []
        if complete is not None:
            own = _random_answers(rng)
            if not complete:
                own = {n: v for n, v in own.items() if n <= 20}
            self_assess(tenant, cycle, own)
            sets.append(own)
        emails = [f"r{i}@c{index}.example" for i in range(count)]
        kind = rng.choice(["nqsw", "assessor", "other"])
        secrets = invite(tenant, cycle, kind, emails) if emails else []
        for secret in secrets:
            answer = _random_answers(rng)
            respond(secret, answer)
            sets.append(answer)
        given[index] = sets
    included = [i for i, (complete, count) in enumerate(plans) if complete and count >= 3]

    # The independent calculation: each included employer's mean per statement, then across employers.
    expected = {}
    for number in NUMBERS:
        means = []
        for index in included:
            ratings = [int(s[number]) for s in given[index] if s.get(number, "dont_know") != "dont_know"]
            if ratings:
                means.append(Fraction(sum(ratings), len(ratings)))
        expected[number] = (
            _round(sum(means, Fraction(0)) / len(means)),
            _round(min(means)),
            _round(max(means)),
            len(means),
        )

    from asye.tenancy.db import system_national_context

    with system_national_context():
        result = national_composite(this_year(), framework())
    assert result.counts == {"included": 5, "below_minimum": 2, "no_data": 1}
    for row in result.rows:
        assert (row.average, row.minimum, row.maximum, row.employers) == expected[row.number], row.number
    assert [number for number, _title, _rows in result.themes] == [1, 2, 3, 4]

    # The page lays it out as the seed's tables; the exports carry the same figures.
    client = login(national_staff)
    page = client.get(reverse("national_evaluations:composite"))
    body = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert 'Employers included</dt><dd class="govuk-summary-list__value">5' in body
    assert 'Some data, below the minimum for inclusion</dt><dd class="govuk-summary-list__value">2' in body
    first = result.rows[0]
    assert f">{first.average}</td>" in body
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("national_evaluations:composite_export", args=[this_year(), "csv"])
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert rows[1][1] == "1" and Decimal(rows[1][3]) == first.average
    assert ["Employers included", "5"] in rows
    xlsx = client.get(reverse("national_evaluations:composite_export", args=[this_year(), "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert Decimal(str(sheet["D2"].value)) == first.average


def test_last_year_falls_back_to_the_published_figures(national_staff):
    from asye.tenancy.db import system_national_context

    with system_national_context():
        result = national_composite(2024, framework())
    assert result.last_year_source == "published"
    assert (result.rows[7].last_average, result.rows[7].last_minimum) == (Decimal("3.5"), Decimal("0.0"))


def test_the_published_years_are_shown_as_printed(client, login, national_staff):
    client = login(national_staff)
    page = client.get(reverse("national_evaluations:composite") + "?year=2023")
    body = " ".join(page.content.decode().split())
    assert "national figures as published" in body
    # Statement 10, 2023-24: 4.4 (3.0 to 5.0), green; 2022-23: 4.4 (3.2 to 5.0).
    assert "10. Every NQSW has a Personal Development Plan (PDP)" in body


def test_exports_neutralise_formulas():
    from evaluations.composite import Composite
    from evaluations.exports import composite_rows
    from evaluations.scoring import CompositeRow

    result = Composite(year=2025, framework=None)
    result.themes = [(1, '=HYPERLINK("x")', [CompositeRow(1, "+SUM(A1)", None, None, None, 0)])]
    rows = composite_rows(result)
    assert rows[1][2] == "'+SUM(A1)"
