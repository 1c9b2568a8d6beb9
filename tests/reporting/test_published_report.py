"""The public page of a published annual report: national staff publish a finished run (audited), anyone
reads its suppressed tables without signing in, and withdrawing it takes the page down."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.base import ContentFile

from asye.audit.models import AuditEvent
from asye.jobs.models import Job
from reporting.disclosure import SUPPRESSED
from reporting.jobs import ANNUAL_REPORT
from reporting.models import PublishedReport
from tests.reporting.helpers import load_picture

pytestmark = pytest.mark.django_db


def finished_run(by, *, employer=None, kind=ANNUAL_REPORT) -> Job:
    job = Job(
        kind=kind,
        employer=employer,
        label="Annual report 2024-25, child and family and adults (PDF)",
        params={"year": "2024-25", "service_area": "both", "format": "pdf", "threshold": 5},
        created_by=by,
        status=Job.Status.DONE,
        result_filename="asye-annual-report-2024-25-both.pdf",
        result_content_type="application/pdf",
    )
    job.result.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    job.save()
    return job


@pytest.fixture
def run(national_staff, unscoped):
    load_picture()
    with unscoped():
        return finished_run(national_staff)


def test_national_staff_publish_a_run_and_anyone_reads_it_suppressed(
    client, login, national_staff, run, unscoped
):
    login(national_staff)
    index = client.get("/national/reports/").content.decode()
    assert f"/national/reports/runs/{run.public_id}/publish/" in index

    assert client.post(f"/national/reports/runs/{run.public_id}/publish/").status_code == 302
    assert (
        client.post(f"/national/reports/runs/{run.public_id}/publish/").status_code == 302
    )  # again: no change
    with unscoped():
        published = PublishedReport.objects.get()
        events = AuditEvent.objects.filter(action="reporting.report_published")
        assert events.count() == 1 and events.get().actor_user == national_staff
    # Nothing exact is kept: every suppressed cell is stored without its value.
    stored = [cell for table in published.tables for row in table["rows"] for cell in row["cells"]]
    assert any(cell["hidden"] for cell in stored)
    assert all(cell["value"] is None for cell in stored if cell["hidden"])

    client.logout()
    listing = client.get("/reports/")
    assert listing.status_code == 200 and f"/reports/{published.public_id}/" in listing.content.decode()
    page = client.get(f"/reports/{published.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "ASYE annual report 2024-25: child and family and adults" in html and SUPPRESSED in html
    # The PVI's 3 NQSWs and the Other type's 2 are never shown, only [c]; the total 43 is.
    by_type = next(table for table in published.tables if table["key"] == "by_employer_type")
    pvi = next(row for row in by_type["rows"] if row["label"].startswith("Private"))
    assert [cell["value"] for cell in pvi["cells"]] == [None, None]
    assert "suppressed when published" not in html and "<svg" in html
    assert "Method and disclosure control" in html


def test_withdrawing_takes_the_page_down_and_is_audited(client, login, national_staff, run, unscoped):
    login(national_staff)
    client.post(f"/national/reports/runs/{run.public_id}/publish/")
    with unscoped():
        published = PublishedReport.objects.get()
    assert client.post(f"/national/reports/published/{published.public_id}/withdraw/").status_code == 302
    with unscoped():
        assert AuditEvent.objects.filter(action="reporting.report_withdrawn").count() == 1
    client.logout()
    assert client.get(f"/reports/{published.public_id}/").status_code == 404
    assert str(published.public_id) not in client.get("/reports/").content.decode()


def test_only_published_runs_are_public(client, run):
    assert client.get(f"/reports/{run.public_id}/").status_code == 404  # a run is not a publication
    assert client.get(f"/reports/{uuid.uuid4()}/").status_code == 404
    assert client.get("/reports/not-a-uuid/").status_code == 404


def test_employer_staff_cannot_publish_or_withdraw(client, login, employer_a, run, unscoped):
    login(employer_a.coordinator)
    assert client.post(f"/national/reports/runs/{run.public_id}/publish/").status_code == 403
    with unscoped():
        assert not PublishedReport.objects.exists()


def test_only_a_finished_national_annual_report_run_can_be_published(
    client, login, national_staff, employer_a, run, unscoped
):
    """An employer's job, another kind of job, a failed run or an unknown id: 404, nothing published."""
    with unscoped():
        employer_job = finished_run(employer_a.coordinator, employer=employer_a.employer)
        other_kind = finished_run(national_staff, kind="funding.statement")
        failed = finished_run(national_staff)
        Job.objects.filter(pk=failed.pk).update(status=Job.Status.FAILED)
    login(national_staff)
    for job_id in (employer_job.public_id, other_kind.public_id, failed.public_id, uuid.uuid4()):
        assert client.post(f"/national/reports/runs/{job_id}/publish/").status_code == 404
    assert client.get(f"/national/reports/runs/{run.public_id}/publish/").status_code == 405
    with unscoped():
        assert not PublishedReport.objects.exists()
