"""The NQSW's portfolio journey in a real browser, with axe-core (WCAG 2.2 AA) on every page: the NQSW adds
evidence with a file, tags it and shares it; the assessor responds, first asking for more and then
accepting; the NQSW sees capability coverage change, downloads the pack and submits. Once more with
JavaScript off: adding evidence with a file and sharing it works without scripts.
"""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from tests.browser.test_programme_pages import Pages, fill_date, submit
from tests.portfolios.conftest import linked_registration
from tests.today import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data", "capability_frameworks")]

RESPOND_HEADING = "Respond to \u2018Home visit after a referral\u2019"
NOTES = b"Reflective log: what I saw, what I did and what I learned.\n"


@pytest.fixture
def capability_frameworks(transactional_db):
    """The capability frameworks as their data migration loads them (a live-server test's flush empties
    reference tables)."""
    import_module("portfolios.migrations.0002_load_capability_frameworks").load(django_apps, None)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def tag(page: Page, group: str, label: str) -> None:
    page.get_by_role("group", name=group).get_by_label(label, exact=True).check()


def add_evidence(page: Page, title: str, *, file_name: str = "visit-notes.txt") -> None:
    page.get_by_label("Title").fill(title)
    # A fortnight after the start eleven weeks ago (written as 24 September 2026).
    fill_date(page.locator("main"), "When did this practice happen? (optional)", days_ago(60))
    page.get_by_label("The evidence").fill("A home visit with my practice supervisor after a referral.")
    page.get_by_label("Add a file (optional)").set_input_files(
        files=[{"name": file_name, "mimeType": "text/plain", "buffer": NOTES}]
    )
    tag(page, "Which PCF domains does it support?", "7. Intervention and skills")
    tag(page, "Which PQS statements does it support?", "1. Relationships and effective direct work")
    page.get_by_label("Your critical reflection").fill("Naming the worry plainly helped the mother talk.")


def coverage_row(page: Page, label: str):
    return page.locator("tr", has=page.get_by_role("rowheader", name=re.compile(rf"^{label}\b")))


def test_nqsw_adds_shares_and_sees_coverage_change_as_the_assessor_responds(
    transactional_db, live_server, page, new_context, sign_in, employer_a
):
    registration = linked_registration(employer_a)
    pages = Pages()

    # The NQSW: from the navigation to the portfolio's task list, then adding evidence.
    sign_in(page, live_server, employer_a.nqsw)
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My programme").click()
    page.get_by_role("navigation", name="My programme pages").get_by_role("link", name="Portfolio").click()
    pages.check(page, heading="Your portfolio")
    expect(page.get_by_text("0 of 19 capabilities are evidenced")).to_be_visible()
    page.get_by_role("link", name="Evidence of progression").click()
    pages.check(page, heading="Evidence of progression")
    page.get_by_role("button", name="Add evidence").click()
    pages.check(page, heading="Add evidence")
    submit(page, "Save as a draft")
    pages.check(page, heading="Add evidence", error=True)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the evidence")

    add_evidence(page, "Home visit after a referral")
    submit(page, "Save as a draft")
    pages.check(page, heading="Home visit after a referral")
    expect(page.get_by_text("Evidence saved as a draft")).to_be_visible()
    expect(page.get_by_role("link", name="visit-notes.txt", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="visit-notes.txt", exact=True).click()
    assert download.value.suggested_filename == "visit-notes.txt"
    assert open(download.value.path(), "rb").read() == NOTES

    # A second file that turns out to be a program: refused with the message; then the right file,
    # which the NQSW removes again.
    page.get_by_role("link", name="Add a file").click()
    pages.check(page, heading="Add a file")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "ecomap.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 200}]
    )
    submit(page, "Upload file")
    pages.check(page, heading="Add a file", error=True)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The selected file must be a PDF, Word document, image or text file"
    )
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "ecomap.txt", "mimeType": "text/plain", "buffer": b"Mum, Zara, Gran, school\n"}]
    )
    submit(page, "Upload file")
    expect(page.get_by_text("File added")).to_be_visible()
    page.get_by_role("link", name="Remove ecomap.txt").click()
    pages.check(page, heading="Are you sure you want to remove ecomap.txt?")
    submit(page, "Yes, remove the file")
    expect(page.get_by_text("ecomap.txt removed")).to_be_visible()
    expect(page.get_by_role("link", name="ecomap.txt", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Share with your assessor").click()
    pages.check(page, heading="Check your evidence before you share it")
    submit(page, "Share with your assessor")
    pages.check(page, heading="Home visit after a referral")
    expect(page.get_by_text("Evidence shared with your assessor")).to_be_visible()

    page.goto(f"/portfolio/{registration.pk}/coverage/")
    pages.check(page, heading="Capability coverage")
    expect(coverage_row(page, "PCF 7")).to_contain_text("Waiting for assessor")
    expect(coverage_row(page, "PCF 1")).to_contain_text("No evidence yet")

    # The assessor asks for more (with the error first), then the NQSW adds more and shares again.
    assessor_page = new_context().new_page()
    sign_in(assessor_page, live_server, employer_a.assessor)
    assessor_page.goto(f"/portfolio/{registration.pk}/")
    pages.check(assessor_page, heading=f"Portfolio of {registration.full_name}")
    assessor_page.get_by_role("link", name="Evidence of progression").click()
    pages.check(assessor_page, heading="Evidence of progression")
    assessor_page.get_by_role("link", name="Home visit after a referral").click()
    pages.check(assessor_page, heading="Home visit after a referral")
    assessor_page.get_by_role("button", name="Respond to this evidence").click()
    pages.check(assessor_page, heading=RESPOND_HEADING)
    assessor_page.get_by_label("No, more is needed").check()
    submit(assessor_page, "Send response")
    pages.check(assessor_page, heading=RESPOND_HEADING, error=True)
    assessor_page.get_by_label("Your comment").fill("Say how you heard the child's own view.")
    submit(assessor_page, "Send response")
    expect(assessor_page.get_by_text("You asked for more evidence")).to_be_visible()

    page.goto(f"/portfolio/{registration.pk}/evidence/")
    page.get_by_role("link", name="Home visit after a referral").click()
    expect(page.get_by_text("Your assessor has asked for more")).to_be_visible()
    pages.check(page, heading="Home visit after a referral")
    page.get_by_role("link", name="Change the evidence").click()
    pages.check(page, heading="Change evidence")
    page.get_by_label("The evidence").fill("I also asked the child, with her drawing, what a good day is.")
    submit(page, "Save changes")
    page.get_by_role("button", name="Share again with your assessor").click()
    submit(page, "Share with your assessor")

    assessor_page.reload()
    assessor_page.get_by_role("button", name="Respond to this evidence").click()
    assessor_page.get_by_label("Yes, accept it").check()
    submit(assessor_page, "Send response")
    expect(assessor_page.get_by_text("Evidence accepted")).to_be_visible()
    pages.check(assessor_page, heading="Home visit after a referral")

    # Coverage has changed for the NQSW; the pack downloads; the portfolio is submitted.
    page.goto(f"/portfolio/{registration.pk}/coverage/")
    expect(coverage_row(page, "PCF 7")).to_contain_text("Evidenced")
    expect(coverage_row(page, "PQS 1")).to_contain_text("Evidenced")
    expect(page.get_by_text("2 of 19 capabilities are evidenced")).to_be_visible()
    pages.check(page, heading="Capability coverage")
    page.goto(f"/portfolio/{registration.pk}/")
    # The pack is made by a background job (eagerly here): its page says the file is ready.
    page.get_by_role("link", name="Portfolio pack").click()
    pages.check(page, heading="Your file is ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download asye-portfolio-.*\.pdf")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    page.goto(f"/portfolio/{registration.pk}/")
    page.get_by_role("link", name="Submit for moderation").click()
    pages.check(page, heading="Submit the portfolio for moderation")
    submit(page, "Submit for moderation")
    pages.check(page, heading="Submit the portfolio for moderation", error=True)
    page.get_by_label("I confirm the portfolio is ready for moderation").check()
    submit(page, "Submit for moderation")
    expect(page.get_by_text("Portfolio submitted for moderation").first).to_be_visible()
    pages.check(page, heading="Your portfolio")
    pages.done()


def test_adding_and_sharing_evidence_works_without_javascript(
    transactional_db, live_server, new_context, sign_in, employer_a
):
    registration = linked_registration(employer_a)
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, employer_a.nqsw)
    page.goto(f"/portfolio/{registration.pk}/evidence/add/")
    expect(page.get_by_role("heading", name="Add evidence", level=1)).to_be_visible()
    add_evidence(page, "Chairing a child in need review", file_name="review-notes.txt")
    submit(page, "Save as a draft")
    expect(page.get_by_role("heading", name="Chairing a child in need review", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="review-notes.txt", exact=True)).to_be_visible()
    page.get_by_role("button", name="Share with your assessor").click()
    submit(page, "Share with your assessor")
    expect(page.get_by_text("Evidence shared with your assessor")).to_be_visible()
    page.goto(f"/portfolio/{registration.pk}/coverage/")
    expect(coverage_row(page, "PCF 7")).to_contain_text("Waiting for assessor")


def test_accepted_evidence_is_amended_with_a_reason_and_the_nqsw_adds_a_later_reflection(
    transactional_db, live_server, page, new_context, sign_in, employer_a
):
    from tests.portfolios.conftest import add_evidence as add_accepted
    from tests.portfolios.conftest import portfolio_of, text_file

    registration = linked_registration(employer_a)
    evidence = add_accepted(
        employer_a,
        portfolio_of(employer_a, registration),
        title="Home visit after a referral",
        status="accepted",
        files=[text_file("visit-notes.txt"), text_file("plan-with-names.txt")],
    )
    pages = Pages()
    assessor = new_context().new_page()
    sign_in(assessor, live_server, employer_a.assessor)
    assessor.goto(f"/portfolio/evidence/{evidence.pk}/")
    pages.check(assessor, heading="Home visit after a referral")
    assessor.get_by_role("button", name="Amend the evidence").click()
    pages.check(assessor, heading="Amend the evidence")
    assessor.get_by_label("plan-with-names.txt").check()
    submit(assessor, "Save the amendment")
    pages.check(assessor, heading="Amend the evidence", error=True)
    assessor.get_by_label("plan-with-names.txt").check()
    assessor.get_by_label("Why are you amending the evidence?").fill("The plan names the children.")
    submit(assessor, "Save the amendment")
    expect(assessor.get_by_text("Amendment saved")).to_be_visible()
    history = assessor.locator("table", has=assessor.get_by_text("The plan names the children."))
    expect(history).to_contain_text("plan-with-names.txt")
    expect(assessor.get_by_role("link", name="plan-with-names.txt")).to_have_count(0)
    pages.check(assessor, heading="Home visit after a referral")

    sign_in(page, live_server, employer_a.nqsw)
    page.goto(f"/portfolio/evidence/{evidence.pk}/")
    expect(page.get_by_role("button", name="Amend the evidence")).to_have_count(0)
    page.get_by_role("button", name="Add a later reflection").click()
    pages.check(page, heading="Add a later reflection")
    submit(page, "Add the reflection")
    pages.check(page, heading="Add a later reflection", error=True)
    page.get_by_label("Your later reflection").fill("Looking back, I would see the children at school.")
    submit(page, "Add the reflection")
    expect(page.locator("table")).to_contain_text("Looking back, I would see the children at school.")
    pages.check(page, heading="Home visit after a referral")
    pages.done()
