"""Lists as spreadsheets (#18 item 8): CSV and XLSX with the page's filters and search applied, scoped like
the page (another employer's rows never appear), with formula injection neutralised (cells beginning with
= + - @ tab or carriage return), through the one helper ``asye.web.downloads``."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from asye.tenancy.db import tenant_context
from asye.web.downloads import safe_text
from funding import exports
from programmes.models import Registration
from tests.funding.conftest import register
from tests.funding.helpers import approve, claim_of, national_actor, submitted

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def national(national_staff):
    return national_actor(national_staff)


@pytest.fixture
def people(employer_a, employer_b):
    a = [
        register(employer_a, first_name="Priya", last_name="Campbell", swe_number="SW5550001"),
        register(employer_a, first_name="Grace", last_name="Okafor", swe_number="SW5550002"),
        register(employer_a, first_name="Hack", last_name="Er", swe_number="SW5550003"),
    ]
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=a[2].pk).update(
            first_name='=HYPERLINK("http://evil")', last_name="@SUM"
        )
    b = register(employer_b, first_name="Bertha", last_name="Campbell", swe_number="SW5550004")
    return a, b


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_would_run_as_a_formula_is_shown_as_text(start):
    assert safe_text(f"{start}1+1") == f"'{start}1+1"
    assert safe_text("Priya") == "Priya" and safe_text(None) == ""
    # Payment statements use the same rule.
    assert exports.safe_text is safe_text


def test_the_co_ordinators_registrations_download_with_the_search_applied(client, login, employer_a, people):
    login(employer_a.coordinator)
    rows = csv_rows(client.get(reverse("programmes:list_csv"), {"q": "campbell"}))
    assert rows[0][:4] == ["First name", "Last name", "Email", "Social Work England number"]
    assert [row[:2] for row in rows[1:]] == [["Priya", "Campbell"]]  # not B's Bertha Campbell

    every = csv_rows(client.get(reverse("programmes:list_csv")))
    assert sorted(row[3] for row in every[1:]) == ["SW5550001", "SW5550002", "SW5550003"]
    hacked = next(row for row in every[1:] if row[3] == "SW5550003")
    assert hacked[:2] == ['\'=HYPERLINK("http://evil")', "'@SUM"]


def test_the_xlsx_has_the_same_rows_and_neutralised_cells(client, login, employer_a, people):
    login(employer_a.coordinator)
    rows = xlsx_rows(client.get(reverse("programmes:list_xlsx")))
    assert rows[0][0] == "First name" and len(rows) == 4
    hacked = next(row for row in rows[1:] if row[3] == "SW5550003")
    assert hacked[0] == '\'=HYPERLINK("http://evil")'


def test_another_employers_co_ordinator_downloads_none_of_a(client, login, employer_b, people):
    login(employer_b.coordinator)
    rows = csv_rows(client.get(reverse("programmes:list_csv")))
    assert [row[3] for row in rows[1:]] == ["SW5550004"]


def test_national_lists_download_across_employers_with_filters(
    client, login, national_staff, national, employer_a, employer_b, people
):
    a, _b = people
    claim = submitted(employer_a, claim_of(approve(national, a[0])))
    login(national_staff)
    registrations = csv_rows(
        client.get(reverse("national_registrations:list_csv"), {"q": "campbell", "funding_status": "all"})
    )
    assert sorted((row[0], row[4]) for row in registrations[1:]) == sorted(
        [(employer_a.employer.name, "Campbell"), (employer_b.employer.name, "Campbell")]
    )
    claims = xlsx_rows(client.get(reverse("national_funding:claims_xlsx"), {"status": "submitted"}))
    assert claims[0][:4] == ["Employer", "Employer type", "Region", "Claim"]
    assert [row[3] for row in claims[1:]] == [claim.reference]
    assert claims[1][-1] == claim.amount


def test_employers_cannot_download_national_lists(client, login, employer_a, people):
    login(employer_a.coordinator)
    assert client.get(reverse("national_registrations:list_csv")).status_code == 403
    assert client.get(reverse("national_funding:claims_csv")).status_code == 403
    assert client.get(reverse("funding:claims_csv")).status_code == 200
