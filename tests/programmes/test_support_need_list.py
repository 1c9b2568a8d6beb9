# ruff: noqa: RUF001  (the pages quote a search in curly quotes, as GOV.UK style does)
"""The co-ordinator's list of support needs (#18 items 2 and 8): search by the NQSW's name, email or SWE
number, a status filter, GOV.UK pagination, and CSV/XLSX downloads with the filters applied, never holding
what the NQSW wrote, never another employer's needs, in a fixed number of queries."""

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
from programmes.models import SupportNeed
from tests.programmes.conftest import TODAY
from tests.today import days_ago

pytestmark = pytest.mark.django_db

LIST = reverse("support:needs")
CSV = reverse("support:needs_csv")
XLSX = reverse("support:needs_xlsx")
SECRET = "I need a quiet room for supervision"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="support-needs-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def need(tenant, registration, *, status=SupportNeed.Status.REQUESTED, asked=10) -> SupportNeed:
    with tenant_context(tenant.employer.pk):
        return SupportNeed.objects.create(
            employer=tenant.employer,
            registration=registration,
            kind=SupportNeed.Kind.REASONABLE_ADJUSTMENTS,
            requested_on=days_ago(asked),
            status=status,
            resolved_on=TODAY if status == SupportNeed.Status.IN_PLACE else None,
            detail=SECRET,
            detail_shared=True,
            created_by=tenant.coordinator,
        )


@pytest.fixture
def needs(register, employer_a, employer_b):
    priya = register(
        employer_a, first_name="Priya", last_name="Campbell", swe_number="SW7200001", email="p@a.example"
    )
    grace = register(
        employer_a, first_name="@Grace", last_name="Okafor", swe_number="SW7200002", email="g@a.example"
    )
    bertha = register(
        employer_b, first_name="Bertha", last_name="Campbell", swe_number="SW7200003", email="b@b.example"
    )
    return {
        "priya": need(employer_a, priya, asked=20),
        "grace": need(employer_a, grace, status=SupportNeed.Status.IN_PLACE, asked=30),
        "bertha": need(employer_b, bertha),
    }


def test_the_list_is_searched_and_filtered_within_the_employer(client, login, employer_a, needs):
    login(employer_a.coordinator)
    page = text(client.get(LIST))
    assert "Priya Campbell" in page and "Okafor" not in page  # resolved needs are not listed by default
    assert "1 support need not resolved yet" in page
    assert "Okafor" in text(client.get(LIST, {"status": "resolved"}))
    every = text(client.get(LIST, {"status": "all"}))
    assert "Priya Campbell" in every and "@Grace Okafor" in every and "Bertha" not in every
    assert SECRET not in every

    found = text(client.get(LIST, {"q": "sw7200001", "status": "all"}))
    assert "Priya Campbell" in found and "Okafor" not in found
    assert "1 support need matches ‘sw7200001’ and the filters" in found
    assert "Okafor" in text(client.get(LIST, {"q": "g@a", "status": "all"}))

    nothing = text(client.get(LIST, {"q": "SW7200003", "status": "all"}))  # B's NQSW
    assert "Bertha" not in nothing and "No support needs match ‘sw7200003’" in nothing
    assert client.get(LIST, {"status": "<b>", "page": "x"}).status_code == 200


def test_the_download_has_the_filters_applied_and_never_the_nqsws_words(client, login, employer_a, needs):
    login(employer_a.coordinator)
    rows = csv_rows(client.get(CSV, {"status": "all"}))
    assert rows[0] == [
        "First name",
        "Last name",
        "Email",
        "Social Work England number",
        "Support",
        "Status",
        "Asked for on",
        "Resolved on",
        "Days waiting",
        "Details shared with you",
    ]
    assert sorted(row[3] for row in rows[1:]) == ["SW7200001", "SW7200002"]
    grace = next(row for row in rows[1:] if row[3] == "SW7200002")
    assert grace[0] == "'@Grace" and grace[5] == "In place" and grace[9] == "Yes"
    assert all(SECRET not in cell for row in rows for cell in row)
    assert [row[3] for row in csv_rows(client.get(CSV, {"q": "campbell"}))[1:]] == ["SW7200001"]

    response = client.get(XLSX, {"status": "resolved"})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [row[3] for row in cells[1:]] == ["SW7200002"] and cells[1][0] == "'@Grace"


def test_only_the_employers_co_ordinators_list_or_download(client, login, employer_a, employer_b, needs):
    login(employer_b.coordinator)
    assert [row[3] for row in csv_rows(client.get(CSV, {"status": "all"}))[1:]] == ["SW7200003"]
    assert csv_rows(client.get(CSV, {"q": "SW7200001", "status": "all"}))[1:] == []
    login(employer_a.assessor)
    assert client.get(LIST).status_code == 403
    assert client.get(CSV).status_code == 403


def test_the_list_and_downloads_take_the_same_queries_for_more_needs(
    client, login, register, employer_a, needs
):
    login(employer_a.coordinator)

    def count(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"status": "all"})
            if response.streaming:
                b"".join(response.streaming_content)
            assert response.status_code == 200
        return len(captured.captured_queries)

    count(LIST)  # the first page of a session reads what later pages find cached
    before = [count(url) for url in (LIST, CSV, XLSX)]
    for number in range(3):
        more = register(
            employer_a, first_name="Carl", last_name=f"Cole{number}", swe_number=f"SW72001{number}"
        )
        need(employer_a, more)
    assert [count(url) for url in (LIST, CSV, XLSX)] == before
