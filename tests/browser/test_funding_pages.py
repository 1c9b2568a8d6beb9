"""Every funding page in a real browser, with axe-core (WCAG 2.2 AA) on each: the co-ordinator's journey
(see claims, submit one, submit several, the grant application with its action plan, statements), national
staff's (approve a claim, build a statement and have a second person authorise it, mark it paid, review an
application, the budget), and the co-ordinator's claims journey again with JavaScript off.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from asye.tenancy.db import system_national_context, tenant_context
from funding.models import Claim, ClaimStatus, GrantApplication, PaymentStatement
from tests.browser.test_programme_pages import Pages, fill_date, submit
from tests.funding.conftest import COHORT, register
from tests.funding.helpers import (
    approve,
    checker_user,
    claim_of,
    load_funding_reference_data,
    national_actor,
    paid_statement,
    submitted,
)
from tests.today import TODAY, days_ahead, funding_year_label

pytestmark = [pytest.mark.browser]

# Written on 23 November 2026: applications for this funding year (then 2026-27), last month's statement
# paid (then October 2026), actions due in three and a half and ten weeks (then 18 December 2026 and
# 31 January 2027). The NQSWs' claims are in COHORT (then 2026-27).
YEAR = funding_year_label(TODAY)
LAST_MONTH = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def funding_data(transactional_db):
    """Frameworks, funding years and rates: the live server's database is emptied after each test."""
    load_funding_reference_data()


@pytest.fixture
def approved_three(funding_data, employer_a, national_staff):
    national = national_actor(national_staff)
    return [
        approve(national, register(employer_a, first_name=name, swe_number=f"SW77700{i}"))
        for i, name in enumerate(("Ada", "Ben", "Cara"), start=1)
    ]


def test_coordinator_funding_pages(live_server, page, sign_in, employer_a, national_staff, approved_three):
    national = national_actor(national_staff)
    # An earlier month paid, so there is a statement to see; a rejected claim, so there is a reason.
    extra = approve(national, register(employer_a, first_name="Dev", swe_number="SW777009"))
    paid_statement(employer_a, national, [extra], month=LAST_MONTH)
    pages = Pages()
    sign_in(page, live_server, employer_a.coordinator)

    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Funding").click()
    pages.check(page, heading="Funding")
    expect(page.get_by_role("table", name="Your claims")).to_contain_text("£3,000")

    # See what is claimable, and claim one instalment from its page.
    page.get_by_role("button", name="Claim funding").click()
    pages.check(page, heading="Claims")
    page.get_by_role("link", name=re.compile("^Ada Okafor")).click()
    pages.check(page, heading="Ada Okafor: registration instalment")
    submit(page, "Submit claim")
    pages.check(page, heading="Ada Okafor: registration instalment", error=True)
    page.get_by_label(re.compile("^I confirm that the NQSW is registered")).check()
    submit(page, "Submit claim")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("submitted for £1,000")
    pages.check(page, heading="Ada Okafor: registration instalment")

    # Several at once: none chosen is an error; two chosen, confirmed, submitted.
    page.goto("/funding/claims/?status=draft")
    pages.check(page, heading="Claims")
    submit(page, "Claim the selected instalments")
    pages.check(page, heading="Claims", error=True)
    page.get_by_label("Claim the registration instalment for Ben Okafor").check()
    page.get_by_label("Claim the registration instalment for Cara Okafor").check()
    submit(page, "Claim the selected instalments")
    pages.check(page, heading="Check the claims before you submit them")
    expect(page.get_by_role("table")).to_contain_text("£2,000")
    page.get_by_label(re.compile("^I confirm that each instalment listed is due")).check()
    submit(page, "Submit claims")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2 claims submitted for £2,000"
    )
    pages.check(page, heading="Claims")
    with tenant_context(employer_a.employer.pk):
        assert Claim.objects.filter(status=ClaimStatus.SUBMITTED).count() == 3

    # Statements and their downloads.
    page.goto("/funding/")
    page.get_by_role("link", name="All payment statements").click()
    pages.check(page, heading="Payment statements")
    page.get_by_role("link", name=f"{LAST_MONTH:%B %Y}").click()
    pages.check(page, heading=f"Payment statement: {LAST_MONTH:%B %Y}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the statement as a spreadsheet (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # The grant application: start it, the task list, each section, the action plan, check and submit.
    page.goto("/funding/grant-applications/")
    pages.check(page, heading="Grant applications")
    page.get_by_role("button", name="Start a grant application").click()
    pages.check(page, heading="Which funding year is the application for?")
    submit(page, "Start the application")
    pages.check(page, heading="Which funding year is the application for?", error=True)
    page.get_by_label(re.compile(f"^{YEAR}")).check()
    submit(page, "Start the application")
    pages.check(page, heading=f"Grant application {YEAR}")
    task_list = page.url

    page.get_by_role("link", name="Director").click()
    pages.check(page, heading="Director")
    page.get_by_label("Full name").fill("Alex Morgan")
    page.get_by_label("Job title").fill("Director of Children's Services")
    page.get_by_label("Email address").fill("not an email")
    submit(page, "Save and continue")
    pages.check(page, heading="Director", error=True)
    page.get_by_label("Email address").fill("alex.morgan@example.org")
    submit(page, "Save and continue")
    pages.check(page, heading=f"Grant application {YEAR}")

    page.get_by_role("link", name="Primary contact").click()
    pages.check(page, heading="Primary contact")
    submit(page, "Save and continue")

    page.get_by_role("link", name="Declarations").click()
    pages.check(page, heading="Declarations")
    for checkbox in page.locator("main input[type=checkbox]").all():
        checkbox.check()
    submit(page, "Save and continue")

    page.get_by_role("link", name="Action plan for continuous improvement").click()
    pages.check(page, heading="Action plan for continuous improvement")
    page.get_by_role("button", name="Add an action").click()
    pages.check(page, heading="Add an action")
    submit(page, "Save")
    pages.check(page, heading="Add an action", error=True)
    page.get_by_label("What is the action?").fill("Invite every NQSW to the national forums from day one")
    page.get_by_label("Who is responsible for it?").fill("ASYE co-ordinator")
    fill_date(page, "When is it due?", days_ahead(25))
    page.get_by_label("In progress").check()
    submit(page, "Save")
    pages.check(page, heading="Action plan for continuous improvement")
    expect(page.get_by_role("table")).to_contain_text("Invite every NQSW")
    page.get_by_role("link", name="Change action 1").click()
    pages.check(page, heading="Change the action")
    page.go_back()
    page.get_by_role("link", name="Remove action 1").click()
    pages.check(page, heading="Are you sure you want to remove this action?")
    page.get_by_role("link", name="No, keep it").click()
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(task_list)
    page.get_by_role("button", name="Check and submit").click()
    pages.check(page, heading="Check your answers before you submit your application")
    submit(page, "Submit the application")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been submitted")
    pages.check(page, heading=f"Grant application {YEAR}")
    with tenant_context(employer_a.employer.pk):
        assert GrantApplication.objects.get().status == GrantApplication.Status.SUBMITTED
    pages.done()


def test_national_funding_pages(
    live_server, page, sign_in, employer_a, employer_b, national_staff, approved_three
):
    from funding.application_services import (
        DECLARATION_FIELDS,
        action_add,
        application_years,
        grant_application_start,
        grant_application_submit,
        grant_application_update,
    )
    from tests.programmes.conftest import actor_for

    for registration in approved_three[:2]:
        submitted(employer_a, claim_of(registration))
    coordinator = actor_for(employer_a.coordinator, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        application = grant_application_start(actor=coordinator, funding_year_id=application_years()[0].pk)
        application = grant_application_update(
            actor=coordinator,
            application=application,
            director_name="Alex Morgan",
            director_job_title="DCS",
            director_email="alex@example.org",
            **dict.fromkeys(DECLARATION_FIELDS, True),
        )
        action_add(
            actor=coordinator,
            application=application,
            action="Train assessors",
            owner="PSW",
            due_on=days_ahead(69),
        )
        grant_application_submit(actor=coordinator, application=application)
    pages = Pages()
    sign_in(page, live_server, national_staff)

    page.goto("/national/funding/")
    pages.check(page, heading="Funding")

    # Approve one claim and reject the other, with its reason.
    page.get_by_role("link", name="Claims to approve").click()
    pages.check(page, heading="Claims")
    page.get_by_role("link", name=re.compile(r"Ada Okafor$")).click()
    pages.check(page, heading=re.compile("^Claim C"))
    submit(page, "Save decision")
    pages.check(page, heading=re.compile("^Claim C"), error=True)
    page.get_by_label("Yes, approve it for payment").check()
    submit(page, "Save decision")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("approved for payment")
    pages.check(page, heading="Claims")
    page.get_by_role("link", name=re.compile(r"Ben Okafor$")).click()
    page.get_by_label("No, reject it").check()
    page.get_by_label("Reason").fill("Funded as part of the 2025-26 grant.")
    submit(page, "Save decision")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("rejected")

    # Build A's statement, check it, authorise it, mark it paid, export it.
    page.goto("/national/funding/statements/")
    pages.check(page, heading="Payment statements")
    page.get_by_label("Which employer?").select_option(label=employer_a.employer.name)
    submit(page, "Build the statement")
    pages.check(page, heading=re.compile("^Payment statement: "))
    expect(page.get_by_role("table", name="Totals")).to_contain_text("£1,000")
    # Whoever built it is not offered the authorisation: a second member of national staff checks it.
    expect(page.get_by_role("button", name=re.compile("^Authorise the statement"))).to_have_count(0)
    expect(page.locator(".govuk-inset-text")).to_contain_text("another member of national staff")
    statement_url = page.url
    sign_in(page, live_server, checker_user())
    page.goto(statement_url)
    pages.check(page, heading=re.compile("^Payment statement: "))
    page.get_by_role("button", name="Authorise the statement for £1,000").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("can no longer change")
    pages.check(page, heading=re.compile("^Payment statement: "))
    submit(page, "Mark as paid")
    pages.check(page, heading=re.compile("^Payment statement: "), error=True)
    fill_date(page, "When was it paid?", TODAY)
    page.get_by_label("Payment reference (optional)").fill("BACS-0001")
    submit(page, "Mark as paid")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("paid")
    pages.check(page, heading=re.compile("^Payment statement: "))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the statement as a CSV file").click()
    assert download.value.suggested_filename.endswith(".csv")
    with system_national_context():
        assert PaymentStatement.objects.get().status == PaymentStatement.Status.PAID

    # Grant applications.
    page.goto("/national/funding/grant-applications/")
    pages.check(page, heading="Grant applications")
    page.get_by_role("link", name=re.compile(employer_a.employer.name)).click()
    pages.check(page, heading=f"Grant application {YEAR}")
    page.get_by_label("Yes, accept it").check()
    submit(page, "Save decision")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("accepted")

    # The budget.
    page.goto("/national/funding/budget/")
    pages.check(page, heading=re.compile("^Budget position "))
    page.get_by_label("Funding year", exact=True).select_option(COHORT)
    page.get_by_role("button", name="Show the year").click()
    pages.check(page, heading=f"Budget position {COHORT}")
    expect(page.get_by_role("table", name=f"By region in {COHORT}")).to_contain_text("North West")
    pages.done()


def test_coordinator_claims_without_javascript(live_server, new_context, sign_in, employer_a, approved_three):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    page.goto("/funding/claims/?status=draft")
    page.get_by_label("Claim the registration instalment for Ada Okafor").check()
    page.get_by_label("Claim the registration instalment for Cara Okafor").check()
    submit(page, "Claim the selected instalments")
    expect(page.get_by_role("heading", name="Check the claims before you submit them")).to_be_visible()
    submit(page, "Submit claims")
    expect(page).to_have_title(re.compile("^Error: "))
    page.get_by_label(re.compile("^I confirm that each instalment listed is due")).check()
    submit(page, "Submit claims")
    expect(page.get_by_text("2 claims submitted for £2,000")).to_be_visible()
    # One more from its own page.
    page.goto("/funding/claims/?status=draft")
    page.get_by_role("link", name=re.compile("^Ben Okafor")).click()
    page.get_by_label(re.compile("^I confirm that the NQSW is registered")).check()
    submit(page, "Submit claim")
    expect(page.get_by_text("submitted for £1,000")).to_be_visible()
    with tenant_context(employer_a.employer.pk):
        assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.SUBMITTED}
