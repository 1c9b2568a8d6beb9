"""Reads of the forums for the people who take part: which forums a person may join, the sessions with
their places, a session as the person may see it (joining details only with a place), their sign-ups
and CPD record, and an employer's counts of its own people (never GEMS).

Forums are national (no employer). Reads of the catalogue are plain queries (every signed-in person
reads it). Reads of national-only rows for one person (their GEMS or course membership, whether they
answered a poll) and the counts of places run in the system's national context and return only that
person's rows or numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.db import system_national_context
from forums.models import (
    Forum,
    ForumKind,
    ForumMaterial,
    ForumMembership,
    ForumSession,
    Poll,
    PollCompletion,
    SessionSignup,
    SignupStatus,
    audience_filter,
    taking_part_roles,
)


def forums_for(actor: Actor) -> QuerySet[Forum]:
    """The forums the actor may see: those for their roles; every forum for organisers."""
    if actor.is_national_staff:
        return Forum.objects.all()
    return Forum.objects.filter(audience_filter(taking_part_roles(actor)))


def forum_get(*, actor: Actor, slug: str) -> Forum:
    """One forum the actor may see; 404 whether missing or not for them."""
    forum = forums_for(actor).filter(slug=slug).first()
    if forum is None:
        raise Http404("No such forum")
    return forum


def memberships_of(actor: Actor) -> set[int]:
    """The forums the actor has joined (GEMS, a place on a course; not a course's waiting list): the
    national-only rows naming them, and no one else's."""
    if not actor.is_authenticated:
        return set()
    with system_national_context():
        return set(
            ForumMembership.objects.filter(
                person_id=actor.user.pk, left_at__isnull=True, waiting=False
            ).values_list("forum_id", flat=True)
        )


def booked_counts(session_ids: list[int]) -> dict[int, dict[str, int]]:
    """Places taken and people waiting per session: numbers only, counted across everyone."""
    counts = {pk: {"booked": 0, "waiting": 0} for pk in session_ids}
    if not session_ids:
        return counts
    with system_national_context():
        rows = (
            SessionSignup.objects.filter(session_id__in=session_ids)
            .exclude(status=SignupStatus.CANCELLED)
            .values_list("session_id", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for session_id, status, n in rows:
            counts[session_id][status] = n
    return counts


@dataclass
class SessionView:
    """A session as one person may see it. ``joining_details`` is empty unless they have a place or
    organise the forum, so a template cannot show it to anyone else."""

    session: ForumSession
    forum: Forum
    signup: SessionSignup | None
    booked: int
    waiting: int
    joining_details: str = ""
    materials: list[ForumMaterial] = field(default_factory=list)
    poll: Poll | None = None
    poll_answered: bool = False
    may_sign_up: bool = False
    why_not: str = ""

    @property
    def places_left(self) -> int | None:
        if self.session.capacity is None:
            return None
        return max(self.session.capacity - self.booked, 0)

    @property
    def is_past(self) -> bool:
        return self.session.starts_at <= clock.now()

    @property
    def has_place(self) -> bool:
        return self.signup is not None and self.signup.status == SignupStatus.BOOKED

    @property
    def is_waiting(self) -> bool:
        return self.signup is not None and self.signup.status == SignupStatus.WAITING

    @property
    def may_answer_poll(self) -> bool:
        return bool(self.poll and self.is_past and self.has_place and not self.poll_answered)


def sign_up_refusal(*, actor: Actor, forum: Forum, session: ForumSession, joined: set[int]) -> str:
    """Why the actor may not sign up to the session ("" if they may)."""
    if session.cancelled_at:
        return "This session has been cancelled."
    if session.starts_at <= clock.now():
        return "This session has already started."
    if not Forum.objects.filter(audience_filter(taking_part_roles(actor)), pk=forum.pk).exists():
        return "This forum is not open to your role."
    if forum.has_membership and forum.pk not in joined:
        if forum.kind == ForumKind.GEMS:
            return "Join GEMS first to sign up to its sessions."
        return "Sessions of a course are for the people enrolled on it."
    return ""


def session_get(*, actor: Actor, pk: int) -> ForumSession:
    """One session of a forum the actor may see; 404 otherwise."""
    session = ForumSession.objects.select_related("forum").filter(forum__in=forums_for(actor), pk=pk).first()
    if session is None:
        raise Http404("No such session")
    return session


def session_view(*, actor: Actor, session: ForumSession) -> SessionView:
    """Everything the session's page shows the actor."""
    signup = SessionSignup.objects.filter(session=session, person_id=actor.user.pk).first()
    counts = booked_counts([session.pk])[session.pk]
    joined = memberships_of(actor)
    poll = Poll.objects.filter(session=session).first()
    answered = False
    if poll is not None:
        with system_national_context():
            answered = PollCompletion.objects.filter(poll=poll, person_id=actor.user.pk).exists()
    view = SessionView(
        session=session,
        forum=session.forum,
        signup=signup if signup and signup.status != SignupStatus.CANCELLED else None,
        booked=counts["booked"],
        waiting=counts["waiting"],
        materials=list(ForumMaterial.objects.filter(session=session)),
        poll=poll,
        poll_answered=answered,
    )
    if view.has_place or actor.is_national_staff:
        view.joining_details = session.joining_details
    view.why_not = sign_up_refusal(actor=actor, forum=session.forum, session=session, joined=joined)
    view.may_sign_up = not view.why_not and view.signup is None
    return view


@dataclass
class ForumListItem:
    forum: Forum
    next_sessions: list[ForumSession]
    joined: bool


def forum_list(*, actor: Actor, upcoming: int = 2) -> list[ForumListItem]:
    """The forums for the actor with their next sessions: three queries, however many forums."""
    forums = list(forums_for(actor).order_by("kind", "name"))
    sessions = ForumSession.objects.filter(
        forum__in=[f.pk for f in forums], starts_at__gt=clock.now(), cancelled_at__isnull=True
    ).order_by("starts_at", "id")
    by_forum: dict[int, list[ForumSession]] = {}
    for session in sessions:
        by_forum.setdefault(session.forum_id, []).append(session)
    joined = memberships_of(actor)
    return [ForumListItem(f, by_forum.get(f.pk, [])[:upcoming], f.pk in joined) for f in forums]


def forum_sessions(*, forum: Forum) -> tuple[list[ForumSession], list[ForumSession]]:
    """A forum's upcoming (soonest first) and past (latest first) sessions."""
    now = clock.now()
    sessions = list(ForumSession.objects.filter(forum=forum).order_by("starts_at", "id"))
    return [s for s in sessions if s.starts_at > now], [s for s in reversed(sessions) if s.starts_at <= now]


def my_signups(*, actor: Actor) -> QuerySet[SessionSignup]:
    """The actor's own sign-ups (every employer they came from), soonest first."""
    return (
        SessionSignup.objects.filter(person_id=actor.user.pk)
        .exclude(status=SignupStatus.CANCELLED)
        .select_related("session", "session__forum")
        .order_by("session__starts_at", "id")
    )


@dataclass
class CpdRecord:
    attended: list[SessionSignup]
    upcoming: list[SessionSignup]

    @property
    def total_hours(self) -> float:
        return round(sum(s.session.duration_minutes for s in self.attended) / 60, 2)


def cpd_record(*, actor: Actor) -> CpdRecord:
    """The actor's forums and CPD: sessions attended (with hours) and places booked still to come."""
    now = clock.now()
    signups = list(my_signups(actor=actor))
    attended = [s for s in signups if s.attended]
    upcoming = [s for s in signups if s.session.starts_at > now and not s.session.cancelled_at]
    return CpdRecord(
        attended=sorted(attended, key=lambda s: s.session.starts_at, reverse=True), upcoming=upcoming
    )


def invitations_for(
    *, actor: Actor, today: datetime.date | None = None, limit: int = 3
) -> list[ForumSession]:
    """The next sessions of the open forums for the actor's roles that they have not signed up to: what
    the home page invites them to. Forums joined once (GEMS, courses) are not listed here: GEMS is told
    about privately in its own section."""
    forums = Forum.objects.filter(audience_filter(taking_part_roles(actor)), self_identified=False).exclude(
        kind__in=[ForumKind.COURSE, ForumKind.ACTION_LEARNING]
    )
    mine = SessionSignup.objects.filter(person_id=actor.user.pk).values("session_id")
    return list(
        ForumSession.objects.filter(forum__in=forums, starts_at__gt=clock.now(), cancelled_at__isnull=True)
        .exclude(pk__in=mine)
        .select_related("forum")
        .order_by("starts_at", "id")[:limit]
    )


@dataclass(frozen=True)
class EmployerForumCount:
    forum: str
    booked: int
    attended: int


def employer_attendance_counts(*, actor: Actor) -> list[EmployerForumCount]:
    """For a co-ordinator: how many of their employer's people booked and attended each forum. Private
    forums (GEMS) are never counted: the row-level security policy hides their sign-ups as well."""
    actor.require(Role.COORDINATOR)
    rows = (
        SessionSignup.objects.filter(employer_id=actor.employer_id, private=False)
        .exclude(status=SignupStatus.CANCELLED)
        .values("session__forum__name")
        .annotate(
            booked=Count("id", filter=Q(status=SignupStatus.BOOKED)),
            attended=Count("id", filter=Q(attended=True)),
        )
        .order_by("session__forum__name")
    )
    return [EmployerForumCount(r["session__forum__name"], r["booked"], r["attended"]) for r in rows]
