"""National staff's employers list downloads as CSV or XLSX with the page's filters (#18 item 8); nobody
acting for an employer may download it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer

pytestmark = pytest.mark.django_db


def test_the_employers_download_has_the_filters_applied(
    client, login, national_staff, employer_a, employer_b
):
    with system_national_context():
        Employer.objects.filter(pk=employer_b.employer.pk).update(name="=B's HR")
    login(national_staff)
    response = client.get(reverse("national:employers_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Employer", "Employer type", "Region", "NQSWs", "Assessors", "Co-ordinators"]
    names = {row[0] for row in rows[1:]}
    assert employer_a.employer.name in names and "'=B's HR" in names
    a_row = next(row for row in rows[1:] if row[0] == employer_a.employer.name)
    assert a_row[3:] == ["1", "1", "1"]

    response = client.get(reverse("national:employers_xlsx"), {"q": employer_a.employer.name[:6]})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [row[0] for row in cells[1:]] == [employer_a.employer.name]
    page = client.get(reverse("national:employers"), {"q": employer_a.employer.name[:6]}).content.decode()
    assert "employers.csv?q=" in page


def test_employer_staff_cannot_download_the_employers(client, login, employer_a):
    login(employer_a.coordinator)
    assert client.get(reverse("national:employers_csv")).status_code == 403
    assert client.get(reverse("national:employers_xlsx")).status_code == 403
