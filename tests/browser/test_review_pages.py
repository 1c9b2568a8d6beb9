"""The review pages in a real browser, with axe-core (WCAG 2.2 AA) on every page: the assessor completes
and signs a six-month review (of an NQSW who started six months ago, their 3-month review locked); the
NQSW and the line manager comment and sign; an amendment; a review that has not opened yet; two people
saving at once; a not-on-track review's support plan, seen by the co-ordinator; the final recommendation
of a year that is done; the internal panel endorses a pass and the registration shows it, with the
certificate; national staff's outcome figures. One journey runs with JavaScript off.

Error states are checked too (the GOV.UK error summary, each link reaching an element, the title
prefixed "Error: "). Pages are grouped by journey, since each live-server test pays for a database flush.
"""

from __future__ import annotations

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Page, expect

from asye.tenancy.db import tenant_context
from programmes.models import Registration
from reviews.models import FinalRecommendation, Review, SupportPlan
from reviews.services.reviews import review_update
from tests.browser.test_programme_pages import Pages, fill_date, submit
from tests.programmes.conftest import TODAY
from tests.reviews.review_fixtures import (
    HELD,
    as_,
    due,
    lock_through,
    make_registration,
    make_year_done,
    scheduled,
)
from tests.today import months_ago

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def open_review(page: Page, registration: Registration, name: str = "6-month review") -> None:
    page.goto(f"/reviews/registrations/{registration.pk}/")
    page.locator("main").get_by_role("link", name=name, exact=True).click()


def write_report(
    page: Page, *, outcome: str, pcf: str = "Values and ethics are clear in her visits."
) -> None:
    page.locator("main").get_by_role("button", name="Write the report").click()
    fill_date(page, "When was the review held?", HELD)
    page.get_by_label("Progress against the Professional Capabilities Framework (PCF)").fill(pcf)
    page.get_by_label("Progress against the post-qualifying standards").fill(
        "PQS 1 and 5 are well evidenced."
    )
    page.get_by_label(outcome, exact=True).check()
    submit(page, "Save the report")


def six_months_in(tenant) -> Registration:
    """A registration started six months ago: its 3-month review locked, its 6-month review open."""
    registration = make_registration(tenant, start_date=months_ago(6))
    lock_through(tenant, registration, 3)
    return registration


def add_example(page: Page, text: str = "At a home visit she listened to the mother first.") -> None:
    page.locator("main").get_by_role("button", name="Add a practice example").click()
    page.get_by_label("Practice example").fill(text)
    submit(page, "Add the example")


# --- 1. A six-month review, from the assessor's report to the last signature ---------------------------


def test_six_month_review_is_written_signed_commented_and_amended(
    transactional_db, live_server, new_context, sign_in, employer_a
):
    registration = six_months_in(employer_a)
    pages = Pages()

    assessor = new_context().new_page()
    sign_in(assessor, live_server, employer_a.assessor)
    assessor.goto("/reviews/")
    pages.check(assessor, heading="Reviews")
    assessor.goto(f"/reviews/registrations/{registration.pk}/")
    pages.check(assessor, heading="Reviews")
    assessor.locator("main").get_by_role("link", name="6-month review", exact=True).click()
    pages.check(assessor, heading="6-month review")

    # Signing an empty review says what is missing, each message linked to that part of the review.
    assessor.locator("main").get_by_role("button", name="Check and sign").click()
    pages.check(assessor, heading="Check and sign the review")
    submit(assessor, "Sign the review")
    expect(assessor.locator(".govuk-error-summary")).to_contain_text("Add at least one practice example")
    pages.check(assessor, heading="Check and sign the review", error=True)

    assessor.get_by_role("link", name="Back").click()
    assessor.locator("main").get_by_role("button", name="Write the report").click()
    pages.check(assessor, heading="Write the report")
    fill_date(assessor, "When was the review held?", (31, 2, TODAY.year))
    submit(assessor, "Save the report")
    pages.check(assessor, heading="Write the report", error=True)
    assessor.get_by_role("link", name="Back").click()
    write_report(assessor, outcome="On track")
    expect(assessor.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your report has been saved"
    )
    assessor.locator("main").get_by_role("button", name="Add a practice example").click()
    pages.check(assessor, heading="Add a practice example")
    submit(assessor, "Add the example")
    pages.check(assessor, heading="Add a practice example", error=True)
    assessor.get_by_label("Practice example").fill("At a home visit she listened to the mother first.")
    submit(assessor, "Add the example")
    assessor.locator("main").get_by_role("button", name="Check and sign").click()
    submit(assessor, "Sign the review")
    expect(assessor.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have signed the review"
    )
    pages.check(assessor, heading="6-month review")

    nqsw = new_context().new_page()
    sign_in(nqsw, live_server, employer_a.nqsw)
    nqsw.goto("/reviews/")
    pages.check(nqsw, heading="Reviews")
    nqsw.get_by_role("link", name=re.compile("Your 6-month review")).click()
    nqsw.locator("main").get_by_role("button", name="Add your comments and sign").click()
    pages.check(nqsw, heading="Add your comments and sign")
    nqsw.get_by_label("Your comments").fill("I agree. Supervision has helped me plan visits.")
    submit(nqsw, "Save and sign the review")
    expect(nqsw.locator(".govuk-notification-banner--success")).to_contain_text("You have signed the review")

    manager = new_context().new_page()
    sign_in(manager, live_server, employer_a.line_manager)
    manager.goto("/reviews/")
    pages.check(manager, heading="Reviews")
    manager.get_by_role("link", name=re.compile("6-month review")).first.click()
    manager.locator("main").get_by_role("button", name="Add your comments and sign").click()
    manager.get_by_label("Your comments").fill("A fair picture; her caseload is within the cap.")
    submit(manager, "Save and sign the review")
    expect(manager.locator(".govuk-notification-banner--success")).to_contain_text("it is now locked")
    pages.check(manager, heading="6-month review")

    # After locking, the NQSW changes their comments only as an amendment, with a reason.
    nqsw.reload()
    nqsw.locator("main").get_by_role("button", name="Amend your part of the review").click()
    pages.check(nqsw, heading="Amend your comments")
    nqsw.get_by_label("NQSW's comments").fill("I agree, and I would like more shadowing.")
    submit(nqsw, "Save the amendment")
    pages.check(nqsw, heading="Amend your comments", error=True)
    nqsw.get_by_label("Why are you amending the review?").fill("I forgot to add this")
    submit(nqsw, "Save the amendment")
    expect(nqsw.get_by_role("table")).to_contain_text("I forgot to add this")
    pages.check(nqsw, heading="6-month review")

    with tenant_context(employer_a.employer.pk):
        review = Review.objects.get(registration=registration, month=6)
        assert review.status == Review.Status.LOCKED and review.amendments.count() == 1

    # The 12-month review has not opened: the page says when it does, and offers no signature.
    other = scheduled(employer_a, registration, 12)
    open_review(assessor, registration, "12-month review")
    opens = due(12, registration.start_date) - datetime.timedelta(weeks=4)
    expect(assessor.locator("#review-window")).to_contain_text(
        f"This review opens on {opens.day} {opens:%B %Y}"
    )
    expect(assessor.locator("main").get_by_role("button", name="Check and sign")).to_have_count(0)
    pages.check(assessor, heading="12-month review")

    # Two people saving the same review at once: the second keeps their words and is told.
    assessor.locator("main").get_by_role("button", name="Write the report").click()
    with tenant_context(employer_a.employer.pk):
        review_update(
            actor=as_(employer_a, employer_a.assessor),
            review=other,
            version=1,
            progress_pcf="Saved elsewhere.",
        )
    assessor.get_by_label("Progress against the Professional Capabilities Framework (PCF)").fill(
        "My own words."
    )
    submit(assessor, "Save the report")
    expect(assessor.locator(".govuk-error-summary")).to_contain_text("Someone else saved this review")
    expect(
        assessor.get_by_label("Progress against the Professional Capabilities Framework (PCF)")
    ).to_have_value("My own words.")
    pages.check(assessor, heading="Write the report", error=True)
    pages.done()


# --- 2. The same journey with JavaScript off -----------------------------------------------------------


def test_six_month_review_without_javascript(transactional_db, live_server, new_context, sign_in, employer_a):
    registration = six_months_in(employer_a)
    scheduled(employer_a, registration, 6)
    people = {}
    for name in ("assessor", "nqsw", "line_manager"):
        people[name] = new_context(java_script_enabled=False).new_page()
        sign_in(people[name], live_server, getattr(employer_a, name))

    assessor = people["assessor"]
    open_review(assessor, registration)
    write_report(assessor, outcome="Some concerns")
    add_example(assessor)
    assessor.locator("main").get_by_role("button", name="Check and sign").click()
    submit(assessor, "Sign the review")
    expect(assessor.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have signed the review"
    )

    for name, words in (("nqsw", "I agree."), ("line_manager", "Agreed.")):
        page = people[name]
        open_review(page, registration)
        page.locator("main").get_by_role("button", name="Add your comments and sign").click()
        page.get_by_label("Your comments").fill(words)
        submit(page, "Save and sign the review")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "You have signed the review"
        )
    with tenant_context(employer_a.employer.pk):
        review = Review.objects.get(registration=registration, month=6)
    assert review.status == Review.Status.LOCKED
    assert (review.outcome, review.nqsw_comments, review.line_manager_comments) == (
        "some_concerns",
        "I agree.",
        "Agreed.",
    )


# --- 3. Not on track: the support plan the co-ordinator sees ---------------------------------------


def test_support_plan_pages(transactional_db, live_server, new_context, sign_in, employer_a):
    registration = make_registration(employer_a)  # started eleven weeks ago: the 3-month review is open
    scheduled(employer_a, registration)
    pages = Pages()

    assessor = new_context().new_page()
    sign_in(assessor, live_server, employer_a.assessor)
    open_review(assessor, registration, "3-month review")
    write_report(assessor, outcome="Not on track")
    add_example(assessor)
    assessor.locator("main").get_by_role("button", name="Check and sign").click()
    expect(assessor.locator(".govuk-warning-text")).to_contain_text("starts a support plan")
    pages.check(assessor, heading="Check and sign the review")
    submit(assessor, "Sign the review")
    expect(assessor.locator(".govuk-notification-banner--success")).to_contain_text(
        "A support plan has started"
    )

    coordinator = new_context().new_page()
    sign_in(coordinator, live_server, employer_a.coordinator)
    coordinator.goto("/reviews/")
    expect(coordinator.locator("main .govuk-tag--red", has_text="Support plan")).to_be_visible()
    pages.check(coordinator, heading="Reviews")
    coordinator.get_by_role("link", name=re.compile("Ada Okafor")).first.click()
    pages.check(coordinator, heading="Support plan")

    coordinator.get_by_role("link", name="Change the concerns").click()
    pages.check(coordinator, heading="Change the support plan")
    coordinator.get_by_label("What are the concerns the plan addresses?").fill("")
    submit(coordinator, "Save the plan")
    pages.check(coordinator, heading="Change the support plan", error=True)
    coordinator.get_by_label("What are the concerns the plan addresses?").fill("PCF 6: analysis of risk.")
    submit(coordinator, "Save the plan")

    coordinator.locator("main").get_by_role("button", name="Add an action").click()
    pages.check(coordinator, heading="Add an action")
    submit(coordinator, "Add the action")
    pages.check(coordinator, heading="Add an action", error=True)
    coordinator.get_by_label("What needs to happen?").fill("Reduce caseload to within the cap.")
    coordinator.get_by_label(re.compile(r"\(line manager\)")).check()
    fill_date(coordinator, "When is it due?", TODAY + datetime.timedelta(days=14))
    submit(coordinator, "Add the action")
    expect(coordinator.locator("main")).to_contain_text("Reduce caseload to within the cap.")
    # A date in the future is refused on a page of its own, then the action is marked done.
    fill_date(coordinator, "When was action 1 done?", TODAY + relativedelta(years=1))
    coordinator.locator("main").get_by_role("button", name=re.compile("Mark as done")).click()
    pages.check(coordinator, heading="Mark the action as done", error=True)
    fill_date(coordinator, "When was it done?", TODAY)
    submit(coordinator, "Mark as done")
    expect(coordinator.locator("main .govuk-tag--green")).to_contain_text("Done")
    pages.check(coordinator, heading="Support plan")

    coordinator.locator("main").get_by_role("button", name="Close the plan").click()
    pages.check(coordinator, heading="Close the support plan")
    coordinator.get_by_label("How did the plan end?").fill("Back on track at the extra review.")
    submit(coordinator, "Close the plan")
    expect(coordinator.locator("main")).to_contain_text("Back on track at the extra review.")
    with tenant_context(employer_a.employer.pk):
        assert SupportPlan.objects.get().status == SupportPlan.Status.CLOSED
    pages.done()


# --- 4. The final recommendation, the panel, the outcome and the certificate ---------------------------


def test_the_panel_endorses_a_pass_and_the_registration_shows_it(
    transactional_db, live_server, new_context, sign_in, employer_a, national_staff
):
    # The year is done: reviews locked in order, observations complete, the agreement signed.
    registration = make_year_done(employer_a)
    pages = Pages()

    assessor = new_context().new_page()
    sign_in(assessor, live_server, employer_a.assessor)
    assessor.goto("/reviews/")
    assessor.get_by_role("link", name=re.compile("Write Ada Okafor's final recommendation")).click()
    pages.check(assessor, heading="Write the final recommendation")
    submit(assessor, "Save the recommendation")
    pages.check(assessor, heading="Write the final recommendation", error=True)
    assessor.get_by_label("Pass", exact=True).check()
    assessor.get_by_label("Summary of the evidence").fill("Three locked reviews show the PCF at ASYE level.")
    submit(assessor, "Save the recommendation")
    pages.check(assessor, heading="Final recommendation")
    submit(assessor, "Submit to the moderation panel")
    expect(assessor.locator(".govuk-notification-banner--success")).to_contain_text("submitted")

    coordinator = new_context().new_page()
    sign_in(coordinator, live_server, employer_a.coordinator)
    coordinator.goto("/reviews/panels/")
    pages.check(coordinator, heading="Internal moderation panel")
    coordinator.get_by_role("button", name="Set up a panel").click()
    pages.check(coordinator, heading="Set up a panel")
    submit(coordinator, "Set up the panel")
    pages.check(coordinator, heading="Set up a panel", error=True)
    fill_date(coordinator, "When does the panel meet?", TODAY)
    coordinator.get_by_label("Who chairs the panel?").fill("Dr Helen Adeyemi")
    submit(coordinator, "Set up the panel")
    pages.check(coordinator, heading=re.compile("Panel of"))
    coordinator.get_by_role("link", name="Change the chair").click()
    pages.check(coordinator, heading="Change the panel's details")
    coordinator.get_by_label("Who chairs the panel?").fill("Dr Helen Adeyemi, principal social worker")
    submit(coordinator, "Save the details")
    coordinator.locator("main").get_by_role("button", name="Add a member").click()
    pages.check(coordinator, heading="Add a panel member")
    coordinator.get_by_label("Name").fill("Mark Little")
    coordinator.get_by_label("Role").fill("Practice educator")
    submit(coordinator, "Add the member")
    coordinator.get_by_role("link", name=re.compile("Record the decision")).click()
    pages.check(coordinator, heading="Ada Okafor")
    coordinator.get_by_label("Refer back to the assessor").check()
    submit(coordinator, "Record the decision")
    pages.check(coordinator, heading="Ada Okafor", error=True)
    coordinator.get_by_label("Endorse the recommendation").check()
    submit(coordinator, "Record the decision")
    expect(coordinator.locator(".govuk-notification-banner--success")).to_contain_text("recorded as passed")
    pages.check(coordinator, heading=re.compile("Panel of"))

    with tenant_context(employer_a.employer.pk):
        registration = Registration.objects.get(pk=registration.pk)
        assert FinalRecommendation.objects.get().status == FinalRecommendation.Status.ENDORSED
    assert (registration.outcome, registration.status) == ("passed", "completed")
    coordinator.goto(f"/registrations/{registration.pk}/")
    expect(coordinator.locator("main")).to_contain_text("Outcome: Passed")

    nqsw = new_context().new_page()
    sign_in(nqsw, live_server, employer_a.nqsw)
    nqsw.goto(f"/reviews/registrations/{registration.pk}/")
    expect(nqsw.locator("main")).to_contain_text("Passed")
    pages.check(nqsw, heading="Reviews")
    with nqsw.expect_download() as download:
        nqsw.get_by_role("link", name="Download the completion certificate (PDF)").click()
    assert download.value.suggested_filename == "asye-completion-certificate-ada-okafor.pdf"

    # The outcomes page offers the funding years of the reference data, which every database has from its
    # migrations; an earlier transactional test's flush took them from this one.
    from tests.funding.helpers import load_funding_reference_data

    load_funding_reference_data()
    national = new_context().new_page()
    sign_in(national, live_server, national_staff)
    national.goto("/national/outcomes/")
    pages.check(national, heading="Review and final outcomes")
    expect(national.get_by_role("table", name=re.compile("Final outcomes by employer type"))).to_contain_text(
        "1"
    )
    pages.done()
