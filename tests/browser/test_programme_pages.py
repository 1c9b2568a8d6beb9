"""Every page added for programmes, in a real browser, with axe-core (WCAG 2.2 AA) on each: registrations
and the co-ordinator's actions, the CSV upload (with JavaScript and without), the support pages, the
NQSW's own programme page, the national review queue and the assessor's read-only view.

Error states are checked too: the GOV.UK error summary, and the page title prefixed "Error: ". Pages are
grouped by person, because each live-server test pays for flushing the database; a failure lists the
problems of every page the test visited, not only the first page's.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from asye.tenancy.db import system_national_context, tenant_context
from programmes.csv_rows import UPLOAD_COLUMNS
from programmes.models import Registration, RegistrationStatus
from programmes.services import (
    registration_allocate_assessor,
    registration_create,
    registration_set_line_manager,
)
from tests.browser.support import format_violations, run_axe, submit
from tests.programmes.conftest import TODAY, actor_for, facts, registration_day

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


# --- Helpers -------------------------------------------------------------------------------------------


def register(tenant, *, assessor=False, line_manager=False, **overrides) -> Registration:
    """Register an NQSW as the tenant's co-ordinator, through the service, in the tenant's context."""
    actor = actor_for(tenant.coordinator, tenant.employer)
    with tenant_context(tenant.employer.pk):
        given = facts(**overrides)
        registration = registration_create(actor=actor, facts=given, today=registration_day(given))
        if assessor:
            registration = registration_allocate_assessor(
                actor=actor, registration=registration, assessor_id=tenant.assessor.pk
            )
        if line_manager:
            registration = registration_set_line_manager(
                actor=actor, registration=registration, line_manager_id=tenant.line_manager.pk
            )
    return registration


class Pages:
    """Check pages as a test goes, and fail at the end listing the problems of every page."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, page: Page, *, heading: str | re.Pattern | None = None, error: bool = False) -> None:
        """One <main> and one <h1> (named ``heading`` if given), no axe violations; with ``error``, the
        GOV.UK error summary and a title starting "Error: "."""
        where = page.url
        try:
            # Retrying assertions: a check straight after a click may run while the next page loads.
            expect(page.locator("main")).to_have_count(1)
            expect(page.locator("h1")).to_have_count(1)
        except AssertionError:
            self.problems.append(f"{where}: expected one <main> and one <h1>")
        if heading is not None:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        if error:
            summary = page.locator(".govuk-error-summary")
            expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
            if not page.title().startswith("Error: "):
                self.problems.append(f"{where}: the title {page.title()!r} does not start with 'Error: '")
            links = summary.get_by_role("link")
            if links.count() == 0:
                self.problems.append(f"{where}: the error summary links to no field")
            for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
                # Each link leads to an element of the page (GOV.UK Frontend moves focus to it).
                if not (href and href.startswith("#") and page.locator(f"[id='{href[1:]}']").count() == 1):
                    self.problems.append(f"{where}: the error summary links to {href!r}, not one element")
        elif page.title().startswith("Error: "):
            self.problems.append(f"{where}: the title {page.title()!r} starts with 'Error: ' without errors")
        violations = run_axe(page)
        if violations:
            self.problems.append(format_violations(where, violations))

    def done(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def fill_date(scope, legend: str, day: datetime.date | tuple[int, int, int]) -> None:
    """Fill a GOV.UK date input; a (day, month, year) tuple may be an impossible date."""
    parts = (day.day, day.month, day.year) if isinstance(day, datetime.date) else day
    group = scope.get_by_role("group", name=legend)
    for label, value in zip(("Day", "Month", "Year"), parts, strict=True):
        group.get_by_label(label).fill(str(value))


# --- 1. Registrations and the co-ordinator's actions ---------------------------------------------------


def test_coordinator_registration_pages(transactional_db, live_server, page, sign_in, employer_a, employer_b):
    ada = register(employer_a, assessor=True, line_manager=True)
    register(employer_a, swe_number="SW200002", first_name="Ben", email="ben@example.org")
    register(employer_a, swe_number="SW200003", first_name="Cara", email="", contracted_hours=22.5)
    today = timezone.localdate()
    pages = Pages()
    sign_in(page, live_server, employer_a.coordinator)

    page.goto("/registrations/")
    expect(page.get_by_role("link", name="Ben Okafor")).to_be_visible()
    pages.check(page, heading="Registrations")
    page.goto("/registrations/?status=open")
    pages.check(page, heading="Registrations")

    detail = f"/registrations/{ada.pk}/"
    page.goto(detail)
    pages.check(page, heading="Ada Okafor")
    actions = page.get_by_role("complementary")
    expect(actions.get_by_role("link", name="Defer the programme")).to_be_visible()

    # Every action page, as the detail page's links lead to them.
    for link, heading in (
        ("Change the email address or hours", "Change the email address or contracted hours"),
        ("Correct the name, number or dates", "Correct the registration"),
        ("Extend the programme", "Extend the programme"),
        ("Allocate an assessor", None),
        ("Set the line manager", None),
        ("Transfer to another employer", "Transfer the NQSW to another employer"),
        ("Withdraw from the programme", "Withdraw the NQSW from the programme"),
        ("Defer the programme", "Defer the programme"),
    ):
        page.goto(detail)
        page.get_by_role("complementary").get_by_role("link", name=link).click()
        expect(page.get_by_role("link", name="Back")).to_be_visible()
        pages.check(page, heading=heading)

    # Defer: an empty form, then a reason with an impossible date.
    submit(page, "Defer the programme")
    pages.check(page, heading="Defer the programme", error=True)
    expect(page.get_by_role("link", name="Enter the date the deferral starts")).to_be_visible()
    fill_date(page, "When does the deferral start?", (30, 2, TODAY.year))
    page.get_by_label("Why is the NQSW deferring?").fill("Parental leave")
    submit(page, "Defer the programme")
    pages.check(page, heading="Defer the programme", error=True)

    # Extend: days that are not a number, and no reason.
    page.goto(f"{detail}extend/")
    page.get_by_label("How many days is the programme extended by?").fill("four weeks")
    submit(page, "Extend the programme")
    expect(
        page.get_by_role("link", name="Enter the number of days as a whole number, like 28")
    ).to_be_visible()
    pages.check(page, heading="Extend the programme", error=True)

    # Withdraw and transfer: a valid form leads to its confirmation page.
    page.goto(f"{detail}withdraw/")
    fill_date(page, "When did the NQSW leave the programme?", today)
    page.get_by_label("Why did the NQSW leave the programme?").fill("Moved away")
    submit(page, "Continue")
    pages.check(page, heading=re.compile(r"^Are you sure you want to withdraw Ada Okafor"))
    page.goto(f"{detail}transfer/")
    page.locator("main form button[type=submit]").click()
    pages.check(page, heading="Transfer the NQSW to another employer", error=True)
    page.get_by_label("Which employer is the NQSW moving to?").select_option(label=employer_b.employer.name)
    fill_date(page, "What is the NQSW's last day with you?", today)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="Yes, ask them to take on the NQSW")).to_be_visible()
    pages.check(page, heading=re.compile(r"^Are you sure you want to ask .* to take on Ada Okafor"))

    # Defer for real: the registration's page with its banner, then resume after deferring.
    page.goto(f"{detail}defer/")
    fill_date(page, "When does the deferral start?", today)
    page.get_by_label("Why is the NQSW deferring?").fill("Parental leave")
    submit(page, "Defer the programme")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("programme is deferred")
    pages.check(page, heading="Ada Okafor")
    page.get_by_role("complementary").get_by_role("link", name="Resume the programme").click()
    pages.check(page, heading="When does the NQSW resume the programme?")
    submit(page, "Resume the programme")
    pages.check(page, heading="When does the NQSW resume the programme?", error=True)
    with tenant_context(employer_a.employer.pk):
        assert Registration.objects.get(pk=ada.pk).status == RegistrationStatus.DEFERRED

    pages.done()


# --- 2. Registering NQSWs from a CSV file -------------------------------------------------------------


def csv_bytes(*rows: str) -> bytes:
    return ("\r\n".join([",".join(UPLOAD_COLUMNS), *rows]) + "\r\n").encode("utf-8")


def csv_row(first: str, swe: str, *, hours: str = "37", area: str = "adults") -> str:
    today = timezone.localdate()
    qualified = (today - datetime.timedelta(days=120)).isoformat()
    return f"{first},Okafor,,{swe},{qualified},{today.isoformat()},{hours},{area}"


def upload(page: Page, data: bytes, name: str = "nqsws.csv") -> None:
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    submit(page, "Upload and check")


def test_csv_upload_pages(transactional_db, live_server, page, new_context, sign_in, employer_a):
    pages = Pages()
    sign_in(page, live_server, employer_a.coordinator)
    page.goto("/registrations/upload/")
    pages.check(page, heading="Register NQSWs from a CSV file")

    # No file at all: the form's own error.
    submit(page, "Upload and check")
    expect(page.get_by_role("link", name="Select a CSV file")).to_be_visible()
    pages.check(page, heading="Register NQSWs from a CSV file", error=True)

    # A file with bad rows: the error summary and the table of rows to correct.
    upload(page, csv_bytes(csv_row("Good", "SW300001"), csv_row("Bad", "XX1", hours="99")))
    expect(page.get_by_role("table", name="Rows to correct")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Line 3: "))).to_be_visible()
    pages.check(page, heading="Register NQSWs from a CSV file", error=True)

    # A good file: check the NQSWs, register them, done.
    upload(page, csv_bytes(csv_row("Good", "SW300001"), csv_row("Also", "SW300002")))
    expect(page).to_have_url(re.compile(r"/registrations/upload/check/$"))
    expect(page.get_by_role("table", name="NQSWs in your file")).to_contain_text("SW300002")
    pages.check(page, heading="Check the NQSWs before you register them")
    submit(page, "Register 2 NQSWs")
    expect(page).to_have_url(re.compile(r"/registrations/upload/done/$"))
    pages.check(page, heading="2 NQSWs registered")

    # The same journey without JavaScript.
    without_js = new_context(java_script_enabled=False).new_page()
    sign_in(without_js, live_server, employer_a.coordinator)
    without_js.goto("/registrations/upload/")
    upload(without_js, csv_bytes(csv_row("Bad", "SW300001")))  # registered above: a bad row now
    expect(without_js.get_by_role("table", name="Rows to correct")).to_contain_text("SW300001")
    expect(without_js).to_have_title(re.compile("^Error: "))
    upload(without_js, csv_bytes(csv_row("Third", "SW300003", area="child_and_family")))
    expect(without_js.get_by_role("heading", name="Check the NQSWs before you register them")).to_be_visible()
    submit(without_js, "Register 1 NQSW")
    expect(without_js.get_by_role("heading", name="1 NQSW registered", level=1)).to_be_visible()

    with tenant_context(employer_a.employer.pk):
        assert sorted(Registration.objects.values_list("swe_number", flat=True)) == [
            "SW300001",
            "SW300002",
            "SW300003",
        ]
    pages.done()


# --- 3. Support pages, the NQSW's programme page and support needs --------------------------------------


def test_support_pages(transactional_db, live_server, new_context, sign_in, employer_a):
    # Registered with the NQSW's email address: their programme page offers it, and links it to them once
    # they confirm it with its Social Work England number (never by the email address alone).
    registration = register(employer_a, email=employer_a.nqsw.email, assessor=True, line_manager=True)
    register(employer_a, swe_number="SW400002", first_name="Ben", email="ben@example.org")
    today = timezone.localdate()
    pages = Pages()

    nqsw = new_context().new_page()
    sign_in(nqsw, live_server, employer_a.nqsw)
    nqsw.goto("/my-programme/")
    pages.check(nqsw, heading="Your ASYE programme")
    nqsw.get_by_role("link", name=re.compile(r"^Confirm ")).click()
    pages.check(nqsw, heading="Confirm this programme is yours")
    nqsw.get_by_label("What is your Social Work England number?").fill("SW999999")
    submit(nqsw, "Confirm it is mine")
    pages.check(nqsw, heading="Confirm this programme is yours", error=True)
    nqsw.get_by_label("What is your Social Work England number?").fill(registration.swe_number)
    submit(nqsw, "Confirm it is mine")
    expect(nqsw.locator(".govuk-notification-banner--success")).to_contain_text("added to your account")
    pages.check(nqsw, heading="Your ASYE programme")
    nqsw.get_by_role("button", name="Record a support need").click()
    pages.check(nqsw, heading="Record a support need")
    submit(nqsw, "Save")
    expect(nqsw.get_by_role("link", name="Select the kind of support you asked for")).to_be_visible()
    pages.check(nqsw, heading="Record a support need", error=True)
    nqsw.get_by_label("Reasonable adjustments").check()
    fill_date(nqsw, "When did you ask for it?", today)
    nqsw.get_by_label("Tell us about it (optional)").fill("A quieter desk")
    nqsw.get_by_label("Share this detail with my ASYE co-ordinator").check()
    submit(nqsw, "Save")
    expect(nqsw.locator(".govuk-notification-banner--success")).to_contain_text("Support need recorded")
    pages.check(nqsw, heading="Reasonable adjustments")
    nqsw.goto("/my-programme/")  # now with the need listed
    pages.check(nqsw, heading="Your ASYE programme")
    with tenant_context(employer_a.employer.pk):
        assert Registration.objects.get(pk=registration.pk).nqsw_id == employer_a.nqsw.pk

    coordinator = new_context().new_page()
    sign_in(coordinator, live_server, employer_a.coordinator)
    support = f"/registrations/{registration.pk}/support/"
    coordinator.goto(support)
    pages.check(coordinator, heading="Support and workload")
    for button, heading, save in (
        ("Record a supervision session", "Record a supervision session", "Save session"),
        ("Log protected time", "Log protected development time", "Save time"),
        ("Record caseload", "Record caseload", "Save caseload"),
    ):
        coordinator.goto(support)
        coordinator.get_by_role("button", name=button).click()
        pages.check(coordinator, heading=heading)
        submit(coordinator, save)
        pages.check(coordinator, heading=heading, error=True)

    coordinator.goto("/support-needs/")
    pages.check(coordinator, heading="Support needs")
    coordinator.get_by_role("link", name=re.compile("Reasonable adjustments|Ada Okafor")).first.click()
    expect(coordinator).to_have_url(re.compile(r"/support-needs/\d+/$"))
    expect(coordinator.get_by_text("A quieter desk")).to_be_visible()
    pages.check(coordinator, heading="Reasonable adjustments")
    submit(coordinator, "Update status")
    pages.check(coordinator, heading="Reasonable adjustments", error=True)

    pages.done()


# --- 3b. Transfers between employers: the sender's request, the receiver's answer -------------------------


def test_transfer_pages(transactional_db, live_server, new_context, sign_in, employer_a, employer_b):
    from programmes.transfers import transfer_request

    today = timezone.localdate()
    moving = register(employer_a, swe_number="SW410001")
    staying = register(employer_a, swe_number="SW410002", first_name="Bea")
    with tenant_context(employer_a.employer.pk):
        actor = actor_for(employer_a.coordinator, employer_a.employer)
        for registration in (moving, staying):
            transfer_request(
                actor=actor, registration=registration, to_employer_id=employer_b.employer.pk, transfer_on=today
            )
    pages = Pages()

    receiver = new_context().new_page()
    sign_in(receiver, live_server, employer_b.coordinator)
    receiver.goto("/registrations/")
    receiver.get_by_role("link", name="See incoming transfers").click()
    pages.check(receiver, heading="Incoming transfers")
    receiver.get_by_role("link", name="Ada Okafor").click()
    pages.check(receiver, heading="Ada Okafor")
    incoming = receiver.url
    receiver.get_by_role("button", name="Decline it").click()
    pages.check(receiver, heading="Decline the transfer of Ada Okafor")
    submit(receiver, "Decline the transfer")
    pages.check(receiver, heading="Decline the transfer of Ada Okafor", error=True)
    receiver.goto(incoming)
    receiver.get_by_role("button", name="Accept the transfer").click()
    pages.check(receiver, heading="Accept the transfer of Ada Okafor")
    fill_date(receiver, "What is the NQSW's first day with you?", today)  # not after their last day there
    submit(receiver, "Accept the transfer")
    pages.check(receiver, heading="Accept the transfer of Ada Okafor", error=True)
    fill_date(receiver, "What is the NQSW's first day with you?", today + datetime.timedelta(days=1))
    receiver.get_by_role("radio", name=re.compile(employer_b.assessor.email)).check()
    submit(receiver, "Accept the transfer")
    expect(receiver.locator(".govuk-notification-banner--success")).to_contain_text("continues with you")
    pages.check(receiver, heading="Ada Okafor")

    sender = new_context().new_page()
    sign_in(sender, live_server, employer_a.coordinator)
    sender.goto(f"/registrations/{moving.pk}/")
    expect(sender.locator("#transfer-state")).to_contain_text("Transfer accepted")
    pages.check(sender, heading="Ada Okafor")
    sender.goto(f"/registrations/{staying.pk}/")
    expect(sender.locator("#transfer-state")).to_contain_text("Waiting for")
    sender.get_by_role("link", name="Cancel the transfer request").click()
    pages.check(sender, heading=re.compile(r"^Cancel the request to "))
    submit(sender, "Yes, cancel the request")
    expect(sender.locator("#transfer-state")).to_contain_text("cancelled")
    pages.check(sender, heading="Bea Okafor")
    pages.done()


# --- 4 and 5. National staff's review of a duplicate; the assessor's read-only view ----------------------


def test_national_review_and_assessor_view(
    transactional_db, live_server, new_context, sign_in, employer_a, employer_b, national_staff
):
    register(employer_a, swe_number="SW500001", first_name="Grace", assessor=True)
    register(employer_a, swe_number="SW500002", first_name="Hugh")  # not the assessor's
    duplicate = register(employer_b, swe_number="SW500001", first_name="Grace")
    with system_national_context():
        duplicate.refresh_from_db()
    # B sees it as awaiting approval like any other (issue #12, finding 8); national staff see the review.
    assert duplicate.funding_status == "awaiting_approval"
    pages = Pages()

    national = new_context().new_page()
    sign_in(national, live_server, national_staff)
    national.goto("/national/registrations/")
    expect(national.get_by_role("link", name="Grace Okafor")).to_have_count(2)
    pages.check(national, heading="Registrations to review")
    national.goto(f"/national/registrations/{duplicate.pk}/")
    expect(national.get_by_text(employer_a.employer.name).first).to_be_visible()
    pages.check(national, heading="Grace Okafor")
    submit(national, "Save decision")
    pages.check(national, heading="Grace Okafor", error=True)

    assessor = new_context().new_page()
    sign_in(assessor, live_server, employer_a.assessor)
    assessor.goto("/registrations/")
    expect(assessor.get_by_role("link", name="Grace Okafor")).to_be_visible()
    expect(assessor.get_by_role("link", name="Hugh Okafor")).to_have_count(0)
    expect(assessor.get_by_role("button", name="Register an NQSW")).to_have_count(0)
    pages.check(assessor, heading="Registrations")
    assessor.get_by_role("link", name="Grace Okafor").click()
    expect(assessor.get_by_role("complementary")).to_have_count(0)
    expect(
        assessor.locator("main").get_by_role("link", name=re.compile(r"^(Change|Allocate|Set)\b"))
    ).to_have_count(0)
    pages.check(assessor, heading="Grace Okafor")
    assessor.get_by_role("link", name=re.compile("^Support and workload")).click()
    pages.check(assessor, heading="Support and workload")

    pages.done()
