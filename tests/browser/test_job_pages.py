"""A background job's page in a real browser, at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA): while
the job runs (it updates itself: with JavaScript by fetching the page, without by a meta refresh) and once
it has finished, with its download."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from asye.jobs.models import Job
from asye.jobs.runner import progress_cache_key
from asye.tenancy.db import tenant_context
from funding.jobs import STATEMENT_EXPORT
from tests.browser.test_programme_pages import Pages

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)


def running_export(tenant) -> Job:
    """A payment statement export a worker is part way through (written as the worker leaves it)."""
    with tenant_context(tenant.employer.pk):
        job = Job.objects.create(
            employer=tenant.employer,
            kind=STATEMENT_EXPORT,
            label="Payment statement ASYE-2026-11-1 as a spreadsheet (XLSX)",
            params={"statement_id": 1, "format": "xlsx"},
            back_url="/funding/statements/",
            created_by=tenant.coordinator,
            status=Job.Status.RUNNING,
            progress_total=8633,
        )
    cache.set(progress_cache_key(job.pk), (1200, 8633))
    return job


def finish(tenant, job: Job) -> None:
    from django.core.files.base import ContentFile

    from asye import clock

    with tenant_context(tenant.employer.pk):
        job.result.save("ASYE-2026-11-1.xlsx", ContentFile(b"PK\x03\x04 a spreadsheet"), save=False)
        job.status, job.result_filename = Job.Status.DONE, "ASYE-2026-11-1.xlsx"
        job.result_content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        job.progress_done, job.result_bytes = 8633, 22
        job.started_at = job.finished_at = clock.now()
        job.save()
    cache.delete(progress_cache_key(job.pk))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_job_page_while_it_runs_and_when_it_is_done(
    transactional_db, live_server, new_context, sign_in, employer_a, width
):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    job = running_export(employer_a)
    pages = Pages()

    page.goto(f"/jobs/{job.public_id}/")
    pages.check(page, heading="Payment statement ASYE-2026-11-1 as a spreadsheet (XLSX)")
    expect(page.get_by_text("1,200 of 8,633 done (13%).")).to_be_visible()

    # The worker finishes: the page (with JavaScript) updates itself and moves focus to the news.
    finish(employer_a, job)
    heading = page.get_by_role("heading", name="Your file is ready", level=1)
    expect(heading).to_be_visible(timeout=10_000)
    expect(heading).to_be_focused()
    expect(page.locator("#job-live")).to_have_text("Your file is ready.")
    pages.check(page, heading="Your file is ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download ASYE-2026-11-1.xlsx").click()
    assert download.value.suggested_filename == "ASYE-2026-11-1.xlsx"

    # Loaded afresh once finished.
    page.goto(f"/jobs/{job.public_id}/")
    pages.check(page, heading="Your file is ready")
    pages.done()


def test_without_javascript_the_page_refreshes_itself_until_the_job_is_done(
    transactional_db, live_server, new_context, sign_in, employer_a
):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    job = running_export(employer_a)
    page.goto(f"/jobs/{job.public_id}/")
    expect(page.get_by_text("1,200 of 8,633 done (13%).")).to_be_visible()
    finish(employer_a, job)
    expect(page.get_by_role("heading", name="Your file is ready", level=1)).to_be_visible(timeout=10_000)
    expect(page.get_by_role("link", name="Download ASYE-2026-11-1.xlsx")).to_be_visible()
