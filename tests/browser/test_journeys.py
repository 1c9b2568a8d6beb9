"""Whole journeys in a real browser: inviting someone and their first sign-in, with and without JavaScript,
and signing in and out through the forms."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.support import PASSWORD

pytestmark = pytest.mark.browser

INVITEE_NAME = "Nia New"
INVITEE_EMAIL = "nia.new@alphashire.example"
INVITEE_PASSWORD = "a-long-pass-phrase-42"
ERROR_MESSAGES = [
    "Enter their full name",
    "Enter an email address",
    "Select the role you are inviting them to",
]


def invitation_link(to: str) -> str:
    """The link in the invitation email sent to ``to``.

    The live server is a thread of this process, so the locmem backend's outbox is this process's. The
    email goes when the request's transaction commits, before the response: a short wait is only a margin.
    """
    deadline = time.monotonic() + 5
    while True:
        for message in mail.outbox:
            if to in message.to:
                match = re.search(r"https?://\S+/invitations/[^/\s]+/", message.body)
                assert match, f"no invitation link in the email:\n{message.body}"
                return match.group(0)
        assert time.monotonic() < deadline, f"no email to {to}; outbox: {[m.to for m in mail.outbox]}"
        time.sleep(0.05)


def submit_empty_invitation(page: Page) -> None:
    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.get_by_role("heading", name="Team", level=1)).to_be_visible()
    # "Invite someone" is a link that looks like a button (GOV.UK's role="button" pattern).
    page.get_by_role("button", name="Invite someone").click()
    expect(page.get_by_role("heading", name="Invite someone", level=1)).to_be_visible()
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_title(re.compile(r"^Error: Invite someone"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    links = summary.get_by_role("link")
    expect(links).to_have_text(ERROR_MESSAGES)
    # Each link leads to an element of the form, and each field shows its own message.
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        assert href and href.startswith("#"), href
        expect(page.locator(f"[id='{href[1:]}']")).to_have_count(1)
    for message in ERROR_MESSAGES:
        expect(page.locator(".govuk-error-message", has_text=message)).to_be_visible()


def fill_in_and_send_invitation(page: Page) -> None:
    page.get_by_label("Full name").fill(INVITEE_NAME)
    page.get_by_label("Email address").fill(INVITEE_EMAIL)
    page.get_by_role("group", name="Role").get_by_label("Assessor", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(re.compile(r"/team/$"))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Invitation sent to {INVITEE_EMAIL}")
    invitations = page.get_by_role("table", name="Invitations")
    expect(invitations.get_by_role("row").filter(has_text=INVITEE_EMAIL)).to_contain_text("Assessor")


def accept_invitation(page: Page, link: str, employer_name: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name="Accept your invitation", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(page.get_by_text(f"You will sign in with {INVITEE_EMAIL}")).to_be_visible()
    page.get_by_label("Full name").fill(INVITEE_NAME)
    page.get_by_label("Create a password", exact=True).fill(INVITEE_PASSWORD)
    page.get_by_label("Confirm your password", exact=True).fill(INVITEE_PASSWORD)
    page.get_by_role("button", name="Create account and accept").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="As an assessor")).to_be_visible()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"You are now assessor at {employer_name}"
    )
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(INVITEE_EMAIL)


def test_coordinator_invites_an_assessor_who_creates_their_account(
    transactional_db, live_server, page, new_context, axe_check, sign_in, employer_a
):
    sign_in(page, live_server, employer_a.coordinator)
    page.goto("/")
    submit_empty_invitation(page)

    # With JavaScript the summary takes focus, and its links move focus to the fields.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Select the role you are inviting them to").click()
    expect(page.get_by_label("ASYE co-ordinator")).to_be_focused()
    summary.get_by_role("link", name="Enter their full name").click()
    expect(page.get_by_label("Full name")).to_be_focused()

    fill_in_and_send_invitation(page)
    axe_check(page)  # the Team page with its success banner
    link = invitation_link(INVITEE_EMAIL)

    invitee = new_context().new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Create your account")).to_be_visible()
    axe_check(invitee)
    accept_invitation(invitee, link, employer_a.employer.name)

    # The link has done its work: it cannot be used again.
    response = new_context().new_page().goto(link)
    assert response is not None and response.status == 404


def test_invitation_journey_without_javascript(
    transactional_db, live_server, new_context, sign_in, employer_a
):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    page.goto("/")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))

    submit_empty_invitation(page)
    # Without JavaScript nothing moves focus: the summary is simply the first thing in <main>.
    expect(page.locator(".govuk-error-summary")).not_to_be_focused()
    fill_in_and_send_invitation(page)

    invitee = new_context(java_script_enabled=False).new_page()
    invitee.goto(invitation_link(INVITEE_EMAIL))
    # The "Show" password button needs JavaScript: without it, it stays hidden.
    show = invitee.locator("button.govuk-password-input__toggle")
    expect(show).to_have_count(2)
    for toggle in show.all():
        expect(toggle).to_be_hidden()
    accept_invitation(invitee, invitee.url, employer_a.employer.name)


def test_nqsw_signs_in_and_out_through_the_forms(transactional_db, live_server, page, axe_check, employer_a):
    nqsw = employer_a.nqsw
    page.goto("/")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()

    # A wrong password first: the GOV.UK error summary, and still signed out.
    page.get_by_label("Email address").fill(nqsw.email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    axe_check(page)

    page.get_by_label("Email address").fill(nqsw.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Your assessed and supported year")).to_be_visible()
    account = page.get_by_role("navigation", name="Account")
    expect(account).to_contain_text(nqsw.email)
    expect(account).to_contain_text(employer_a.employer.name)

    account.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Signed out for good: a page for people signed in sends them to sign in.
    page.goto("/employer/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/employer/$"))
