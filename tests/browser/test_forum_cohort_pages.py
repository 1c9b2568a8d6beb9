"""A course's cohort in a real browser, at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA) on every
page: an organiser finds co-ordinators of two employers by email, enrols one (after the GOV.UK error
summary for choosing no one), puts the other on the waiting list when the course is full, then withdraws
the first, whose place goes to the person waiting."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from forums.models import ForumKind
from tests.browser.test_programme_pages import Pages, submit
from tests.forums.helpers import forum, session

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("width", (1280, 375))
def test_an_organiser_enrols_waits_and_withdraws_on_a_course(
    transactional_db, live_server, new_context, sign_in, employer_a, employer_b, national_staff, width
):
    course = forum(ForumKind.COURSE, name="New co-ordinators' training", cohort_places=1)
    session(course, days=7, capacity=1, topic="The role of the co-ordinator")
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    pages = Pages()
    sign_in(page, live_server, national_staff)

    page.goto(f"/national/forums/{course.slug}/")
    page.get_by_role("link", name="Cohort: enrol and withdraw people").click()
    pages.check(page, heading="Cohort")
    page.get_by_label("Search by name or email address").fill("coordinator@")
    submit(page, "Search")
    pages.check(page, heading="Cohort")
    submit(page, "Enrol")
    pages.check(page, heading="Cohort", error=True)
    page.get_by_label(re.compile(re.escape(employer_a.coordinator.email))).check()
    submit(page, "Enrol")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "is enrolled and has been told"
    )
    pages.check(page, heading="Cohort")

    page.get_by_label("Search by name or email address").fill("coordinator@")
    submit(page, "Search")
    page.get_by_label(re.compile(re.escape(employer_b.coordinator.email))).check()
    submit(page, "Add to the waiting list")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is on the waiting list")
    pages.check(page, heading="Cohort")
    expect(page.get_by_role("table", name="Waiting list")).to_contain_text(employer_b.coordinator.email)

    page.get_by_role("link", name=re.compile(r"^Withdraw ")).click()
    pages.check(page, heading=re.compile(r"^Withdraw .* from the cohort\?$"))
    submit(page, "Withdraw")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("now has the place")
    pages.check(page, heading="Cohort")
    expect(page.get_by_role("table", name="People with a place")).to_contain_text(
        employer_b.coordinator.email
    )
    pages.done()
