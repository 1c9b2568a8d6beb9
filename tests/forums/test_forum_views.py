"""The forums' pages, without JavaScript: an NQSW books, cancels, answers a poll and reads their CPD
record; organisers add a session (with GOV.UK errors for bad answers), record attendance and download
exports; employers' staff cannot open the organisers' pages; list pages send a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asye import clock
from asye.tenancy.db import system_national_context
from forums import national_services, services
from forums.models import ForumKind, QuestionKind, SessionSignup, SignupStatus
from tests.forums.helpers import acting, actor, forum, session

pytestmark = pytest.mark.django_db


def test_an_nqsw_books_cancels_and_sees_joining_details_only_with_a_place(client, login, employer_a):
    meeting = session(forum(name="National NQSW forum"), capacity=5)
    login(employer_a.nqsw)
    assert "National NQSW forum" in client.get("/forums/").content.decode()
    page = client.get(f"/forums/sessions/{meeting.pk}/").content.decode()
    assert "secret-room" not in page and "Book a place" in page
    assert client.get(f"/forums/sessions/{meeting.pk}/sign-up/").status_code == 200
    response = client.post(f"/forums/sessions/{meeting.pk}/sign-up/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "secret-room" in page and "Your place is booked" in page
    assert client.get(f"/forums/sessions/{meeting.pk}/cancel/").status_code == 200
    client.post(f"/forums/sessions/{meeting.pk}/cancel/")
    assert "secret-room" not in client.get(f"/forums/sessions/{meeting.pk}/").content.decode()


def test_a_refused_sign_up_is_said_on_the_page_never_a_500(client, login, employer_a):
    gems = forum(ForumKind.GEMS, name="GEMS")
    meeting = session(gems)
    login(employer_a.nqsw)
    response = client.post(f"/forums/sessions/{meeting.pk}/sign-up/")
    assert response.status_code == 200 and "Join GEMS first" in response.content.decode()
    response = client.post(f"/forums/{gems.slug}/join/", {})
    assert response.status_code == 200
    assert (
        "govuk-error-summary" in response.content.decode()
        and "Confirm that you identify" in response.content.decode()
    )
    assert client.post(f"/forums/{gems.slug}/join/", {"self_identified": "on"}).status_code == 302
    assert client.post(f"/forums/sessions/{meeting.pk}/sign-up/").status_code == 302


def test_poll_and_cpd_pages(client, login, employer_a, national_staff):
    meeting = session(forum(name="National NQSW forum"), days=1, duration_minutes=120)
    sam = actor(employer_a.nqsw, employer_a.employer)
    with acting(sam):
        signup = services.signup_create(actor=sam, session=meeting)
    with system_national_context():
        poll = national_services.poll_create(
            actor=actor(national_staff),
            session=meeting,
            title="Feedback on the session",
            questions=[{"text": "How useful was it?", "kind": QuestionKind.RATING}],
        )
    with system_national_context():
        question = poll.questions.get()
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        login(employer_a.nqsw)
        assert client.get(f"/forums/sessions/{meeting.pk}/poll/").status_code == 200
        bad = client.post(f"/forums/sessions/{meeting.pk}/poll/", {f"q{question.pk}": "9"})
        assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
        assert (
            client.post(f"/forums/sessions/{meeting.pk}/poll/", {f"q{question.pk}": "4"}).status_code == 302
        )
        with system_national_context():
            national_services.attendance_record(
                actor=actor(national_staff), session=meeting, attended={signup.pk}
            )
        cpd = client.get("/forums/my-cpd/").content.decode()
    assert "National NQSW forum" in cpd and "2.0 hours in all" in cpd


def test_organisers_add_a_session_with_gov_uk_errors_and_record_attendance(
    client, login, employer_a, national_staff
):
    nqsw_forum = forum(name="National NQSW forum")
    login(national_staff)
    assert client.get("/national/forums/").status_code == 200
    assert client.get(f"/national/forums/{nqsw_forum.slug}/sessions/new/").status_code == 200
    bad = client.post(
        f"/national/forums/{nqsw_forum.slug}/sessions/new/", {"topic": "", "start_time": "25:99"}
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in html
    assert (
        "Enter the topic" in html and "Enter the start time like 10:00" in html and "Enter the date" in html
    )
    day = clock.today() + datetime.timedelta(days=30)
    good = client.post(
        f"/national/forums/{nqsw_forum.slug}/sessions/new/",
        {
            "topic": "Trauma-informed supervision",
            "day_day": day.day,
            "day_month": day.month,
            "day_year": day.year,
            "start_time": "10:00",
            "capacity": "2",
            "joining_details": "https://meet.example/room",
        },
    )
    assert good.status_code == 302
    with system_national_context():
        made = nqsw_forum.sessions.get()
    assert made.duration_minutes == 120 and made.capacity == 2
    sam = actor(employer_a.nqsw, employer_a.employer)
    with acting(sam):
        signup = services.signup_create(actor=sam, session=made)
    with time_machine.travel(made.starts_at + datetime.timedelta(hours=1)):
        login(national_staff)  # the session signed in a month ago has expired
        page = client.get(f"/national/forums/sessions/{made.pk}/")
        assert page.status_code == 200 and "Record attendance" in page.content.decode()
        assert (
            client.post(f"/national/forums/sessions/{made.pk}/", {"attended": [str(signup.pk)]}).status_code
            == 302
        )
    with system_national_context():
        assert SessionSignup.objects.get(pk=signup.pk).attended is True
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "spreadsheetml")):
        response = client.get(f"/national/forums/{nqsw_forum.slug}/attendance.{fmt}")
        assert response.status_code == 200 and kind in response["Content-Type"]
        assert response["Content-Disposition"].startswith("attachment")
    assert client.get(f"/national/forums/{nqsw_forum.slug}/attendance.pdf").status_code == 404


def test_employer_staff_cannot_open_the_organisers_pages(client, login, employer_a):
    nqsw_forum = forum()
    meeting = session(nqsw_forum)
    login(employer_a.coordinator)
    for url in (
        "/national/forums/",
        f"/national/forums/{nqsw_forum.slug}/",
        f"/national/forums/sessions/{meeting.pk}/",
        f"/national/forums/{nqsw_forum.slug}/attendance.csv",
    ):
        assert client.get(url).status_code == 403, url


def test_the_coordinator_sees_counts_of_their_own_people_never_gems(client, login, employer_a, employer_b):
    open_forum, gems = (
        forum(ForumKind.DROP_IN, name="Co-ordinator drop-ins"),
        forum(ForumKind.GEMS, name="GEMS"),
    )
    for who, tenant in ((employer_a.coordinator, employer_a), (employer_b.coordinator, employer_b)):
        acting_as = actor(who, tenant.employer)
        with acting(acting_as):
            services.signup_create(actor=acting_as, session=session(open_forum))
    sam = actor(employer_a.nqsw, employer_a.employer)
    with acting(sam):
        services.membership_join(actor=sam, forum=gems, self_identified=True)
        services.signup_create(actor=sam, session=session(gems))
    login(employer_a.coordinator)
    html = client.get("/forums/your-people/").content.decode()
    assert "Co-ordinator drop-ins" in html and ">GEMS<" not in html
    assert employer_b.employer.name not in html


# --- query counts: the list pages send a fixed number of queries, whatever the number of rows --------

# Each 2 fewer since the session is read without a savepoint of its own (#14, asye.accounts.sessions).
PINS = {
    # (the page, who reads it): queries
    "/forums/": 18,
    "/forums/my-cpd/": 11,
    "/national/forums/": 13,
}


def _picture(employer_a, national_staff, n: int):
    forums = [forum(), forum(ForumKind.GEMS)]
    sam = actor(employer_a.nqsw, employer_a.employer)
    for index in range(n):
        meeting = session(forums[index % 2], days=5 + index)
        with system_national_context():
            SessionSignup.objects.create(
                session=meeting,
                person=employer_a.nqsw,
                employer=employer_a.employer,
                status=SignupStatus.BOOKED,
                signed_up_at=clock.now(),
                private=forums[index % 2].private,
            )
    return sam


@pytest.mark.parametrize("url", sorted(PINS))
def test_list_pages_send_a_fixed_number_of_queries(url, client, login, employer_a, national_staff):
    reader = national_staff if url.startswith("/national/") else employer_a.nqsw
    counts = []
    for n in (2, 6):
        _picture(employer_a, national_staff, n)
        login(reader)
        client.get(url)  # warm the caches (the header's unread count)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [PINS[url], PINS[url]], counts


def test_organisers_upload_a_handbook_that_people_of_the_forum_download(
    client, login, employer_a, national_staff, settings, tmp_path
):
    from tests.portfolios.samples import pdf_bytes, upload

    settings.MEDIA_ROOT = str(tmp_path / "media")
    course = forum(ForumKind.COURSE, name="Training for new ASYE co-ordinators", cohort_places=20)
    login(national_staff)
    url = f"/national/forums/{course.slug}/materials/new/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"title": "Handbook", "file": upload("handbook.pdf", b"MZ not a pdf")})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    linked = client.post(url, {"title": "Handbook", "url": "https://example.org/h"})
    assert linked.status_code == 302
    assert (
        client.post(url, {"title": "Handbook", "file": upload("handbook.pdf", pdf_bytes())}).status_code
        == 302
    )
    with system_national_context():
        material = course.materials.exclude(storage_name="").get()
    assert material.storage_name.startswith("national/forums/") and "handbook" not in material.storage_name
    login(employer_a.coordinator)
    assert "Handbook" in client.get(f"/forums/{course.slug}/").content.decode()
    response = client.get(f"/forums/materials/{material.pk}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # An NQSW is not in the course's audience: the file is "not found".
    login(employer_a.nqsw)
    assert client.get(f"/forums/materials/{material.pk}/").status_code == 404
