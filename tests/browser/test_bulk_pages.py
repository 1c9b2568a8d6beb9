"""Search results, bulk selection of claims and registrations with their check pages, and the readable audit
trail in a real browser at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA) on each (#18 items 2, 3
and 7)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from asye.tenancy.db import system_national_context
from funding.models import Claim, ClaimStatus
from tests.browser.test_programme_pages import Pages, submit
from tests.funding.conftest import register
from tests.funding.helpers import approve, claim_of, load_funding_reference_data, national_actor, submitted

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)


@pytest.fixture
def three_submitted(transactional_db, employer_a, national_staff):
    load_funding_reference_data()
    national = national_actor(national_staff)
    return [
        submitted(
            employer_a, claim_of(approve(national, register(employer_a, first_name=name, swe_number=swe)))
        )
        for name, swe in (("Ada", "SW7810001"), ("Ben", "SW7810002"), ("Cara", "SW7810003"))
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_search_results_and_empty_state(
    live_server, new_context, sign_in, employer_a, three_submitted, width
):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    pages = Pages()
    page.goto("/registrations/")
    page.get_by_label("Search by name, email or SWE number").fill("sw7810002")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#result-count")).to_contain_text("1 NQSW matches")
    pages.check(page, heading="Registrations")
    page.goto("/registrations/?q=zebedee")
    expect(page.get_by_text("No NQSWs match ‘zebedee’")).to_be_visible()  # noqa: RUF001
    pages.check(page, heading="Registrations")
    page.goto("/audit/")
    pages.check(page, heading="Audit trail")
    page.goto("/audit/?since_day=31&since_month=2&since_year=2026")
    pages.check(page, heading="Audit trail", error=True)
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_bulk_selection_and_check_pages(
    live_server, new_context, sign_in, national_staff, three_submitted, width
):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, national_staff)
    pages = Pages()
    page.goto("/national/funding/claims/")
    pages.check(page, heading="Claims")
    # Nothing ticked: the list again, with the error.
    page.get_by_role("button", name="Approve claims").click()
    pages.check(page, heading="Claims", error=True)
    page.get_by_label(re.compile("Select claim .*Ada Okafor")).check()
    page.get_by_label(re.compile("Select claim .*Cara Okafor")).check()
    page.get_by_role("button", name="Reject claims").click()
    pages.check(page, heading="Check before you reject 2 claims")
    submit(page, "Reject 2 claims")
    pages.check(page, heading="Check before you reject 2 claims", error=True)
    page.get_by_label("Reason").fill("Not eligible this year")
    submit(page, "Reject 2 claims")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("2 claims rejected")
    # Every claim matching the filters.
    page.get_by_label(re.compile("^All 1 submitted claim")).check()
    page.get_by_role("button", name="Approve claims").click()
    pages.check(page, heading="Check before you approve 1 claim")
    submit(page, "Approve 1 claim")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 claim approved")
    page.goto("/national/audit/?kind=funding.claim")
    pages.check(page, heading="National audit trail")
    expect(page.get_by_text(re.compile("rejected the claim")).first).to_be_visible()
    pages.done()
    with system_national_context():
        assert set(Claim.objects.values_list("status", flat=True)) == {
            ClaimStatus.REJECTED,
            ClaimStatus.APPROVED,
        }


@pytest.mark.parametrize("width", WIDTHS)
def test_bulk_registration_decisions(
    transactional_db, live_server, new_context, sign_in, national_staff, employer_a, width
):
    load_funding_reference_data()
    for name, swe in (("Dina", "SW7820001"), ("Eli", "SW7820002")):
        register(employer_a, first_name=name, swe_number=swe)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, national_staff)
    pages = Pages()
    page.goto("/national/registrations/")
    pages.check(page, heading="Registrations to review")
    page.get_by_role("button", name="Approve for funding").click()
    pages.check(page, heading="Registrations to review", error=True)
    page.get_by_label(re.compile("Select the registration of Dina Okafor")).check()
    page.get_by_role("button", name="Approve for funding").click()
    pages.check(page, heading="Check before you decide 1 registration")
    submit(page, "Approve 1 registration")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 registration approved")
    page.goto("/national/registrations/?q=sw7820002&funding_status=all")
    expect(page.locator("#result-count")).to_contain_text("1 registration matches")
    pages.check(page, heading="Registrations to review")
    pages.done()
