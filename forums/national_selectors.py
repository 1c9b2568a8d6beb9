"""Reads of the forums' organisers (national staff), inside the audited national scope: every forum's
sessions with their numbers, a session's sign-ups for recording attendance, and poll results per session
and per forum.

Poll results are counts, percentages and averages per question; free text is listed without any link to
a person or to the other answers of the same response (shuffled into a fixed order by text), and only
to organisers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from forums.models import (
    Forum,
    ForumSession,
    Poll,
    PollAnswer,
    PollQuestion,
    PollResponse,
    QuestionKind,
    SessionSignup,
    SignupStatus,
)


def sessions_national(*, actor: Actor, forum: Forum | None = None) -> QuerySet[ForumSession]:
    """Every session (of one forum), latest first, with its numbers: one query."""
    actor.require(Role.NATIONAL_STAFF)
    sessions = ForumSession.objects.select_related("forum")
    if forum is not None:
        sessions = sessions.filter(forum=forum)
    return sessions.annotate(
        n_booked=Count("signups", filter=Q(signups__status=SignupStatus.BOOKED)),
        n_waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITING)),
        n_attended=Count("signups", filter=Q(signups__attended=True)),
    ).order_by("-starts_at", "-id")


def session_get_national(*, actor: Actor, pk: int) -> ForumSession:
    actor.require(Role.NATIONAL_STAFF)
    session = ForumSession.objects.select_related("forum").filter(pk=pk).first()
    if session is None:
        raise Http404("No such session")
    return session


def forum_get_national(*, actor: Actor, slug: str) -> Forum:
    actor.require(Role.NATIONAL_STAFF)
    forum = Forum.objects.filter(slug=slug).first()
    if forum is None:
        raise Http404("No such forum")
    return forum


def session_signups_national(*, actor: Actor, session: ForumSession) -> QuerySet[SessionSignup]:
    """The session's places and waiting list, in the order they were taken, with each person's employer."""
    actor.require(Role.NATIONAL_STAFF)
    return (
        SessionSignup.objects.filter(session=session)
        .exclude(status=SignupStatus.CANCELLED)
        .select_related("person", "employer")
        .order_by("status", "signed_up_at", "id")
    )


@dataclass
class QuestionResult:
    question: PollQuestion
    answered: int
    # (label, count, percentage) in the scale's or the list's order.
    counts: list[tuple[str, int, int]] = field(default_factory=list)
    average: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class PollResults:
    title: str
    responses: int
    questions: list[QuestionResult]


def _percent(n: int, total: int) -> int:
    return round(100 * n / total) if total else 0


def results_for(*, polls: list[Poll], with_text: bool) -> list[QuestionResult]:
    """Results of one poll, or of several polls that share their questions (a forum's sessions), matched
    by position. Free text only ``with_text`` (organisers)."""
    questions = list(PollQuestion.objects.filter(poll__in=polls).order_by("position", "id"))
    by_position: dict[int, list[PollQuestion]] = {}
    for question in questions:
        by_position.setdefault(question.position, []).append(question)
    results = []
    for position in sorted(by_position):
        group = by_position[position]
        first = group[0]
        answers = PollAnswer.objects.filter(question__in=group)
        result = QuestionResult(question=first, answered=answers.count())
        if first.kind == QuestionKind.RATING:
            tally = dict(answers.values_list("rating").annotate(n=Count("id")).order_by())
            result.counts = [
                (str(r), tally.get(r, 0), _percent(tally.get(r, 0), result.answered)) for r in (5, 4, 3, 2, 1)
            ]
            average = answers.aggregate(a=Avg("rating"))["a"]
            result.average = round(average, 2) if average is not None else None
        elif first.kind == QuestionKind.YES_NO:
            tally = dict(answers.values_list("yes").annotate(n=Count("id")).order_by())
            result.counts = [
                (label, tally.get(value, 0), _percent(tally.get(value, 0), result.answered))
                for label, value in (("Yes", True), ("No", False))
            ]
        elif first.kind == QuestionKind.CHOICE:
            tally = dict(answers.values_list("choice").annotate(n=Count("id")).order_by())
            result.counts = [
                (o, tally.get(o, 0), _percent(tally.get(o, 0), result.answered)) for o in first.options
            ]
        elif with_text:
            result.texts = sorted(answers.exclude(text="").values_list("text", flat=True))
        results.append(result)
    return results


def poll_results(*, actor: Actor, poll: Poll) -> PollResults:
    actor.require(Role.NATIONAL_STAFF)
    responses = PollResponse.objects.filter(poll=poll).count()
    return PollResults(poll.title, responses, results_for(polls=[poll], with_text=True))


def forum_poll_results(*, actor: Actor, forum: Forum) -> PollResults:
    """Every poll of the forum's sessions together, question by question (by position)."""
    actor.require(Role.NATIONAL_STAFF)
    polls = list(Poll.objects.filter(session__forum=forum))
    responses = PollResponse.objects.filter(poll__in=polls).count()
    return PollResults(f"All polls of {forum.name}", responses, results_for(polls=polls, with_text=True))


def attendance_rows(*, actor: Actor, forum: Forum | None = None):
    """Attendance for export: one row per place booked (forum, session, date, hours, person, employer,
    attended). GEMS rows are included: the export is for organisers only."""
    actor.require(Role.NATIONAL_STAFF)
    signups = SessionSignup.objects.filter(status=SignupStatus.BOOKED)
    if forum is not None:
        signups = signups.filter(session__forum=forum)
    return signups.order_by("session__starts_at", "session_id", "person__full_name", "id").values_list(
        "session__forum__name",
        "session__topic",
        "session__starts_at",
        "session__duration_minutes",
        "person__full_name",
        "person__email",
        "employer__name",
        "attended",
    )
