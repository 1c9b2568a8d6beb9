"""Feedback polls: answered once, anonymously, by people who had a place; results per session and per
forum; the GEMS poll of March 2024 reproduced with the seed's percentages; exports neutralise formulas."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter

import pytest
import time_machine
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from asye import clock
from asye.tenancy.db import system_national_context, tenant_context
from asye.web.table_files import table_csv, table_xlsx
from forums import exports, national_selectors, national_services, services
from forums.models import PollAnswer, PollCompletion, PollResponse, QuestionKind
from tests.factories import person
from tests.forums.helpers import acting, actor, forum, session

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"text": "How useful was the session?", "kind": QuestionKind.RATING},
    {"text": "Would you come again?", "kind": QuestionKind.YES_NO},
    {"text": "How many sessions have you attended?", "kind": QuestionKind.CHOICE, "options": ["One", "Two"]},
    {"text": "Anything else?", "kind": QuestionKind.FREE_TEXT},
]


def _polled(national_staff, people):
    meeting = session(forum(), days=1)
    for who in people:
        with acting(who):
            services.signup_create(actor=who, session=meeting)
    with system_national_context():
        poll = national_services.poll_create(
            actor=actor(national_staff), session=meeting, title="Feedback", questions=QUESTIONS
        )
    return meeting, poll


def _answer(who, poll, answers):
    with acting(who):
        services.poll_answer(actor=who, poll=poll, answers=answers)


def test_answers_are_stored_apart_from_who_answered_and_only_once(employer_a, employer_b, national_staff):
    sam, kim = actor(employer_a.nqsw, employer_a.employer), actor(employer_b.nqsw, employer_b.employer)
    _, poll = _polled(national_staff, [sam, kim])
    with system_national_context():
        q = {question.text: question.pk for question in poll.questions.all()}
    with pytest.raises(ValidationError, match="opens when the session starts"):
        _answer(sam, poll, {q["How useful was the session?"]: "5"})
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        _answer(sam, poll, {q["How useful was the session?"]: "5", q["Anything else?"]: "=HYPERLINK(evil)"})
        _answer(kim, poll, {q["How useful was the session?"]: "2", q["Would you come again?"]: "no"})
        with pytest.raises(ValidationError, match="already answered"):
            _answer(sam, poll, {q["How useful was the session?"]: "1"})
        outsider = actor(person(role="nqsw", employer=employer_a.employer), employer_a.employer)
        with pytest.raises(ValidationError, match="had a place"):
            _answer(outsider, poll, {q["How useful was the session?"]: "1"})
    with system_national_context():
        assert PollResponse.objects.filter(poll=poll).count() == 2
        assert PollCompletion.objects.filter(poll=poll).count() == 2
        # No column of a response or an answer names a person or a time of day.
        for model in (PollResponse, PollAnswer):
            names = {f.name for f in model._meta.concrete_fields}
            assert not names & {"person", "employer", "created_at", "submitted_at"}
        results = national_selectors.poll_results(actor=actor(national_staff), poll=poll)
    rating = results.questions[0]
    assert rating.answered == 2 and rating.average == 3.5
    assert [(label, n) for label, n, _ in rating.counts] == [("5", 1), ("4", 0), ("3", 0), ("2", 1), ("1", 0)]
    assert results.questions[1].counts == [("Yes", 0, 0), ("No", 1, 100)]
    assert results.questions[3].texts == ["=HYPERLINK(evil)"]
    # Nothing of it is readable in an employer's tenant context.
    with tenant_context(employer_a.employer.pk):
        assert (
            PollAnswer.objects.count() == PollResponse.objects.count() == PollCompletion.objects.count() == 0
        )

    table = exports.poll_table(results)
    rows = list(csv.reader(io.StringIO(table_csv(None, table).decode("utf-8-sig"))))
    assert ["Anything else?", "'=HYPERLINK(evil)", "", "", ""] in rows
    sheet = load_workbook(io.BytesIO(table_xlsx("Poll", None, table))).active
    assert "'=HYPERLINK(evil)" in [cell.value for row in sheet.iter_rows() for cell in row]


def test_forum_results_combine_every_sessions_poll(employer_a, national_staff):
    sam = actor(employer_a.nqsw, employer_a.employer)
    first = _polled(national_staff, [sam])
    second_session = session(first[0].forum, days=1)
    with acting(sam):
        services.signup_create(actor=sam, session=second_session)
    with system_national_context():
        second = national_services.poll_create(
            actor=actor(national_staff), session=second_session, title="Feedback", questions=QUESTIONS
        )
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        for poll, rating in ((first[1], "4"), (second, "2")):
            with system_national_context():
                question = poll.questions.get(position=1)
            _answer(sam, poll, {question.pk: rating})
    with system_national_context():
        results = national_selectors.forum_poll_results(actor=actor(national_staff), forum=first[0].forum)
    assert results.responses == 2 and results.questions[0].average == 3.0


def test_the_gems_poll_of_march_2024_gives_the_seeds_percentages(employer_a):
    """Appendix 1 of the seed's annual report, l.770-802, reproduced by the demo as 65 responses."""
    from forums.demo import GEMS_POLL, GEMS_RESPONSES, _gems_poll

    gems = forum("gems")
    meeting = session(gems, days=-30)
    with system_national_context():
        _gems_poll(session=meeting, people=[employer_a.nqsw.pk])
        poll = meeting.poll
        staff = person(role="national_staff", email="organiser@skillsforcare.example")
        results = national_selectors.poll_results(actor=actor(staff), poll=poll)
    assert results.responses == GEMS_RESPONSES == 65
    assert [r.question.text for r in results.questions] == [text for text, *_ in GEMS_POLL]
    percentages = [{label: p for label, _, p in r.counts} for r in results.questions]
    assert percentages[0] == {"Yes": 85, "No": 15}
    assert percentages[1] == {"One": 60, "Two": 20, "Three": 12, "All four": 8}
    assert percentages[2] == {"5": 54, "4": 32, "3": 8, "2": 3, "1": 3}
    assert percentages[3] == {"5": 75, "4": 11, "3": 12, "2": 0, "1": 2}
    assert percentages[4] == {"Yes": 94, "No": 6}
    # Q4: "1 out of 65" answered 1.
    assert dict((label, n) for label, n, _ in results.questions[3].counts)["1"] == 1
    assert Counter(r.answered for r in results.questions) == Counter({65: 5})


def test_attendance_export_neutralises_formulas(employer_a, national_staff):
    from asye.accounts.models import User

    with system_national_context():
        User.objects.filter(pk=employer_a.nqsw.pk).update(full_name="=cmd|' /C calc'!A0")
    sam = actor(employer_a.nqsw, employer_a.employer)
    meeting = session(forum(), days=1)
    with acting(sam):
        services.signup_create(actor=sam, session=meeting)
    with system_national_context():
        rows = exports.attendance_table(national_selectors.attendance_rows(actor=actor(national_staff)))
    content = table_csv(exports.ATTENDANCE_COLUMNS, rows).decode("utf-8-sig")
    assert "'=cmd" in content and "\n=cmd" not in content and ",=cmd" not in content
    assert "Alphashire County Council" in content and "Not recorded" in content
