"""The forums' national endpoints: attendance per session and poll results per session and per forum,
the organisers' figures, read with a national API token; no person (attendee, GEMS member, free-text
writer) in any answer; bad filters are 400 problems."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine

from asye import clock
from asye.tenancy.db import system_national_context
from forums import national_selectors, national_services, services
from forums.models import ForumKind, SessionSignup
from tests.api.national_helpers import bearer, national_token
from tests.factories import person
from tests.forums.helpers import acting, actor, forum, session
from tests.forums.test_forum_polls import QUESTIONS
from tests.today import TODAY

pytestmark = pytest.mark.django_db

ATTENDANCE = "/api/v1/national/forum-attendance/"
POLLS = "/api/v1/national/poll-results/"
FORUM_POLLS = "/api/v1/national/forum-poll-results/"


def _reporting_year(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


@pytest.fixture
def forums_with_figures(employer_a, employer_b, national_staff):
    """An NQSW forum session three people booked (two attended, one did not), with a poll two answered
    (one with free text); a GEMS session one member booked; a session a year earlier."""
    organiser = actor(national_staff)
    nqsw_forum = forum(slug="nqsw-forum-test", name="NQSW forum (test)")
    gems = forum(ForumKind.GEMS, slug="gems-test", name="GEMS (test)")
    meeting = session(nqsw_forum, days=1, capacity=10)
    gems_meeting = session(gems, days=1)
    people = [
        actor(employer_a.nqsw, employer_a.employer),
        actor(employer_b.nqsw, employer_b.employer),
        actor(
            person(role="nqsw", employer=employer_a.employer, email="third.nqsw@a.example"),
            employer_a.employer,
        ),
    ]
    for who in people:
        with acting(who):
            services.signup_create(actor=who, session=meeting)
    with acting(people[0]):
        services.membership_join(actor=people[0], forum=gems, self_identified=True)
        services.signup_create(actor=people[0], session=gems_meeting)
    with system_national_context():
        poll = national_services.poll_create(
            actor=organiser, session=meeting, title="Feedback", questions=QUESTIONS
        )
        questions = {q.position: q.pk for q in poll.questions.all()}
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        with system_national_context():
            places = list(
                SessionSignup.objects.filter(session=meeting).order_by("id").values_list("pk", flat=True)
            )
            national_services.attendance_record(actor=organiser, session=meeting, attended=set(places[:2]))
        with acting(people[0]):
            services.poll_answer(
                actor=people[0],
                poll=poll,
                answers={questions[1]: "5", questions[2]: "yes", questions[4]: "Sam's idea"},
            )
        with acting(people[1]):
            services.poll_answer(actor=people[1], poll=poll, answers={questions[1]: "2", questions[3]: "Two"})
    earlier = session(nqsw_forum, days=-400, topic="A year ago")
    return {
        "forum": nqsw_forum,
        "gems": gems,
        "meeting": meeting,
        "gems_meeting": gems_meeting,
        "earlier": earlier,
        "poll": poll,
        "people": people,
    }


def _no_person_in(body, people, national_staff):
    text = json.dumps(body)
    for who in [*people, actor(national_staff)]:
        assert who.user.email not in text and who.user.full_name not in text
    assert "Sam's idea" not in text  # free text stays on the organisers' pages
    for key in ("person", "email", "members", "member", "signups", "texts"):
        assert f'"{key}"' not in text


def test_attendance_per_session_as_the_organisers_see_it(client, login, national_staff, forums_with_figures):
    figures = forums_with_figures
    secret = national_token(client, login, national_staff)
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        response = client.get(ATTENDANCE, {"forum": "nqsw-forum-test"}, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    by_id = {row["id"]: row for row in body["results"]}
    assert set(by_id) == {figures["meeting"].pk, figures["earlier"].pk}
    row = by_id[figures["meeting"].pk]
    assert (row["signed_up"], row["waiting"], row["attended"], row["attendance_recorded"]) == (3, 0, 2, True)
    assert (row["forum"], row["capacity"], row["duration_minutes"], row["cancelled"]) == (
        "nqsw-forum-test",
        10,
        120,
        False,
    )
    assert by_id[figures["earlier"].pk]["attendance_recorded"] is False
    # The same numbers as the organisers' own selector.
    with system_national_context():
        page = national_selectors.sessions_national(actor=actor(national_staff), forum=figures["forum"])
        assert {(s.pk, s.n_booked, s.n_attended) for s in page} == {
            (r["id"], r["signed_up"], r["attended"]) for r in body["results"]
        }
    _no_person_in(body, figures["people"], national_staff)

    # GEMS: numbers only, nobody named.
    gems = client.get(ATTENDANCE, {"forum": "gems-test"}, **bearer(secret)).json()
    assert [(r["id"], r["signed_up"]) for r in gems["results"]] == [(figures["gems_meeting"].pk, 1)]
    _no_person_in(gems, figures["people"], national_staff)

    # A year: the reporting year (1 April to 31 March) the session starts in.
    this_year = _reporting_year(figures["meeting"].starts_at.date())
    rows = client.get(ATTENDANCE, {"year": this_year, "forum": "nqsw-forum-test"}, **bearer(secret)).json()[
        "results"
    ]
    assert [r["id"] for r in rows] == [figures["meeting"].pk]
    earlier_year = _reporting_year(figures["earlier"].starts_at.date())
    rows = client.get(ATTENDANCE, {"year": earlier_year}, **bearer(secret)).json()["results"]
    assert [r["id"] for r in rows] == [figures["earlier"].pk]


def test_poll_results_per_session_and_per_forum(client, login, national_staff, forums_with_figures):
    figures = forums_with_figures
    secret = national_token(client, login, national_staff)
    body = client.get(POLLS, **bearer(secret)).json()
    assert [r["id"] for r in body["results"]] == [figures["meeting"].pk]
    results = body["results"][0]["results"]
    assert results["responses"] == 2
    rating, yes_no, choice, text = results["questions"]
    assert (rating["answered"], rating["average"]) == (2, 3.5)
    assert [(c["answer"], c["count"], c["percent"]) for c in rating["counts"]] == [
        ("5", 1, 50),
        ("4", 0, 0),
        ("3", 0, 0),
        ("2", 1, 50),
        ("1", 0, 0),
    ]
    assert [(c["answer"], c["count"]) for c in yes_no["counts"]] == [("Yes", 1), ("No", 0)]
    assert [(c["answer"], c["count"]) for c in choice["counts"]] == [("One", 0), ("Two", 1)]
    assert (text["kind"], text["answered"], text["counts"]) == ("free_text", 1, [])
    _no_person_in(body, figures["people"], national_staff)

    forums = client.get(FORUM_POLLS, **bearer(secret)).json()
    assert [r["forum"] for r in forums["results"]] == ["nqsw-forum-test"]
    with system_national_context():
        page = national_selectors.forum_poll_results(actor=actor(national_staff), forum=figures["forum"])
    assert forums["results"][0]["results"]["responses"] == page.responses == 2
    assert forums["results"][0]["results"]["questions"][0]["average"] == page.questions[0].average
    _no_person_in(forums, figures["people"], national_staff)
    assert client.get(POLLS, {"year": _reporting_year(TODAY) - 3}, **bearer(secret)).json()["count"] == 0


@pytest.mark.parametrize(
    "url, params, field",
    [
        (ATTENDANCE, {"forum": "no-such-forum"}, "forum"),
        (ATTENDANCE, {"year": "20x6"}, "year"),
        (ATTENDANCE, {"year": "99999999999999999999"}, "year"),
        (ATTENDANCE, {"page_size": "0"}, "page_size"),
        (POLLS, {"year": "-1"}, "year"),
        (FORUM_POLLS, {"forum": ""}, "forum"),
    ],
)
def test_bad_filters_are_problem_details_not_500(client, login, national_staff, url, params, field):
    secret = national_token(client, login, national_staff)
    response = client.get(url, params, **bearer(secret))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]
