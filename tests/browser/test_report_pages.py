"""The national report pages in a real browser, at 1280 and 375 px, with axe-core (WCAG 2.2 AA): the
reports page (with an input error and a past run), the registrations report exact and as published (tables
beside their SVG charts), quality and funding, the disclosure threshold (with an input error), the national
overview and the report job's progress page; and the year filter with JavaScript off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import format_violations, run_axe
from tests.browser.test_phone_width import OVERFLOW, PHONE, WIDE
from tests.reporting.helpers import load_picture

pytestmark = [pytest.mark.browser]
YEAR = "?year=2024-25&service_area=both"
PAGES = [
    "/national/reports/",
    f"/national/reports/registrations/{YEAR}",
    f"/national/reports/registrations/published/{YEAR}",
    f"/national/reports/quality/{YEAR}",
    "/national/reports/disclosure/",
    f"/national/{YEAR}",
]


@pytest.fixture
def picture(transactional_db, unscoped, reference_data):
    with unscoped():
        load_picture()


def _check(page, path, viewport, problems):
    if viewport == PHONE and (wide := page.evaluate(OVERFLOW)):
        problems.append(f"{path}: {wide}")
    if violations := run_axe(page):
        problems.append(format_violations(page.url, violations))


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280px", "375px"])
def test_report_pages_pass_axe(live_server, new_context, sign_in, national_staff, picture, viewport):
    page = new_context(viewport=viewport).new_page()
    sign_in(page, live_server, national_staff)
    problems = []
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        _check(page, path, viewport, problems)

    # Input errors: the threshold out of range, and the report with nothing chosen for its format.
    page.goto(live_server.url + "/national/reports/disclosure/")
    page.get_by_label("Smallest count that may be published").fill("1")
    page.get_by_role("button", name="Save the threshold").click()
    expect(page.get_by_text("The smallest count must be 2 or more").first).to_be_visible()
    _check(page, "disclosure error", viewport, problems)

    # The report made as a job: its progress page, then the reports page with the run listed.
    page.goto(live_server.url + "/national/reports/")
    page.get_by_label("Spreadsheet (XLSX), one sheet a table").check()
    page.get_by_role("button", name="Make the report").click()
    page.wait_for_url("**/jobs/**")
    _check(page, "job progress", viewport, problems)
    page.goto(live_server.url + "/national/reports/")
    expect(page.get_by_role("link", name="Download").first).to_be_visible()
    _check(page, "reports with a run", viewport, problems)
    assert not problems, "\n\n".join(problems)


def test_the_year_filter_without_javascript(live_server, new_context, sign_in, national_staff, picture):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, national_staff)
    page.goto(live_server.url + "/national/reports/registrations/")
    page.get_by_label("Funding year", exact=True).select_option("2023-24")
    page.get_by_label("Adults", exact=True).check()
    page.get_by_role("button", name="Show the figures").click()
    expect(page).to_have_url(re.compile(r"year=2023-24"))
    expect(page).to_have_url(re.compile(r"service_area=adults"))
    expect(page.get_by_role("heading", name="2023-24 registrations, by employer type")).to_be_visible()
    expect(page.get_by_role("img", name="2023-24 registrations, by region")).to_be_visible()
