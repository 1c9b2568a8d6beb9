"""The notification centre in a real browser, at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA): the
unread count in the header, the list, going to the page a notification is about, marking all read, the
email choice; and national staff's scheduled jobs page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from asye.notifications.services import notify
from asye.tenancy.db import tenant_context
from tests.browser.test_programme_pages import Pages, submit

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_notification_centre(
    transactional_db, live_server, new_context, sign_in, employer_a, national_staff, width
):
    with tenant_context(employer_a.employer.pk):
        for message in ("Ada Okafor's 3-month review is due in 7 days", "Ben Cole's supervision is overdue"):
            notify(
                person=employer_a.assessor,
                employer_id=employer_a.employer.pk,
                kind="review.due_7",
                message=message,
                link="/reviews/",
            )
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    pages = Pages()
    sign_in(page, live_server, employer_a.assessor)

    page.goto("/")
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name=re.compile("Notifications 2 unread"))).to_be_visible()
    account.get_by_role("link", name=re.compile("^Notifications")).click()
    pages.check(page, heading="Notifications")
    expect(page.get_by_text("You have 2 unread notifications.")).to_be_visible()

    page.get_by_role("button", name=re.compile(r"Go to the page\W+Ada Okafor")).click()
    expect(page).to_have_url(re.compile("/reviews/$"))
    page.goto("/notifications/")
    expect(page.get_by_text("You have 1 unread notification.")).to_be_visible()
    submit(page, "Mark all as read")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "1 notification marked as read"
    )
    pages.check(page, heading="Notifications")

    page.get_by_role("link", name="Choose how often you are emailed").click()
    pages.check(page, heading="How often do you want to be emailed about your notifications?")
    page.get_by_label("Email me once a day with everything new").check()
    submit(page, "Save")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your email choice has been saved"
    )

    sign_in(page, live_server, national_staff)
    page.goto("/national/schedules/")
    pages.check(page, heading="Scheduled jobs")
    expect(
        page.get_by_role("table", name="Jobs")
    ).to_be_visible()  # (a live server's emptied database has no schedules)
    pages.done()
