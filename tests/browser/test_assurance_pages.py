"""Every assurance page in a real browser at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA) on each:
the NQSW's confidential route, national staff's concern, raise and meeting pages, and the co-ordinator's
raised matters, QA review meetings and submission."""

from __future__ import annotations

import pytest

from tests.assurance.helpers import concern_of, load_meeting_questionnaire, meeting_with, raised_with
from tests.browser.test_programme_pages import Pages, submit

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_nqsws_confidential_route(transactional_db, live_server, new_context, sign_in, employer_a, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.nqsw)
    pages = Pages()
    page.goto("/assurance/confidential/")
    pages.check(page, heading="Tell the national team in confidence")
    page.get_by_role("link", name="Send a message to the national team").click()
    pages.check(page, heading="Send a message to the national team")
    submit(page, "Send in confidence")
    pages.check(page, heading="Send a message to the national team", error=True)
    page.get_by_label("Caseload or workload").check()
    page.get_by_label("Tell us what is happening").fill("My caseload is far above my team's average.")
    page.get_by_label("No").check()
    submit(page, "Send in confidence")
    pages.check(page, heading="Your message to the national team")
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_national_assurance_pages(
    transactional_db, live_server, new_context, sign_in, national_staff, employer_a, width
):
    concern = concern_of(employer_a)
    meeting = meeting_with(employer_a)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, national_staff)
    pages = Pages()
    page.goto("/national/assurance/")
    pages.check(page, heading="Assurance")
    page.goto(f"/national/assurance/confidential/{concern.pk}/")
    pages.check(page, heading="Confidential message")
    submit(page, "Record the action")
    pages.check(page, heading="Confidential message", error=True)
    page.goto(f"/national/assurance/confidential/{concern.pk}/raise/")
    pages.check(page, heading=f"Raise it with {employer_a.employer.name}")
    page.goto("/national/assurance/meetings/new/")
    pages.check(page, heading="Schedule a QA review meeting")
    submit(page, "Schedule the meeting")
    pages.check(page, heading="Schedule a QA review meeting", error=True)
    page.goto(f"/national/assurance/meetings/{meeting.pk}/")
    pages.check(page, heading=f"QA review meeting on {meeting.meeting_on:%-d %B %Y}")
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_assurance_pages(transactional_db, live_server, new_context, sign_in, employer_a, width):
    load_meeting_questionnaire()
    raised = raised_with(employer_a)
    meeting = meeting_with(employer_a)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    pages = Pages()
    page.goto("/assurance/raised/")
    pages.check(page, heading="Matters raised by the national team")
    page.goto(f"/assurance/raised/{raised.pk}/")
    pages.check(page, heading="A matter raised by the national team")
    submit(page, "Send your response")
    pages.check(page, heading="A matter raised by the national team", error=True)
    page.goto("/assurance/meetings/")
    pages.check(page, heading="QA review meetings")
    page.goto(f"/assurance/meetings/{meeting.pk}/")
    pages.check(page, heading=f"{meeting.meeting_on:%-d %B %Y}")
    page.get_by_role("link", name="Prepare the submission").click()
    pages.check(page, heading="Prepare the submission")
    page.goto(f"/assurance/meetings/{meeting.pk}/send/")
    pages.check(page, heading="Send the submission")
    submit(page, "Send to the national team")
    pages.check(page, heading="Send the submission", error=True)
    pages.done()
