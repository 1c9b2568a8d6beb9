"""The report's outputs: the pages, the internal JSON, CSV, and the annual report's PDF and workbook,
made by the report job (with its runs kept) or by the command."""

from __future__ import annotations

import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from weasyprint import HTML

from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.jobs.models import Job
from asye.tenancy.models import Employer
from reporting.annual import annual_figures, equity_cohorts
from reporting.disclosure import SUPPRESSED
from reporting.documents import annual_report_html
from reporting.jobs import ANNUAL_REPORT
from tests.factories import person
from tests.reporting.helpers import load_picture

pytestmark = pytest.mark.django_db
YEAR = {"year": "2024-25", "service_area": "both"}


@pytest.fixture
def picture(unscoped):
    load_picture()


def command(*args: str) -> str:
    out = StringIO()
    call_command("national_report", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_issue_json_shape_with_what_a_publication_would_suppress(picture):
    report = json.loads(command("--year", "2024-25", "--format", "json"))
    assert list(report)[:2] == ["year", "registrations"]
    registrations = report["registrations"]
    assert set(registrations) == {"total", "employers", "by_employer_type", "by_region"}
    assert set(registrations["by_employer_type"][0]) == {"employer_type", "employers", "nqsws"}
    assert set(registrations["by_region"][0]) == {"region", "employers", "nqsws"}
    # The internal JSON keeps exact counts and names the cells a publication would hide.
    pvi = registrations["by_employer_type"][1]
    assert pvi == {"employer_type": "Private, voluntary and independent (PVI)", "employers": 1, "nqsws": 3}
    hidden = report["disclosure"]["would_suppress"]
    assert {
        "table": "by_employer_type",
        "row": pvi["employer_type"],
        "column": "Number of NQSWs registered",
    } in hidden
    assert report["disclosure"]["threshold"] == 5


def test_the_command_refuses_a_year_that_is_not_one(picture):
    with pytest.raises(CommandError, match="not a funding year"):
        command("--year", "2024-26")
    with pytest.raises(CommandError, match="--output"):
        command("--year", "2024-25", "--format", "pdf")


def test_the_command_writes_the_pdf_and_the_workbook(picture, tmp_path):
    pdf, xlsx = tmp_path / "report.pdf", tmp_path / "report.xlsx"
    call_command(
        "national_report", "--year", "2024-25", "--format", "pdf", "--output", str(pdf), stderr=StringIO()
    )
    call_command(
        "national_report", "--year", "2024-25", "--format", "xlsx", "--output", str(xlsx), stderr=StringIO()
    )
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF") and body.rstrip().endswith(b"%%EOF")

    workbook = openpyxl.load_workbook(xlsx, read_only=True)
    assert workbook.sheetnames[0] == "About"
    about = [row[0] for row in workbook["About"].iter_rows(values_only=True)]
    assert any("Disclosure control: counts from 1 to 4" in (text or "") for text in about)
    by_type = next(name for name in workbook.sheetnames if "employer type" in name)
    rows = {row[0]: row[1:] for row in workbook[by_type].iter_rows(min_row=3, values_only=True) if row}
    assert rows["Local authority"] == (SUPPRESSED, 38)
    assert rows["Private, voluntary and independent (PVI)"] == (SUPPRESSED, SUPPRESSED)
    assert rows["Total"] == (SUPPRESSED, 43)


def test_the_pdf_reads_like_the_report(picture, unscoped):
    with unscoped():
        figures = annual_figures(**YEAR)
    html = annual_report_html(figures, threshold=5)
    for heading in (
        "Contents",
        "1. Registrations",
        "2. Equity in the ASYE",
        "3. Quality and funding",
        "4. Method and disclosure control",
    ):
        assert heading in html
    assert "counter(page)" in html and "target-counter" in html  # page numbers, and in the contents
    # Charts with their text alternatives, and their tables beside them; small counts suppressed.
    assert html.count('role="img"') >= 3 and "<title id=" in html and "<desc id=" in html
    assert "<figcaption>Figure:" in html
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{SUPPRESSED}</td>' in html
    assert "Counts from 1 to 4 are suppressed" in html
    # Contents, one page a section, and the registrations' tables and charts run over more.
    assert len(HTML(string=html).render().pages) >= 5


def test_the_equity_section_covers_the_three_cohorts_before_the_year():
    assert equity_cohorts("2023-24") == ["2019-20", "2020-21", "2021-22"]


def test_national_staff_make_the_report_as_a_job_and_every_run_is_kept(
    client, login, national_staff, picture, unscoped, django_capture_on_commit_callbacks
):
    login(national_staff)
    page = client.get("/national/reports/")
    assert page.status_code == 200 and "Nobody has made the annual report yet" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/national/reports/", {"year": "2024-25", "service_area": "adults", "format": "xlsx"}
        )
    with unscoped():
        job = Job.objects.get(kind=ANNUAL_REPORT)
    assert started.status_code == 302 and started["Location"] == f"/jobs/{job.public_id}/"
    assert job.status == Job.Status.DONE and job.employer_id is None and job.created_by == national_staff
    assert job.params == {"year": "2024-25", "service_area": "adults", "format": "xlsx", "threshold": 5}
    assert job.result_filename == "asye-annual-report-2024-25-adults.xlsx"

    # Another national staff member sees the run, who made it and from what, and can download it.
    colleague = person(role=Role.NATIONAL_STAFF, email="colleague@skillsforcare.example")
    client.logout()
    login(colleague)
    html = client.get("/national/reports/").content.decode()
    assert (
        "Annual report 2024-25, adults (XLSX)" in html and national_staff.email in html and "Below 5" in html
    )
    download = client.get(f"/national/reports/runs/{job.public_id}/")
    assert download.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(download.content), read_only=True).sheetnames[0] == "About"
    with unscoped():
        assert AuditEvent.objects.filter(action="job.result_downloaded", actor_user=colleague).exists()


def test_a_bad_choice_is_an_error_summary_not_a_job(client, login, national_staff, picture, unscoped):
    login(national_staff)
    page = client.post("/national/reports/", {"year": "1999-00", "service_area": "", "format": "docx"})
    html = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in html
    assert "Select the service area" in html and "Select a format" in html
    with unscoped():
        assert not Job.objects.filter(kind=ANNUAL_REPORT).exists()


def test_the_report_pages_show_exact_and_published_figures(client, login, national_staff, picture):
    login(national_staff)
    exact = client.get("/national/reports/registrations/", YEAR).content.decode()
    assert "Exact figures, for national staff" in exact and "(suppressed when published)" in exact
    assert "<svg" in exact and "<figcaption" in exact and "2024-25 registrations, by region" in exact
    published = client.get("/national/reports/registrations/published/", YEAR).content.decode()
    assert SUPPRESSED in published and "(suppressed when published)" not in published
    quality = client.get("/national/reports/quality/", YEAR)
    assert (
        quality.status_code == 200 and "Funding claimed and paid, by funding year" in quality.content.decode()
    )
    body = client.get("/national/reports/report.json", YEAR).json()
    assert body["registrations"]["total"] == 43
    # A filter that is not offered falls back to the default, never an error.
    assert (
        client.get("/national/reports/registrations/", {"year": "nonsense", "service_area": "x"}).status_code
        == 200
    )


def test_any_table_downloads_as_csv_published_or_exact(client, login, national_staff, picture, unscoped):
    login(national_staff)
    published = client.get("/national/reports/tables/by_employer_type.csv", YEAR)
    assert published["Content-Type"].startswith("text/csv")
    lines = published.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Employer type,Number of employers,Number of NQSWs registered"
    assert "Local authority,[c],38" in lines and "Total,[c],43" in lines
    exact = client.get("/national/reports/tables/by_employer_type.csv", {**YEAR, "version": "exact"})
    assert "Local authority,2,38" in exact.content.decode("utf-8-sig").splitlines()
    assert client.get("/national/reports/tables/funding.csv", YEAR).status_code == 200
    assert client.get("/national/reports/tables/nonsense.csv", YEAR).status_code == 404
    with unscoped():
        assert AuditEvent.objects.filter(action="reporting.table_downloaded").count() == 3


def test_the_national_overview_counts_employers_registering_in_the_chosen_year(
    client, login, national_staff, picture, employer_a, unscoped
):
    login(national_staff)
    html = client.get("/national/", {"year": "2024-25", "service_area": "adults"}).content.decode()
    assert "In 2024-25 (adults), 2 employers registered 9 NQSWs" in html
    assert "Employers with no registrations in the year are not counted" in html
    # employer_a and the picture's employers are on the platform, registering or not.
    with unscoped():
        on_platform = Employer.objects.count()
    assert on_platform > 5 and f"{on_platform} employers are on the platform" in html


def test_employer_staff_reach_no_report(client, login, employer_a, picture):
    login(employer_a.coordinator)
    for url in (
        "/national/reports/",
        "/national/reports/registrations/",
        "/national/reports/registrations/published/",
        "/national/reports/quality/",
        "/national/reports/report.json",
        "/national/reports/tables/by_region.csv",
        "/national/reports/disclosure/",
        "/national/reports/runs/00000000-0000-4000-8000-000000000000/",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            "/national/reports/", {"year": "2024-25", "service_area": "both", "format": "pdf"}
        ).status_code
        == 403
    )
