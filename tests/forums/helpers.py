"""Making forums, sessions and actors for the forums' tests (written in the system's national context, as
the organisers' pages and the demo write them)."""

from __future__ import annotations

import datetime
import itertools

from asye import clock
from asye.accounts.actor import build_actor
from asye.tenancy.db import system_national_context, tenant_settings
from forums.models import Forum, ForumKind, ForumSession

_slugs = itertools.count(1)


def actor(user, employer=None):
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=employer.pk if employer else None)


def forum(kind=ForumKind.NQSW_FORUM, **fields) -> Forum:
    defaults = {
        "name": f"Forum {next(_slugs)}",
        "summary": "A national forum.",
        "for_nqsws": kind in (ForumKind.NQSW_FORUM, ForumKind.GEMS),
        "for_assessors": kind == ForumKind.ASSESSORS,
        "for_coordinators": kind in (ForumKind.DROP_IN, ForumKind.COURSE),
        "self_identified": kind == ForumKind.GEMS,
        "created_at": clock.now(),
    }
    defaults.update(fields)
    defaults.setdefault("slug", f"forum-{next(_slugs)}")
    with system_national_context():
        return Forum.objects.create(kind=kind, **defaults)


def session(of: Forum, *, days: float = 10, capacity=None, **fields) -> ForumSession:
    with system_national_context():
        return ForumSession.objects.create(
            forum=of,
            topic=fields.pop("topic", "Professional identity"),
            starts_at=clock.now() + datetime.timedelta(days=days),
            duration_minutes=fields.pop("duration_minutes", 120),
            capacity=capacity,
            joining_details=fields.pop("joining_details", "https://meet.example/secret-room"),
            created_at=clock.now(),
            **fields,
        )


def acting(who):
    """The tenant settings of ``who``'s request (their employer, or none, and who they are), as the
    middleware sets them: what a page or service of theirs runs in."""
    return tenant_settings(employer_id=who.employer_id, user_id=who.user.pk)
