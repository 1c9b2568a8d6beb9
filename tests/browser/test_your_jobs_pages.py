""" "Your jobs" (``/jobs/mine/``) in a real browser, at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA):
a running, a finished and a failed job and a second page of older ones; and without JavaScript, from the
navigation to a job's page and its download."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from asye.jobs.models import Job
from asye.tenancy.db import tenant_context
from funding.jobs import STATEMENT_EXPORT
from tests.browser.test_job_pages import WIDTHS, finish, running_export
from tests.browser.test_programme_pages import Pages

pytestmark = [pytest.mark.browser]


def older_and_failed_jobs(tenant, count: int) -> None:
    """``count`` older exports that finished, and one that failed, started by the tenant's co-ordinator."""
    with tenant_context(tenant.employer.pk):
        Job.objects.create(
            employer=tenant.employer,
            kind=STATEMENT_EXPORT,
            label="Payment statement ASYE-2026-10-1 as CSV",
            created_by=tenant.coordinator,
            status=Job.Status.FAILED,
            errors=[{"message": "The statement is no longer available."}],
        )
        Job.objects.bulk_create(
            Job(
                employer=tenant.employer,
                kind=STATEMENT_EXPORT,
                label=f"Older export {n:02}",
                created_by=tenant.coordinator,
                status=Job.Status.DONE,
                summary="Nothing to fetch",
            )
            for n in range(count)
        )


@pytest.mark.parametrize("width", WIDTHS)
def test_your_jobs_at_each_width(transactional_db, live_server, new_context, sign_in, employer_a, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    older_and_failed_jobs(employer_a, 30)
    finish(employer_a, running_export(employer_a))
    running_export(employer_a)
    pages = Pages()

    page.goto("/jobs/mine/")
    pages.check(page, heading="Your jobs")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="ASYE-2026-11-1.xlsx of Payment statement")).to_be_visible()
    expect(table.get_by_text("In progress")).to_be_visible()
    expect(table.get_by_text("Not finished yet")).to_be_visible()

    page.get_by_role("link", name="Page 2").click()
    pages.check(page, heading="Your jobs")
    expect(
        page.get_by_role("link", name="see what went wrong with Payment statement ASYE-2026-10-1 as CSV")
    ).to_be_visible()
    pages.done()


def test_your_jobs_without_javascript(transactional_db, live_server, new_context, sign_in, employer_a):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    job = running_export(employer_a)
    finish(employer_a, job)
    page.goto("/")
    page.get_by_role("link", name="Your jobs").first.click()
    expect(page.get_by_role("heading", name="Your jobs", level=1)).to_be_visible()
    page.get_by_role(
        "link", name="Payment statement ASYE-2026-11-1 as a spreadsheet (XLSX)", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Your file is ready", level=1)).to_be_visible()
    page.get_by_role("link", name="See all your jobs").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="ASYE-2026-11-1.xlsx of Payment statement").click()
    assert download.value.suggested_filename == "ASYE-2026-11-1.xlsx"
