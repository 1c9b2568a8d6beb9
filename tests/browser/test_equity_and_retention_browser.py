"""The equity and retention pages in a real browser, at 1280 and 375 px, with axe-core (WCAG 2.2 AA): the
equity page as published and exact, with an input error, and the retention page before and after a run;
and the equity form with JavaScript off."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.support import format_violations, run_axe
from tests.browser.test_phone_width import OVERFLOW, PHONE, WIDE
from tests.reporting.test_equity_pages import small_cohorts

pytestmark = [pytest.mark.browser]
EQUITY = "/national/reports/equity/"
PAGES = [
    EQUITY,
    f"{EQUITY}?cohorts=2021-22&cohorts=2022-23&service_area=both&view=published",
    f"{EQUITY}?cohorts=2021-22&service_area=child_and_family&view=exact",
    f"{EQUITY}?cohorts=1999-00&view=exact",  # an input error: the error summary
    "/national/reports/retention/",
]


@pytest.fixture
def cohorts(transactional_db, unscoped, reference_data):
    small_cohorts(unscoped)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280px", "375px"])
def test_equity_and_retention_pages_pass_axe(
    live_server, new_context, sign_in, national_staff, cohorts, viewport
):
    page = new_context(viewport=viewport).new_page()
    sign_in(page, live_server, national_staff)
    problems = []
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        if viewport == PHONE and (wide := page.evaluate(OVERFLOW)):
            problems.append(f"{path}: {wide}")
        violations = run_axe(page)
        if violations:
            problems.append(format_violations(page.url, violations))
    call_command("anonymise_expired", "--json", stdout=StringIO())
    page.goto(live_server.url + "/national/reports/retention/")
    if violations := run_axe(page):
        problems.append(format_violations(page.url, violations))
    assert not problems, "\n\n".join(problems)


def test_equity_form_without_javascript(live_server, new_context, sign_in, national_staff, cohorts):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, national_staff)
    page.goto(live_server.url + EQUITY)
    page.get_by_role("checkbox", name="2022-23", exact=True).check()
    page.get_by_label("Exact figures (for national staff only)").check()
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_role("heading", name="Logistic regression")).to_be_visible()
    assert "view=exact" in page.url
    page.goto(live_server.url + EQUITY + "?service_area=both&view=published")
    expect(page.get_by_text("Select at least one cohort").first).to_be_visible()
