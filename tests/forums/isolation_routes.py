"""The forums' routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py).

Forums and sessions belong to no employer: they are national. The boundary these pages keep is the
audience: a forum (and its sessions, materials and poll) for NQSWs is a 404 to anyone who has never been
an NQSW, as for one that does not exist, whatever the method, and nothing changes. ``make`` returns an
NQSW forum's object that employer B's NQSW has a place at; employer A's co-ordinator asks for it."""

from __future__ import annotations

from asye import clock
from asye.tenancy.db import system_national_context
from forums.models import ForumKind, ForumMaterial, Poll, SessionSignup, SignupStatus
from tests.forums.helpers import forum, session
from tests.isolation_support import ObjectRoute


def make_forum(employer_b, unscoped):
    return forum(ForumKind.NQSW_FORUM)


def make_gems(employer_b, unscoped):
    return forum(ForumKind.GEMS)


def make_session(employer_b, unscoped):
    made = session(forum(ForumKind.NQSW_FORUM))
    with system_national_context():
        SessionSignup.objects.create(
            session=made,
            person=employer_b.nqsw,
            employer=employer_b.employer,
            status=SignupStatus.BOOKED,
            signed_up_at=clock.now(),
        )
    return made


def make_polled_session(employer_b, unscoped):
    made = make_session(employer_b, unscoped)
    with system_national_context():
        Poll.objects.create(session=made, title="Feedback", created_at=clock.now())
    return made


def make_material(employer_b, unscoped):
    made = make_session(employer_b, unscoped)
    with system_national_context():
        return ForumMaterial.objects.create(
            forum=made.forum,
            session=made,
            title="Slides",
            storage_name="national/forums/slides",
            content_type="application/pdf",
            original_name="slides.pdf",
            created_at=clock.now(),
            created_by=employer_b.nqsw,
        )


SLUG = {"kwargs": lambda obj: {"slug": obj.slug}, "missing": lambda: {"slug": "no-such-forum"}}

OBJECT_ROUTES: dict[str, ObjectRoute] = {
    "forums:forum": ObjectRoute(make_forum, **SLUG),
    "forums:join": ObjectRoute(make_gems, **SLUG),
    "forums:leave": ObjectRoute(make_gems, **SLUG),
    "forums:session": ObjectRoute(make_session),
    "forums:sign_up": ObjectRoute(make_session),
    "forums:cancel": ObjectRoute(make_session),
    "forums:poll": ObjectRoute(make_polled_session),
    "forums:material": ObjectRoute(make_material),
    "api:forum-session-detail": ObjectRoute(make_session),
    "api:forum-session-sign-up": ObjectRoute(make_session),
    "api:forum-session-cancel": ObjectRoute(make_session),
}

# National staff only: anyone else gets 403 before any object is read (tests/forums/test_forum_views.py).
EXEMPT: dict[str, str] = {
    name: "national"
    for name in (
        "national_forums:forum",
        "national_forums:forum_change",
        "national_forums:session",
        "national_forums:session_cancel",
        "national_forums:session_add",
        "national_forums:material_add",
        "national_forums:poll_add",
        "national_forums:poll_results",
        "national_forums:poll_export",
        "national_forums:forum_results",
        "national_forums:attendance_export",
        "national_forums:cohort",
        "national_forums:cohort_withdraw",
    )
}
