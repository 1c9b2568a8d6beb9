"""The forums in a real browser, at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA) on every page: an
NQSW finds a session, books a place (seeing the joining details only then), cancels, answers the feedback
poll and reads "My forums and CPD"; GEMS is joined by self-identification; organisers add and change a
course and add a session (each with the GOV.UK error summary first), record attendance and read the poll
results. Then the NQSW's booking again
with JavaScript off."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from asye import clock
from asye.tenancy.db import system_national_context
from forums import national_services, services
from forums.models import ForumKind, QuestionKind
from tests.browser.test_programme_pages import Pages, fill_date, submit
from tests.forums.helpers import acting, actor, forum, session

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_nqsw_books_cancels_joins_gems_and_reads_their_cpd(
    transactional_db, live_server, new_context, sign_in, employer_a, national_staff, width
):
    nqsw_forum = forum(name="National NQSW forum")
    gems = forum(ForumKind.GEMS, name="GEMS NQSW forum")
    meeting = session(nqsw_forum, days=14, capacity=20, topic="Professional identity")
    session(gems, days=21, topic="Being Othered")
    past = session(nqsw_forum, days=-7, topic="Working with neurodivergent NQSWs")
    sam = actor(employer_a.nqsw, employer_a.employer)
    with system_national_context():
        from forums.models import SessionSignup, SignupStatus

        signup = SessionSignup.objects.create(
            session=past,
            person=employer_a.nqsw,
            employer=employer_a.employer,
            status=SignupStatus.BOOKED,
            signed_up_at=clock.now() - datetime.timedelta(days=20),
        )
        national_services.attendance_record(actor=actor(national_staff), session=past, attended={signup.pk})
        national_services.poll_create(
            actor=actor(national_staff),
            session=past,
            title="Feedback on the session",
            questions=[
                {"text": "How useful was the session?", "kind": QuestionKind.RATING},
                {"text": "Would you come again?", "kind": QuestionKind.YES_NO},
                {"text": "Anything else?", "kind": QuestionKind.FREE_TEXT},
            ],
        )
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    pages = Pages()
    sign_in(page, live_server, employer_a.nqsw)

    page.goto("/")
    expect(page.get_by_role("link", name="National NQSW forum, ")).to_be_visible()
    page.goto("/forums/")
    pages.check(page, heading="Forums and training")
    page.get_by_role("link", name="National NQSW forum", exact=True).click()
    pages.check(page, heading="National NQSW forum")
    page.get_by_role("link", name="Professional identity").click()
    pages.check(page, heading="Professional identity")
    expect(page.get_by_text("https://meet.example/secret-room")).to_have_count(0)
    page.get_by_role("link", name="Book a place").click()
    pages.check(page, heading="Book a place")
    submit(page, "Book a place")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your place is booked")
    expect(page.get_by_text("https://meet.example/secret-room")).to_be_visible()
    pages.check(page, heading="Professional identity")
    page.get_by_role("link", name="Cancel your place").click()
    pages.check(page, heading="Are you sure you want to cancel your place?")
    submit(page, "Cancel my place")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your place has been cancelled"
    )

    # GEMS: joined by saying so; refused without.
    page.goto(f"/forums/{gems.slug}/")
    pages.check(page, heading="GEMS NQSW forum")
    page.locator("main").get_by_role("link", name="Join GEMS NQSW forum").click()
    pages.check(page, heading="Join GEMS NQSW forum")
    submit(page, "Join")
    pages.check(page, heading="Join GEMS NQSW forum", error=True)
    page.get_by_label("I identify as Black, Asian or from an ethnic minoritised group or community").check()
    submit(page, "Join")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have joined")

    # The poll of the session attended, then the CPD record.
    page.goto(f"/forums/sessions/{past.pk}/")
    pages.check(page, heading="Working with neurodivergent NQSWs")
    page.get_by_role("link", name="Answer the feedback poll").click()
    pages.check(page, heading="Feedback on the session")
    page.get_by_role("group", name="How useful was the session?").get_by_label("5 (most)").check()
    page.get_by_label("Anything else?").fill("Very helpful")
    submit(page, "Send your answers")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("without your name")
    page.goto("/forums/my-cpd/")
    pages.check(page, heading="My forums and CPD")
    expect(page.get_by_role("table")).to_contain_text("Working with neurodivergent NQSWs")
    assert meeting and sam
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_organisers_add_a_session_record_attendance_and_read_poll_results(
    transactional_db, live_server, new_context, sign_in, employer_a, national_staff, width
):
    nqsw_forum = forum(name="National NQSW forum")
    meeting = session(nqsw_forum, days=1, topic="Trauma-informed supervision")
    sam = actor(employer_a.nqsw, employer_a.employer)
    with acting(sam):
        services.signup_create(actor=sam, session=meeting)
    with system_national_context():
        poll = national_services.poll_create(
            actor=actor(national_staff),
            session=meeting,
            title="Feedback on the session",
            questions=[{"text": "How useful was the session?", "kind": QuestionKind.RATING}],
        )
        question = poll.questions.get()
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    pages = Pages()
    sign_in(page, live_server, national_staff)

    page.goto("/national/forums/")
    pages.check(page, heading="Organise forums")
    # A course, on the organisers' own page (not the admin site), then its details changed.
    page.get_by_role("link", name="Add a forum, course or action learning set").click()
    pages.check(page, heading="Add a forum, course or action learning set")
    submit(page, "Save")
    pages.check(page, heading="Add a forum, course or action learning set", error=True)
    page.get_by_label("Name", exact=True).fill("New co-ordinators' training")
    page.get_by_label("Course", exact=True).check()
    page.get_by_label("Summary").fill("Six sessions for co-ordinators new to the role.")
    page.get_by_label("ASYE co-ordinators").check()
    page.get_by_label("Places on the cohort (courses and action learning sets only)").fill("20")
    submit(page, "Save")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Forum saved")
    pages.check(page, heading="New co-ordinators' training")
    page.get_by_role("link", name="Change the forum's details").click()
    pages.check(page, heading="Change the forum's details")
    page.get_by_label("Places on the cohort (courses and action learning sets only)").fill("24")
    submit(page, "Save")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Forum saved")
    page.goto("/national/forums/")
    page.get_by_role("link", name="National NQSW forum").click()
    pages.check(page, heading="National NQSW forum")
    page.get_by_role("link", name="Add a session").click()
    pages.check(page, heading="Add a session")
    submit(page, "Add the session")
    pages.check(page, heading="Add a session", error=True)
    page.get_by_label("Topic").fill("Practice-based research")
    fill_date(page, "Date", clock.today() + datetime.timedelta(days=40))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Online joining details").fill("https://meet.example/research")
    submit(page, "Add the session")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Session added")
    pages.check(page, heading="Practice-based research")

    with time_machine.travel(meeting.starts_at + datetime.timedelta(hours=3)):
        with acting(sam):
            services.poll_answer(actor=sam, poll=poll, answers={question.pk: "4"})
        sign_in(page, live_server, national_staff)
        page.goto(f"/national/forums/sessions/{meeting.pk}/")
        pages.check(page, heading="Trauma-informed supervision")
        page.get_by_role("group", name="Who attended?").get_by_role("checkbox").first.check()
        submit(page, "Record attendance")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 attended")
        page.get_by_role("link", name="Feedback on the session: results").click()
        pages.check(page, heading="Feedback on the session")
        expect(page.get_by_text("average 4.0 out of 5")).to_be_visible()
    pages.done()


def test_booking_works_without_javascript(transactional_db, live_server, new_context, sign_in, employer_a):
    meeting = session(forum(name="National NQSW forum"), days=14, topic="Professional identity")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, employer_a.nqsw)
    page.goto(f"/forums/sessions/{meeting.pk}/")
    page.get_by_role("link", name="Book a place").click()
    submit(page, "Book a place")
    expect(page.get_by_text("https://meet.example/secret-room")).to_be_visible()
