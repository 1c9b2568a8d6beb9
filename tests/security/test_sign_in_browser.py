"""In a real browser: a co-ordinator signs in with the code from their authenticator app (the step that reads
their authenticators before they are signed in, #12.6), and an invitation whose email failed is sent
again from the Team page (#12.11)."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from playwright.sync_api import expect

from tests.browser.support import PASSWORD, give_authenticator

pytestmark = pytest.mark.browser

SECRET = "JBSWY3DPEHPK3PXP"  # the one give_authenticator stores


def totp_code() -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(SECRET, counters[len(counters) // 2]))


def test_coordinator_signs_in_with_their_security_code(
    transactional_db, live_server, page, axe_check, employer_a
):
    alice = employer_a.coordinator
    give_authenticator(alice)
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Enter your security code", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)

    page.get_by_label("Security code").fill(totp_code())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(alice.email)
    page.goto("/team/")
    expect(page.get_by_role("heading", name="Team", level=1)).to_be_visible()

    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    response = page.goto("/team/")
    assert response is not None
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_an_invitation_whose_email_failed_is_sent_again(
    transactional_db, live_server, page, axe_check, sign_in, employer_a, settings
):
    settings.EMAIL_BACKEND = "tests.accounts.failing_email.EmailBackend"
    sign_in(page, live_server, employer_a.coordinator)
    page.goto("/team/invite/")
    page.get_by_label("Full name").fill("Nia New")
    page.get_by_label("Email address").fill("nia.new@alphashire.example")
    page.get_by_label("Assessor").check()
    page.get_by_role("button", name="Send invitation").click()

    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("The invitation was saved but the email could not be sent")
    expect(page.get_by_role("cell", name="Not sent")).to_be_visible()
    axe_check(page)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page.get_by_role("link", name="Send again invitation to nia.new@alphashire.example").click()
    expect(
        page.get_by_role("heading", name="Send the invitation to nia.new@alphashire.example again?")
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send invitation again").click()
    # Within a minute of the first try: refused, with the reason in the error summary.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("This invitation was sent less than a minute ago")
    axe_check(page)
