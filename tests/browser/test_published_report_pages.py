"""The published annual report in a real browser: national staff publish a run from the reports page,
and anyone, not signed in and without JavaScript, reads the list and the report (suppressed tables beside
their charts, the equity section's among them) at 1280 and 375 px with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reporting.disclosure import SUPPRESSED
from tests.browser.support import format_violations, run_axe
from tests.browser.test_phone_width import OVERFLOW, PHONE, WIDE
from tests.reporting.helpers import load_picture
from tests.reporting.test_equity_pages import small_cohorts

pytestmark = [pytest.mark.browser]


@pytest.fixture
def picture(transactional_db, unscoped, reference_data):
    with unscoped():
        load_picture()
    small_cohorts(unscoped)  # past cohorts with outcomes, for the equity section


def test_a_published_report_is_public_and_accessible(
    live_server, new_context, sign_in, national_staff, picture
):
    staff = new_context(viewport=WIDE).new_page()
    sign_in(staff, live_server, national_staff)
    staff.goto(live_server.url + "/national/reports/")
    staff.get_by_label("Spreadsheet (XLSX), one sheet a table").check()
    staff.get_by_role("button", name="Make the report").click()
    staff.wait_for_url("**/jobs/**")
    staff.goto(live_server.url + "/national/reports/")
    staff.get_by_role("button", name=re.compile("^Publish")).first.click()
    expect(staff.get_by_text("is published at its public page")).to_be_visible()
    problems = []
    if violations := run_axe(staff):
        problems.append(format_violations(staff.url, violations))
    report_url = staff.get_by_role("link", name=re.compile("^Published")).first.get_attribute("href")

    for viewport in (WIDE, PHONE):
        page = new_context(viewport=viewport, java_script_enabled=False).new_page()
        for path in ("/reports/", report_url):
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            if viewport == PHONE and (wide := page.evaluate(OVERFLOW)):
                problems.append(f"{path}: {wide}")
        expect(page.get_by_role("heading", name=re.compile("registrations, by employer type"))).to_be_visible()
        expect(page.get_by_text(SUPPRESSED).first).to_be_visible()
        expect(page.get_by_role("img", name=re.compile("registrations, by region"))).to_be_visible()
        # The equity section, suppressed, its charts with their text alternatives.
        expect(page.get_by_role("heading", name="Outcomes and equity", level=2)).to_be_visible()
        expect(page.get_by_role(
            "table", name=re.compile("^Unsuccessful completion by ethnicity group")
        )).to_be_visible()
        expect(page.get_by_role(
            "img", name=re.compile("^Unsuccessful completion by cohort")
        ).first).to_be_visible()
        page.context.close()
    # axe needs JavaScript: the same pages again, with it.
    for viewport in (WIDE, PHONE):
        page = new_context(viewport=viewport).new_page()
        for path in ("/reports/", report_url):
            page.goto(live_server.url + path)
            if violations := run_axe(page):
                problems.append(format_violations(page.url, violations))
    assert not problems, "\n\n".join(problems)
