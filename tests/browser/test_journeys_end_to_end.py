"""The platform's journeys end to end in a real browser (issue #19, item 1), each one story across roles.

1. the co-ordinator registers an NQSW and national staff approve the funding;
2. the NQSW uploads evidence and asks for feedback, given through the link by someone without an account;
3. the assessor signs each review in its window (the clock moved to each due date), the NQSW and the line
   manager sign too;
4. the panel endorses the outcome and the completion claim is paid on a statement (built by one member of
   national staff, authorised by another);
5. national staff make the annual report (a background job) and download the PDF;
6. an NQSW books a forum session from their invitation (the notification the daily scan sent);
7. an employer completes a 360 cycle (self-assessment, a respondent through the emailed link) and reads
   its report;
8. a reminder reaches its person once: the daily scan run twice, one notification and one email.

Every step drives the real pages: forms filled and submitted, links followed. Services are called only to
set up the world before a story starts, and the daily reminder scans are run as the scheduler runs them.
Every distinct page a story visits is checked with axe-core at 1280 px and again at 375 px (the viewport
resized in place), and the story fails on any serious or critical WCAG 2.2 A/AA violation.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from asye.tenancy.db import system_national_context, tenant_context
from funding.models import Claim, ClaimStatus
from programmes.models import FundingStatus, Registration
from tests.browser.support import format_violations, run_axe, submit
from tests.funding.helpers import load_funding_reference_data
from tests.today import TODAY

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
SERIOUS = ("serious", "critical")


class Story:
    """Check each distinct page of a story at both widths as it goes; fail at the end listing every
    page's problems, so one run shows them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: set[str] = set()

    def check(self, page: Page, *, heading: str | re.Pattern | None = None) -> None:
        if heading is not None:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        # The same page (its path, and whether it shows errors) is checked once per story.
        path = re.sub(r"\d+", "N", page.url.split("?")[0].split("#")[0])
        key = f"{path} error={page.title().startswith('Error: ')}"
        if key in self.seen:
            return
        self.seen.add(key)
        for size in (WIDE, PHONE):
            page.set_viewport_size(size)
            violations = [v for v in run_axe(page) if v.get("impact") in SERIOUS]
            if violations:
                self.problems.append(f"[{size['width']} px] " + format_violations(page.url, violations))
        page.set_viewport_size(WIDE)

    def done(self) -> None:
        assert self.seen, "the story checked no page"
        assert not self.problems, "\n\n".join(self.problems)


def fill_date(scope, legend: str, day: datetime.date) -> None:
    group = scope.get_by_role("group", name=legend)
    for label, value in zip(("Day", "Month", "Year"), (day.day, day.month, day.year), strict=True):
        group.get_by_label(label).fill(str(value))


def success(page: Page, text: str | re.Pattern) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


# --- 1. The co-ordinator registers an NQSW; national staff approve the funding ---------------------------


def test_coordinator_registers_an_nqsw_and_national_staff_approve_the_funding(
    transactional_db, live_server, new_context, sign_in, employer_a, national_staff
):
    load_funding_reference_data()
    story = Story()

    coordinator = new_context().new_page()
    sign_in(coordinator, live_server, employer_a.coordinator)
    coordinator.goto("/registrations/")
    story.check(coordinator, heading="Registrations")
    coordinator.get_by_role("button", name="Register an NQSW").click()
    story.check(coordinator, heading="Which service area will the NQSW work in?")
    coordinator.get_by_label("Adults").check()
    submit(coordinator, "Continue")
    story.check(coordinator, heading="What is the NQSW's name?")
    coordinator.get_by_label("First name").fill("Zara")
    coordinator.get_by_label("Last name").fill("Mensah")
    coordinator.get_by_label("Email address (optional)").fill("zara.mensah@example.org")
    submit(coordinator, "Continue")
    story.check(coordinator)
    coordinator.get_by_label("What is the NQSW's Social Work England number?").fill("SW654321")
    submit(coordinator, "Continue")
    story.check(coordinator)
    fill_date(coordinator, "When did the NQSW qualify?", TODAY - datetime.timedelta(days=120))
    submit(coordinator, "Continue")
    story.check(coordinator)
    fill_date(coordinator, "When does the NQSW start the programme?", TODAY)
    submit(coordinator, "Continue")
    story.check(coordinator)
    coordinator.get_by_label("How many hours a week is the NQSW contracted to work?").fill("37")
    submit(coordinator, "Continue")
    story.check(coordinator, heading="Check your answers before registering the NQSW")
    coordinator.get_by_role("button", name="Register the NQSW").click()
    story.check(coordinator, heading="NQSW registered")
    with tenant_context(employer_a.employer.pk):
        registration = Registration.objects.get(last_name="Mensah")
    assert registration.funding_status == FundingStatus.AWAITING_APPROVAL

    national = new_context().new_page()
    sign_in(national, live_server, national_staff)
    national.goto("/national/registrations/")
    story.check(national, heading="Registrations to review")
    national.get_by_role("link", name="Zara Mensah").click()
    story.check(national, heading="Zara Mensah")
    national.get_by_label("Yes, approve it for funding").check()
    submit(national, "Save decision")
    story.check(national)

    with system_national_context():
        registration.refresh_from_db()
        assert registration.funding_status == FundingStatus.APPROVED
        assert Claim.objects.filter(registration=registration, status=ClaimStatus.DRAFT).exists()

    # The co-ordinator sees the approval on the registration and the instalment to claim.
    coordinator.goto(f"/registrations/{registration.pk}/")
    story.check(coordinator, heading="Zara Mensah")
    expect(coordinator.locator("main")).to_contain_text(re.compile("approved", re.I))
    coordinator.goto("/funding/claims/?status=draft")
    expect(coordinator.get_by_role("link", name=re.compile("^Zara Mensah"))).to_be_visible()
    story.check(coordinator, heading="Claims")
    story.done()


# --- 2. The NQSW uploads evidence and asks for feedback, given through the link without an account ------

NOTES = b"Reflective log: what I saw, what I did and what I learned.\n"


@pytest.fixture
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_nqsw_uploads_evidence_and_feedback_comes_through_the_link(
    transactional_db, live_server, new_context, sign_in, employer_a, _media_in_tmp
):
    from portfolios.models import Evidence, FeedbackRequest
    from tests.portfolios.conftest import linked_registration

    load_funding_reference_data()
    registration = linked_registration(employer_a)
    story = Story()

    nqsw = new_context().new_page()
    sign_in(nqsw, live_server, employer_a.nqsw)
    nqsw.goto("/")
    nqsw.get_by_role("navigation", name="Menu").get_by_role("link", name="My programme").click()
    nqsw.get_by_role("navigation", name="My programme pages").get_by_role("link", name="Portfolio").click()
    story.check(nqsw, heading="Your portfolio")
    nqsw.get_by_role("link", name="Evidence of progression").click()
    story.check(nqsw, heading="Evidence of progression")
    nqsw.get_by_role("button", name="Add evidence").click()
    story.check(nqsw, heading="Add evidence")
    nqsw.get_by_label("Title").fill("Home visit after a referral")
    nqsw.get_by_label("The evidence").fill("A home visit with my practice supervisor after a referral.")
    nqsw.get_by_label("Add a file (optional)").set_input_files(
        files=[{"name": "visit-notes.txt", "mimeType": "text/plain", "buffer": NOTES}]
    )
    nqsw.get_by_role("group", name="Which PCF domains does it support?").get_by_label(
        "7. Intervention and skills", exact=True
    ).check()
    nqsw.get_by_label("Your critical reflection").fill("Naming the worry plainly helped the mother talk.")
    submit(nqsw, "Save as a draft")
    story.check(nqsw, heading="Home visit after a referral")
    expect(nqsw.get_by_role("link", name="visit-notes.txt", exact=True)).to_be_visible()
    nqsw.get_by_role("button", name="Share with your assessor").click()
    story.check(nqsw, heading="Check your evidence before you share it")
    submit(nqsw, "Share with your assessor")
    expect(nqsw.get_by_text("Evidence shared with your assessor")).to_be_visible()
    story.check(nqsw, heading="Home visit after a referral")
    with tenant_context(employer_a.employer.pk):
        evidence = Evidence.objects.get(portfolio__registration=registration)
        assert evidence.status == Evidence.Status.SHARED
        assert evidence.files.count() == 1

    # Feedback: the NQSW makes a link for someone without an account.
    nqsw.goto(f"/portfolio/{registration.pk}/feedback/")
    story.check(nqsw, heading=re.compile("^Feedback from people you work with"))
    nqsw.get_by_role("button", name="Ask for feedback").click()
    story.check(nqsw, heading="Ask for feedback")
    nqsw.get_by_label("A person who draws on care and support").check()
    nqsw.get_by_label("Their first name").fill("Maria")
    nqsw.get_by_label("What would you like feedback about?").fill("The meetings about your care plan")
    submit(nqsw, "Create the link")
    story.check(nqsw, heading="Feedback link created")
    link = nqsw.get_by_label("The link").input_value()

    person = new_context().new_page()
    person.goto(link)
    story.check(person, heading="Give feedback to Ada Okafor")
    expect(person.get_by_role("button", name="Sign out")).to_have_count(0)
    person.get_by_label("What went well?").fill("She explained the plan and listened to me")
    person.get_by_label("Some of the time").check()
    submit(person, "Send feedback")
    story.check(person, heading="Feedback sent")

    nqsw.goto(f"/portfolio/{registration.pk}/feedback/")
    expect(nqsw.get_by_role("table")).to_contain_text("Answered")
    nqsw.get_by_role("link", name="Maria").click()
    expect(nqsw.locator("main")).to_contain_text("She explained the plan and listened to me")
    story.check(nqsw, heading="Feedback from Maria")
    with tenant_context(employer_a.employer.pk):
        assert (
            FeedbackRequest.objects.get(portfolio__registration=registration).felt_listened_to == "sometimes"
        )
    story.done()


# --- 3. The assessor signs each review in its window; the NQSW and the line manager sign too ------------


def test_each_review_is_signed_in_its_window_by_assessor_nqsw_and_line_manager(
    transactional_db, live_server, new_context, sign_in, employer_a
):
    import time_machine

    from reviews.models import Review
    from tests.reviews.review_fixtures import due, make_registration, scheduled
    from tests.today import LONDON

    load_funding_reference_data()
    registration = make_registration(employer_a, start_date=TODAY)
    scheduled(employer_a, registration, 3)  # the coordinator's schedule of the year's reviews
    months = sorted(registration.framework_version.review_months)
    assert months, "the framework has review points"
    story = Story()

    for month in months:
        day = due(month, registration.start_date)
        name = f"{month}-month review"
        # Inside the review's window: on the day it is due.
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=LONDON), tick=True):
            assessor = new_context().new_page()
            sign_in(assessor, live_server, employer_a.assessor)
            assessor.goto("/reviews/")
            story.check(assessor, heading="Reviews")
            assessor.goto(f"/reviews/registrations/{registration.pk}/")
            story.check(assessor, heading="Reviews")
            assessor.locator("main").get_by_role("link", name=name, exact=True).click()
            story.check(assessor, heading=name)
            assessor.locator("main").get_by_role("button", name="Write the report").click()
            story.check(assessor, heading="Write the report")
            fill_date(assessor, "When was the review held?", day)
            assessor.get_by_label("Progress against the Professional Capabilities Framework (PCF)").fill(
                "Values and ethics are clear in her visits."
            )
            assessor.get_by_label("Progress against the post-qualifying standards").fill(
                "PQS 1 and 5 are well evidenced."
            )
            assessor.get_by_label("On track", exact=True).check()
            submit(assessor, "Save the report")
            success(assessor, "Your report has been saved")
            assessor.locator("main").get_by_role("button", name="Add a practice example").click()
            story.check(assessor, heading="Add a practice example")
            assessor.get_by_label("Practice example").fill(
                "At a home visit she listened to the mother first."
            )
            submit(assessor, "Add the example")
            assessor.locator("main").get_by_role("button", name="Check and sign").click()
            story.check(assessor, heading="Check and sign the review")
            submit(assessor, "Sign the review")
            success(assessor, "You have signed the review")
            story.check(assessor, heading=name)

            nqsw = new_context().new_page()
            sign_in(nqsw, live_server, employer_a.nqsw)
            nqsw.goto("/reviews/")
            story.check(nqsw, heading="Reviews")
            nqsw.get_by_role("link", name=re.compile(f"Your {name}")).click()
            nqsw.locator("main").get_by_role("button", name="Add your comments and sign").click()
            story.check(nqsw, heading="Add your comments and sign")
            nqsw.get_by_label("Your comments").fill("I agree. Supervision has helped me plan visits.")
            submit(nqsw, "Save and sign the review")
            success(nqsw, "You have signed the review")

            manager = new_context().new_page()
            sign_in(manager, live_server, employer_a.line_manager)
            manager.goto("/reviews/")
            story.check(manager, heading="Reviews")
            manager.get_by_role("link", name=re.compile(name)).first.click()
            manager.locator("main").get_by_role("button", name="Add your comments and sign").click()
            story.check(manager, heading="Add your comments and sign")
            manager.get_by_label("Your comments").fill("A fair picture; her caseload is within the cap.")
            submit(manager, "Save and sign the review")
            success(manager, "it is now locked")
            story.check(manager, heading=name)

        with tenant_context(employer_a.employer.pk):
            review = Review.objects.get(registration=registration, month=month, extra=False)
            assert review.status == Review.Status.LOCKED, (month, review.status)
    story.done()


# --- 4. The panel endorses the outcome; the completion claim is paid on a statement ---------------------


def test_panel_endorses_the_outcome_and_the_completion_claim_is_paid_on_a_statement(
    transactional_db, live_server, new_context, sign_in, employer_a, national_staff
):
    from funding.models import Instalment, PaymentStatement
    from reviews.models import FinalRecommendation
    from tests.funding.helpers import approve, checker_user, national_actor
    from tests.reviews.review_fixtures import make_year_done

    load_funding_reference_data()
    # The world before the story: a year done (reviews locked, the minimum record), approved for funding.
    registration = make_year_done(employer_a)
    approve(national_actor(national_staff), registration)
    story = Story()

    assessor = new_context().new_page()
    sign_in(assessor, live_server, employer_a.assessor)
    assessor.goto("/reviews/")
    story.check(assessor, heading="Reviews")
    assessor.get_by_role("link", name=re.compile("Write Ada Okafor's final recommendation")).click()
    story.check(assessor, heading="Write the final recommendation")
    assessor.get_by_label("Pass", exact=True).check()
    assessor.get_by_label("Summary of the evidence").fill("Three locked reviews show the PCF at ASYE level.")
    submit(assessor, "Save the recommendation")
    story.check(assessor, heading="Final recommendation")
    submit(assessor, "Submit to the moderation panel")
    success(assessor, "submitted")

    coordinator = new_context().new_page()
    sign_in(coordinator, live_server, employer_a.coordinator)
    coordinator.goto("/reviews/panels/")
    story.check(coordinator, heading="Internal moderation panel")
    coordinator.get_by_role("button", name="Set up a panel").click()
    story.check(coordinator, heading="Set up a panel")
    fill_date(coordinator, "When does the panel meet?", TODAY)
    coordinator.get_by_label("Who chairs the panel?").fill("Dr Helen Adeyemi")
    submit(coordinator, "Set up the panel")
    story.check(coordinator, heading=re.compile("Panel of"))
    coordinator.locator("main").get_by_role("button", name="Add a member").click()
    story.check(coordinator, heading="Add a panel member")
    coordinator.get_by_label("Name").fill("Mark Little")
    coordinator.get_by_label("Role").fill("Practice educator")
    submit(coordinator, "Add the member")
    coordinator.get_by_role("link", name=re.compile("Record the decision")).click()
    story.check(coordinator, heading="Ada Okafor")
    coordinator.get_by_label("Endorse the recommendation").check()
    submit(coordinator, "Record the decision")
    success(coordinator, "recorded as passed")
    with tenant_context(employer_a.employer.pk):
        assert FinalRecommendation.objects.get().status == FinalRecommendation.Status.ENDORSED
        completion = Claim.objects.get(registration_id=registration.pk, instalment=Instalment.COMPLETION)
    assert completion.status == ClaimStatus.DRAFT

    # The co-ordinator claims the completion instalment from its page.
    coordinator.goto("/funding/claims/?status=draft")
    story.check(coordinator, heading="Claims")
    coordinator.get_by_role("link", name=re.compile("^Ada Okafor.*completion", re.I)).click()
    story.check(coordinator, heading=re.compile("^Ada Okafor: completion instalment", re.I))
    coordinator.get_by_label(re.compile("^I confirm that the NQSW is registered")).check()
    submit(coordinator, "Submit claim")
    success(coordinator, "submitted")

    # National staff approve it, build the month's statement; a second person authorises it; it is paid.
    national = new_context().new_page()
    sign_in(national, live_server, national_staff)
    national.goto("/national/funding/")
    story.check(national, heading="Funding")
    national.get_by_role("link", name="Claims to approve").click()
    story.check(national, heading="Claims")
    national.get_by_role("link", name=re.compile(r"Ada Okafor$")).first.click()
    story.check(national, heading=re.compile("^Claim C"))
    national.get_by_label("Yes, approve it for payment").check()
    submit(national, "Save decision")
    success(national, "approved for payment")
    national.goto("/national/funding/statements/")
    story.check(national, heading="Payment statements")
    national.get_by_label("Which employer?").select_option(label=employer_a.employer.name)
    submit(national, "Build the statement")
    story.check(national, heading=re.compile("^Payment statement: "))
    statement_url = national.url

    checker = new_context().new_page()
    sign_in(checker, live_server, checker_user())
    checker.goto(statement_url)
    checker.get_by_role("button", name=re.compile("^Authorise the statement for")).click()
    success(checker, "can no longer change")
    story.check(checker, heading=re.compile("^Payment statement: "))

    national.goto(statement_url)
    fill_date(national, "When was it paid?", TODAY)
    national.get_by_label("Payment reference (optional)").fill("BACS-0042")
    submit(national, "Mark as paid")
    success(national, "paid")
    with system_national_context():
        statement = PaymentStatement.objects.get()
        assert statement.status == PaymentStatement.Status.PAID
        completion.refresh_from_db()
        assert completion.status == ClaimStatus.PAID
    story.done()


# --- 5. National staff make the annual report and download the PDF --------------------------------------


def test_national_staff_make_the_annual_report_and_download_the_pdf(
    transactional_db, live_server, new_context, sign_in, national_staff, reference_data
):
    from tests.reporting.helpers import load_picture

    with system_national_context():
        load_picture()  # the world before the story: employers and their registrations over the years
    story = Story()

    national = new_context().new_page()
    sign_in(national, live_server, national_staff)
    national.goto("/national/reports/")
    story.check(national, heading=re.compile("report", re.I))
    national.get_by_label("PDF document").check()
    # The job runs in the background (eagerly in tests, so within the request): its page, then the file.
    national.get_by_role("button", name="Make the report").click(timeout=90_000)
    national.wait_for_url("**/jobs/**", timeout=90_000)
    expect(national.get_by_role("heading", name="Your file is ready", level=1)).to_be_visible(timeout=60_000)
    story.check(national, heading="Your file is ready")
    with national.expect_download() as download:
        national.get_by_role("link", name=re.compile(r"^Download .*\.pdf$")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The run is kept on the reports page, with its download.
    national.goto("/national/reports/")
    expect(
        national.get_by_role("table", name=re.compile("Past runs")).get_by_role(
            "link", name=re.compile("^Download")
        )
    ).to_have_count(1)
    story.check(national)
    story.done()


# --- 6. An NQSW joins a forum session from their invitation ---------------------------------------------


def test_nqsw_joins_a_forum_session_from_their_invitation(
    transactional_db, live_server, new_context, sign_in, employer_a
):
    from asye import clock
    from asye.notifications import reminders
    from forums.models import SessionSignup, SignupStatus
    from tests.forums.helpers import forum, session

    nqsw_forum = forum(name="National NQSW forum")
    meeting = session(nqsw_forum, days=14, capacity=20, topic="Professional identity")
    # The day's national scan invites everyone the forum is for (the scheduler runs it).
    reminders.run_national(cadence=reminders.DAILY, today=clock.today())
    story = Story()

    nqsw = new_context().new_page()
    sign_in(nqsw, live_server, employer_a.nqsw)
    nqsw.goto("/")
    story.check(nqsw)
    nqsw.get_by_role("navigation", name="Account").get_by_role(
        "link", name=re.compile("^Notifications")
    ).click()
    story.check(nqsw, heading="Notifications")
    nqsw.get_by_role(
        "button", name=re.compile(r"Go to the page\W+You are invited to the National NQSW forum")
    ).click()
    expect(nqsw).to_have_url(re.compile(rf"/forums/sessions/{meeting.pk}/$"))
    story.check(nqsw, heading="Professional identity")
    expect(nqsw.get_by_text("https://meet.example/secret-room")).to_have_count(0)
    nqsw.get_by_role("link", name="Book a place").click()
    story.check(nqsw, heading="Book a place")
    submit(nqsw, "Book a place")
    success(nqsw, "Your place is booked")
    # Booked: the joining details are theirs now.
    expect(nqsw.get_by_text("https://meet.example/secret-room")).to_be_visible()
    story.check(nqsw, heading="Professional identity")
    nqsw.goto("/forums/my-cpd/")
    story.check(nqsw, heading="My forums and CPD")
    expect(nqsw.locator("main")).to_contain_text("Professional identity")
    with system_national_context():
        signup = SessionSignup.objects.get(session=meeting, person=employer_a.nqsw)
    assert signup.status == SignupStatus.BOOKED
    story.done()


# --- 8. A reminder reaches its person once ----------------------------------------------------------------


def test_a_reminder_reaches_its_person_once(transactional_db, live_server, new_context, sign_in, employer_a):
    from django.core import mail

    from asye.notifications import reminders
    from asye.notifications.models import Notification
    from reviews.models import Review
    from tests.reviews.review_fixtures import make_registration, scheduled, sign_as_assessor, write

    load_funding_reference_data()
    # The world before the story: the assessor signed the 3-month review; the NQSW has not.
    registration = make_registration(employer_a)
    review = write(employer_a, scheduled(employer_a, registration, 3))
    sign_as_assessor(employer_a, review)
    # Four days on, the daily scan runs, and runs again (a retry, a second worker): one reminder.
    later = TODAY + datetime.timedelta(days=4)
    mail.outbox.clear()
    first = reminders.run_all(cadence=reminders.DAILY, today=later)
    again = reminders.run_all(cadence=reminders.DAILY, today=later)
    assert first["sent"] >= 1 and again["sent"] == 0, (first, again)
    with system_national_context():
        mine = Notification.objects.filter(person=employer_a.nqsw, kind="review.signature_waiting")
        assert mine.count() == 1
    waiting = "Your 3-month review is waiting for your comments and signature"
    to_nqsw = [m for m in mail.outbox if employer_a.nqsw.email in m.to and waiting in m.body]
    assert len(to_nqsw) == 1, [m.subject for m in mail.outbox]
    story = Story()

    nqsw = new_context().new_page()
    sign_in(nqsw, live_server, employer_a.nqsw)
    nqsw.goto("/")
    account = nqsw.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name=re.compile(r"Notifications \d+ unread"))).to_be_visible()
    story.check(nqsw)
    account.get_by_role("link", name=re.compile("^Notifications")).click()
    story.check(nqsw, heading="Notifications")
    # One notification of it on the page, however many times the scan ran.
    expect(
        nqsw.get_by_role("button", name=re.compile(r"Go to the page\W+Your 3-month review"))
    ).to_have_count(1)
    nqsw.get_by_role("button", name=re.compile(r"Go to the page\W+Your 3-month review")).click()
    story.check(nqsw, heading="3-month review")
    nqsw.locator("main").get_by_role("button", name="Add your comments and sign").click()
    story.check(nqsw, heading="Add your comments and sign")
    nqsw.get_by_label("Your comments").fill("I agree with the report.")
    submit(nqsw, "Save and sign the review")
    success(nqsw, "You have signed the review")
    with tenant_context(employer_a.employer.pk):
        assert Review.objects.get(pk=review.pk).nqsw_signed_at is not None
    story.done()


# --- 7. An employer completes a 360 cycle and reads its report -------------------------------------------


def _link_emailed_to(to: str, pattern: str) -> str:
    """The link in the email to ``to`` (the live server is a thread of this process: its outbox is ours)."""
    import time

    from django.core import mail

    deadline = time.monotonic() + 10
    while True:
        for message in mail.outbox:
            if to in message.to and (match := re.search(pattern, message.body)):
                return match.group(0)
        assert time.monotonic() < deadline, f"no email to {to}; outbox: {[m.to for m in mail.outbox]}"
        time.sleep(0.1)


def test_employer_completes_a_360_cycle_and_reads_its_report(
    transactional_db, live_server, new_context, sign_in, employer_a
):
    from importlib import import_module

    from django.apps import apps as django_apps

    from evaluations.models import EvaluationCycle

    import_module("evaluations.migrations.0002_load_statements_and_national_figures").load(django_apps, None)
    story = Story()

    coordinator = new_context().new_page()
    sign_in(coordinator, live_server, employer_a.coordinator)
    coordinator.goto("/evaluation/")
    story.check(coordinator, heading="360-degree evaluation")
    coordinator.get_by_role("button", name="Open the evaluation for").click()
    story.check(coordinator, heading="When should the evaluation close?")
    fill_date(coordinator, "When should the evaluation close?", TODAY + datetime.timedelta(days=30))
    submit(coordinator, "Open the evaluation")
    story.check(coordinator, heading="360-degree evaluation")
    cycle_page = coordinator.url  # the cycle's own page, where it opened

    # The self-assessment, theme after theme, to the end.
    coordinator.get_by_role("link", name=re.compile("^Theme 1: ")).click()
    # The click returns before the theme's page has loaded: the loop below reads the page it is on.
    expect(coordinator.locator("input[type=radio][value='4']").first).to_be_visible()
    for _ in range(12):
        if coordinator.locator("input[type=radio][value='4']").count() == 0:
            break
        story.check(coordinator)
        for radio in coordinator.locator("input[type=radio][value='4']").all():
            radio.check()
        submit(coordinator, "Save and continue")
        coordinator.wait_for_load_state("load")
    coordinator.goto(cycle_page)

    # Invite someone, who answers through the link in their email without an account.
    coordinator.get_by_role("button", name="Invite people").click()
    story.check(coordinator, heading="Invite people to answer")
    coordinator.get_by_label("Other email addresses").fill("partner@university.example")
    coordinator.get_by_label("Others").check()
    submit(coordinator, "Send invitations")
    story.check(coordinator, heading="360-degree evaluation")
    link = _link_emailed_to("partner@university.example", r"https?://\S+/360/[^/\s]+/")

    respondent = new_context().new_page()
    respondent.goto(link)
    story.check(respondent, heading=f"Rate the ASYE programme at {employer_a.employer.name}")
    for radio in respondent.locator("input[type=radio][value='3']").all():
        radio.check()
    submit(respondent, "Send your answers")
    story.check(respondent, heading="Your answers have been sent")

    # Close the cycle and read the report.
    coordinator.goto("/evaluation/")
    coordinator.locator("main").get_by_role("link", name=re.compile("^View")).first.click()
    coordinator.get_by_role("link", name="Close the evaluation now").click()
    story.check(coordinator, heading="Close the evaluation now?")
    submit(coordinator, "Close the evaluation")
    story.check(coordinator, heading="360-degree evaluation")
    coordinator.get_by_role("link", name="See the report").click()
    story.check(coordinator, heading=re.compile("report$"))
    with system_national_context():
        cycle = EvaluationCycle.objects.get(employer=employer_a.employer)
        assert cycle.closed_on == TODAY
        # The respondent's answers, and the co-ordinator's own self-assessment.
        assert cycle.responses.filter(respondent_type="other").count() == 1
        assert cycle.responses.exclude(respondent_type="other").count() == 1
    story.done()
