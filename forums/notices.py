"""Forum notices sent once: invitations, the private GEMS notice, a place given from the waiting list and
the day-before reminders. Each goes through the forums' own sent-log (``ForumNoticeSent``, national only)
and the notification centre with no employer, so no employer's request can read who was told about a
GEMS session. Call inside the system's national context (the scans and the services do)."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from asye import clock
from asye.notifications.reminders import Due
from asye.notifications.services import notify
from forums.models import ForumSession


def notice_claim(*, person_id: int, kind: str, key: str) -> bool:
    """Write the sent-log's row; False if this person already had this notice."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO forums_forumnoticesent (person_id, kind, key, sent_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING RETURNING id",
            [person_id, kind, key[:100], clock.now()],
        )
        return cursor.fetchone() is not None


def due_key(due: Due) -> str:
    """The sent-log's key of a scan's reminder: its subject and due date."""
    return f"{type(due.about).__name__.lower()}:{due.about.pk}:{due.due_on.isoformat()}"


def due_claim(due: Due) -> bool:
    """The national scans' ``claim`` (asye.notifications.reminders.Scan)."""
    return notice_claim(person_id=due.person.pk, kind=due.kind, key=due_key(due))


def notice_send(*, person, kind: str, key: str, message: str, link: str = "") -> bool:
    """Tell ``person`` once (by kind and key), in the notification centre and by email as they chose."""
    if not notice_claim(person_id=person.pk, kind=kind, key=key):
        return False
    notify(person=person, employer_id=None, kind=kind, message=message, link=link)
    return True


def session_notice(session: ForumSession, opening: str) -> dict[str, str]:
    """The message and link of a notice about one session (a place given, a cancellation, the day-before
    reminder): ``opening``, then "{forum}, {when}: {topic}.", linking to the session's page."""
    return {
        "message": f"{opening} {session.forum.name}, {session.when}: {session.topic}.",
        "link": reverse("forums:session", args=[session.pk]),
    }
