"""Every page people reach, checked in a real browser with axe-core against WCAG 2.2 AA.

The pages of one kind of visitor are checked in one test (each live-server test pays for flushing the
database), and a failure lists the problems of every page, not only the first page's.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import format_violations, run_axe

pytestmark = pytest.mark.browser

# (path, the HTTP status it answers with)
ANONYMOUS_PAGES = [
    ("/", 200),
    ("/accounts/login/", 200),
    ("/accessibility/", 200),
    ("/privacy/", 200),
    ("/cookies/", 200),
    ("/accounts/password/reset/", 200),
    ("/no-such-page/", 404),
    ("/invitations/nonsense/", 404),
]
COORDINATOR_PAGES = [
    ("/", 200),
    ("/team/", 200),
    ("/team/invite/", 200),
    ("/employer/", 200),
    ("/employer/change/", 200),
    ("/audit/", 200),
    ("/api-tokens/", 200),
    ("/accounts/2fa/", 200),
]
NATIONAL_PAGES = [("/national/", 200), ("/national/employers/", 200), ("/national/audit/", 200)]


def check_pages(page, pages, *, after_load=None) -> None:
    """Open each page, check it answers as expected and has no axe violations; report every problem."""
    problems = []
    for path, status in pages:
        response = page.goto(path)
        got = response.status if response else None
        if got != status:
            problems.append(f"{path}: HTTP {got}, expected {status}")
        if not page.url.endswith(path):
            # Sent to sign in, or to set up a second factor: the page itself was never checked.
            problems.append(f"{path}: redirected to {page.url}")
            continue
        if page.locator("main").count() != 1 or page.locator("h1").count() != 1:
            problems.append(f"{path}: expected one <main> and one <h1>")
        if after_load is not None:
            after_load(path)
        violations = run_axe(page)
        if violations:
            problems.append(format_violations(page.url, violations))
    assert not problems, "\n\n".join(problems)


def test_public_pages(live_server, page):
    check_pages(page, ANONYMOUS_PAGES)


def test_coordinator_pages(transactional_db, live_server, page, sign_in, employer_a):
    sign_in(page, live_server, employer_a.coordinator)

    def after_load(path):
        expect(page.get_by_role("navigation", name="Account")).to_contain_text(employer_a.coordinator.email)
        if path == "/":
            expect(page.get_by_role("heading", name="Your programme")).to_be_visible()
            screenshots = os.environ.get("ASYE_SCREENSHOT_DIR")
            if screenshots:
                page.screenshot(path=os.path.join(screenshots, "coordinator-home.png"), full_page=True)

    check_pages(page, COORDINATOR_PAGES, after_load=after_load)


def test_assessor_and_nqsw_homes(transactional_db, live_server, new_context, sign_in, employer_a):
    # No second factor is required of them, so this signs in through the real sign-in form.
    for role, heading in (("assessor", "As an assessor"), ("nqsw", "Your assessed and supported year")):
        page = new_context().new_page()
        sign_in(page, live_server, getattr(employer_a, role))
        check_pages(
            page,
            [("/", 200)],
            after_load=lambda _path, page=page, heading=heading: expect(
                page.get_by_role("heading", name=heading)
            ).to_be_visible(),
        )


def test_national_pages(transactional_db, live_server, page, sign_in, national_staff, employer_a, employer_b):
    sign_in(page, live_server, national_staff)

    def after_load(path):
        if path == "/national/employers/":
            expect(page.get_by_role("cell", name=employer_a.employer.name)).to_be_visible()
            expect(page.get_by_role("cell", name=employer_b.employer.name)).to_be_visible()

    check_pages(page, NATIONAL_PAGES, after_load=after_load)


def test_error_summary_on_the_invite_form(
    transactional_db, live_server, page, axe_check, sign_in, employer_a
):
    sign_in(page, live_server, employer_a.coordinator)
    page.goto("/team/invite/")
    page.get_by_role("button", name="Send invitation").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # GOV.UK Frontend moves focus to the summary, so that screen reader users hear it first.
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Invite someone"))
    axe_check(page)
