# ruff: noqa: RUF001  (the pages quote a search in curly quotes, as GOV.UK style does)
"""The list of every review (#18 items 2 and 8): search by the NQSW's name, email or SWE number, filters,
GOV.UK pagination and CSV/XLSX downloads with the filters applied, scoped like every review page (an
assessor sees only their NQSWs' reviews; another employer's never appear), in a fixed number of queries."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from asye.tenancy.db import tenant_context
from programmes.models import Registration
from tests.reviews.review_fixtures import make_registration, scheduled

pytestmark = pytest.mark.django_db

LIST = reverse("reviews:all")
CSV = reverse("reviews:all_csv")
XLSX = reverse("reviews:all_xlsx")


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="reviews-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def people_listed(page: str) -> list[str]:
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="[^"]+">([^<]+)<', page
    )


@pytest.fixture
def nqsws(employer_a, employer_b):
    """Two of A's NQSWs (one not assessed by A's assessor) and one of B's, each with reviews scheduled."""
    priya = make_registration(employer_a, swe_number="SW7100001", first_name="Priya", last_name="Campbell")
    grace = make_registration(employer_a, swe_number="SW7100002", first_name="Grace", last_name="Okafor")
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=grace.pk).update(assessor=None, first_name="=HYPERLINK(1)")
    bertha = make_registration(employer_b, swe_number="SW7100003", first_name="Bertha", last_name="Campbell")
    for tenant, registration in ((employer_a, priya), (employer_a, grace), (employer_b, bertha)):
        scheduled(tenant, registration)
    return priya, grace, bertha


def test_the_co_ordinator_finds_an_nqsws_reviews_by_swe_number_name_or_email(
    client, login, employer_a, nqsws
):
    login(employer_a.coordinator)
    everything = text(client.get(LIST))
    assert set(people_listed(everything)) == {"Priya Campbell", "=HYPERLINK(1) Okafor"}
    assert "Bertha" not in everything

    page = text(client.get(LIST, {"q": "sw 7100001"}))
    assert set(people_listed(page)) == {"Priya Campbell"}
    assert "match ‘sw 7100001’" in page
    assert set(people_listed(text(client.get(LIST, {"q": "campbell"})))) == {"Priya Campbell"}
    assert set(people_listed(text(client.get(LIST, {"q": "sw7100002@"})))) == {"=HYPERLINK(1) Okafor"}

    empty = text(client.get(LIST, {"q": "SW7100003"}))  # B's NQSW
    assert people_listed(empty) == [] and "No reviews match ‘sw7100003’" in empty


def test_filters_combine_with_the_search_and_unknown_values_are_ignored(client, login, employer_a, nqsws):
    login(employer_a.coordinator)
    three = text(client.get(LIST, {"month": "3", "q": "campbell"}))
    assert "1 review matches ‘campbell’ and the filters" in three
    assert text(client.get(LIST, {"status": "locked"})).count('scope="row"') == 0
    nonsense = client.get(LIST, {"status": "<script>", "month": "x", "page": "999"})
    assert nonsense.status_code == 200 and "Any status" in nonsense.content.decode()


def test_an_assessor_sees_only_their_nqsws_reviews(client, login, employer_a, nqsws):
    login(employer_a.assessor)
    assert set(people_listed(text(client.get(LIST)))) == {"Priya Campbell"}
    rows = csv_rows(client.get(CSV))
    assert {row[3] for row in rows[1:]} == {"SW7100001"}


def test_the_download_has_the_filters_applied_and_neutralised_cells(client, login, employer_a, nqsws):
    login(employer_a.coordinator)
    rows = csv_rows(client.get(CSV, {"q": "okafor", "month": "3"}))
    assert rows[0][:4] == ["First name", "Last name", "Email", "Social Work England number"]
    assert [(row[0], row[3], row[6]) for row in rows[1:]] == [
        ("'=HYPERLINK(1)", "SW7100002", "3-month review")
    ]

    every = csv_rows(client.get(CSV))
    assert {row[3] for row in every[1:]} == {"SW7100001", "SW7100002"}

    response = client.get(XLSX, {"q": "SW7100001"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][0] == "First name" and {row[3] for row in cells[1:]} == {"SW7100001"}


def test_another_employers_co_ordinator_downloads_none_of_a(client, login, employer_b, nqsws):
    login(employer_b.coordinator)
    assert {row[3] for row in csv_rows(client.get(CSV))[1:]} == {"SW7100003"}
    assert csv_rows(client.get(CSV, {"q": "SW7100001"}))[1:] == []


def test_national_staff_and_visitors_cannot_use_the_list(client, login, national_staff):
    assert client.get(LIST).status_code == 302
    login(national_staff)
    assert client.get(LIST).status_code == 403
    assert client.get(CSV).status_code == 403


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_list_and_its_downloads_take_the_same_queries_for_more_nqsws(client, login, employer_a, nqsws):
    login(employer_a.coordinator)
    client.get(LIST)  # the reviews are scheduled once
    before = {url: _queries(client, url, {"q": "c"}) for url in (LIST, CSV, XLSX)}
    for number in range(3):
        registration = make_registration(
            employer_a, swe_number=f"SW71002{number:02d}", first_name="Carl", last_name=f"Cole{number}"
        )
        scheduled(employer_a, registration)
    client.get(LIST)
    after = {url: _queries(client, url, {"q": "c"}) for url in (LIST, CSV, XLSX)}
    assert after[CSV] == before[CSV] and after[XLSX] == before[XLSX], (before, after)
    # The page schedules each open programme's reviews first (as the reviews page does); the list itself
    # is a count and one page of rows.
    assert after[LIST] - before[LIST] <= 3 * 2, (before, after)
