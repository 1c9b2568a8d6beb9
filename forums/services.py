"""Writes of the people who take part: signing up to a session and cancelling (with the waiting list's
promotion), joining and leaving GEMS or a course, and answering a session's feedback poll.

Places are counted across everyone and a promotion changes another person's row, so these run in the
system's national context once the service has checked the actor; what they hand back is the actor's own
row. Their audit events carry no employer (forums are national: an employer's trail must not show who
joined GEMS).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import audit_record
from asye.tenancy.db import system_national_context
from forums.cohort_services import cohort_fill, places_taken
from forums.models import (
    Forum,
    ForumKind,
    ForumMembership,
    ForumSession,
    Poll,
    PollAnswer,
    PollCompletion,
    PollQuestion,
    PollResponse,
    QuestionKind,
    SessionSignup,
    SignupStatus,
    audience_filter,
    taking_part_roles,
)
from forums.notices import notice_send, session_notice
from forums.selectors import memberships_of, sign_up_refusal

SELF_IDENTIFY_MISSING = "Confirm that you identify as Black, Asian or from an ethnic minoritised group"


def _booked(session: ForumSession) -> int:
    return SessionSignup.objects.filter(session=session, status=SignupStatus.BOOKED).count()


def _locked(session: ForumSession) -> ForumSession:
    """The session's row, locked until the transaction ends: sign-ups and cancellations of one session
    happen one at a time, so the last place is never given twice."""
    return ForumSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def signup_create(*, actor: Actor, session: ForumSession) -> SessionSignup:
    """Book a place at the session, or a place on its waiting list when it is full. A second call
    changes nothing."""
    if not actor.is_authenticated:
        raise ValidationError("Sign in to book a place.")
    forum = session.forum
    refusal = sign_up_refusal(actor=actor, forum=forum, session=session, joined=memberships_of(actor))
    if refusal:
        raise ValidationError(refusal)
    with system_national_context():
        session = _locked(session)
        signup = SessionSignup.objects.filter(session=session, person_id=actor.user.pk).first()
        if signup and signup.status != SignupStatus.CANCELLED:
            return signup
        full = session.capacity is not None and _booked(session) >= session.capacity
        status = SignupStatus.WAITING if full else SignupStatus.BOOKED
        fields = {
            "employer_id": actor.employer_id,
            "private": forum.private,
            "status": status,
            "signed_up_at": clock.now(),
            "cancelled_at": None,
            "promoted_at": None,
        }
        if signup:
            SessionSignup.objects.filter(pk=signup.pk).update(**fields)
        else:
            signup = SessionSignup.objects.create(session=session, person_id=actor.user.pk, **fields)
        audit_record(
            actor=actor,
            obj=session,
            employer_id=None,
            action="forums.signed_up",
            changes={"status": status},
        )
        return SessionSignup.objects.get(pk=signup.pk)


@transaction.atomic
def signup_cancel(*, actor: Actor, session: ForumSession) -> SessionSignup | None:
    """Give up a place (or a place on the waiting list). If a place is freed, the first person waiting
    gets it and is told. Nothing to do if the actor had no place."""
    if session.starts_at <= clock.now():
        raise ValidationError("This session has already started: it is too late to cancel.")
    with system_national_context():
        session = _locked(session)
        signup = (
            SessionSignup.objects.filter(session=session, person_id=actor.user.pk)
            .exclude(status=SignupStatus.CANCELLED)
            .first()
        )
        if signup is None:
            return None
        freed = signup.status == SignupStatus.BOOKED
        SessionSignup.objects.filter(pk=signup.pk).update(
            status=SignupStatus.CANCELLED, cancelled_at=clock.now()
        )
        audit_record(actor=actor, obj=session, employer_id=None, action="forums.cancelled")
        if freed:
            waiting_promote(session=session)
        return SessionSignup.objects.get(pk=signup.pk)


def waiting_promote(*, session: ForumSession) -> list[SessionSignup]:
    """Give free places to the people waiting longest, and tell each (in the caller's national context,
    with the session locked)."""
    promoted = []
    while session.capacity is None or _booked(session) < session.capacity:
        first = (
            SessionSignup.objects.filter(session=session, status=SignupStatus.WAITING)
            .select_related("person")
            .order_by("signed_up_at", "id")
            .first()
        )
        if first is None:
            break
        SessionSignup.objects.filter(pk=first.pk).update(status=SignupStatus.BOOKED, promoted_at=clock.now())
        notice_send(
            person=first.person,
            kind="forums.promoted",
            key=f"signup:{first.pk}:{clock.now().isoformat()}",
            **session_notice(session, "A place is now yours at"),
        )
        promoted.append(first)
    return promoted


@transaction.atomic
def membership_join(*, actor: Actor, forum: Forum, self_identified: bool = False) -> ForumMembership:
    """Join GEMS (the person says they belong to the group: nothing else is read) or take a place on a
    course or action learning set (places permitting; the person then has a place at each of its sessions
    still to come)."""
    if not forum.has_membership:
        raise ValidationError("This forum has no membership: sign up to its sessions.")
    if not _in_audience(actor, forum):
        raise ValidationError("This forum is not open to your role.")
    if forum.self_identified and not self_identified:
        raise ValidationError({"self_identified": SELF_IDENTIFY_MISSING})
    with system_national_context():
        Forum.objects.select_for_update().get(pk=forum.pk)
        current = ForumMembership.objects.filter(
            forum=forum, person_id=actor.user.pk, left_at__isnull=True
        ).first()
        if current:
            return current
        if forum.cohort_places is not None and places_taken(forum) >= forum.cohort_places:
            raise ValidationError("All the places on this course are taken.")
        membership = ForumMembership.objects.create(
            forum=forum, person_id=actor.user.pk, joined_at=clock.now()
        )
        audit_record(actor=actor, obj=forum, employer_id=None, action="forums.joined")
    if forum.kind in (ForumKind.COURSE, ForumKind.ACTION_LEARNING):
        for session in ForumSession.objects.filter(
            forum=forum, starts_at__gt=clock.now(), cancelled_at__isnull=True
        ):
            signup_create(actor=actor, session=session)
    return membership


def _in_audience(actor: Actor, forum: Forum) -> bool:
    return Forum.objects.filter(audience_filter(taking_part_roles(actor)), pk=forum.pk).exists()


@transaction.atomic
def membership_leave(*, actor: Actor, forum: Forum) -> None:
    """Leave GEMS or a course: places still to come are given up (and offered to those waiting), and a
    place on the cohort goes to the person on its waiting list longest."""
    with system_national_context():
        Forum.objects.select_for_update().get(pk=forum.pk)
        leaving = ForumMembership.objects.filter(forum=forum, person_id=actor.user.pk, left_at__isnull=True)
        had_place = leaving.filter(waiting=False).exists()
        if leaving.update(left_at=clock.now()):
            audit_record(actor=actor, obj=forum, employer_id=None, action="forums.left")
        if had_place:
            cohort_fill(actor=None, forum=forum)
    upcoming = SessionSignup.objects.filter(
        person_id=actor.user.pk, session__forum=forum, session__starts_at__gt=clock.now()
    ).exclude(status=SignupStatus.CANCELLED)
    for signup in upcoming.select_related("session"):
        signup_cancel(actor=actor, session=signup.session)


def poll_answer_fields(question: PollQuestion, value) -> dict | None:
    """The answer's columns, or None when the question was left unanswered (every question is optional).
    The demo's GEMS poll stores its answers through it too."""
    if value in (None, ""):
        return None
    if question.kind == QuestionKind.RATING:
        return {"rating": int(value)}
    if question.kind == QuestionKind.YES_NO:
        return {"yes": value in (True, "yes")}
    if question.kind == QuestionKind.CHOICE:
        if value not in question.options:
            raise ValidationError({f"q{question.pk}": "Choose one of the options"})
        return {"choice": value}
    return {"text": str(value).strip()[:5000]}


@transaction.atomic
def poll_answer(*, actor: Actor, poll: Poll, answers: dict[int, object]) -> None:
    """Answer a session's poll, once, anonymously: the answers are stored with no person and no time of
    day; that the person has answered is stored apart, with nothing of what they said."""
    session = poll.session
    if session.starts_at > clock.now():
        raise ValidationError("The poll opens when the session starts.")
    if poll.closes_on and clock.today() > poll.closes_on:
        raise ValidationError("This poll has closed.")
    had_place = SessionSignup.objects.filter(
        session=session, person_id=actor.user.pk, status=SignupStatus.BOOKED
    ).exists()
    if not had_place:
        raise ValidationError("Only people who had a place at the session answer its poll.")
    questions = list(PollQuestion.objects.filter(poll=poll))
    rows = []
    for question in questions:
        fields = poll_answer_fields(question, answers.get(question.pk))
        if fields is not None:
            rows.append((question, fields))
    if not rows:
        raise ValidationError("Answer at least one question")
    with system_national_context():
        _, created = PollCompletion.objects.get_or_create(poll=poll, person_id=actor.user.pk)
        if not created:
            raise ValidationError("You have already answered this poll. Thank you.")
        response = PollResponse.objects.create(poll=poll, submitted_on=clock.today())
        PollAnswer.objects.bulk_create(
            PollAnswer(response=response, question=question, **fields) for question, fields in rows
        )
        # The event says a poll was answered, not by whom: the trail would otherwise pair person and time.
        audit_record(actor=None, obj=poll, employer_id=None, action="forums.poll_answered")
