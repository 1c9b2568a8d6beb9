"""The forums' national scans (asye.notifications.reminders, ``national=True``): run once a day in the
system's national context, each notice sent once through the forums' own sent-log (``ForumNoticeSent``)
with no employer on the notification, so no employer reads who was told about GEMS.

- ``forums.invitations``: everyone an open forum is for (NQSWs of its service area, assessors,
  co-ordinators) is invited to it once, with its next session, from the day they join the platform
  (their home page lists the sessions at once; this is the notification and email).
- ``forums.gems_notice``: every NQSW is told once, privately, that GEMS exists and that they may join
  by saying they belong to it. Nobody's recorded ethnicity is read: this goes to every NQSW.
- ``forums.session_reminders``: the day before a session, everyone with a place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from asye import clock
from asye.accounts.models import Membership, Role, User
from asye.notifications.reminders import DAILY, Due, Scan
from forums.models import Forum, ForumKind, ForumSession, SessionSignup, SignupStatus
from forums.notices import due_claim, notice_claim, session_notice
from programmes.models import Registration

OPEN_KINDS = (ForumKind.NQSW_FORUM, ForumKind.ASSESSORS, ForumKind.DROP_IN)
ROLE_OF = (("for_nqsws", Role.NQSW), ("for_assessors", Role.ASSESSOR), ("for_coordinators", Role.COORDINATOR))


def _people(forum: Forum, person_id: int | None = None) -> Iterator[User]:
    """The active people a forum is for, now (only ``person_id`` if given); NQSWs only of its service area
    when it has one."""
    roles = [role for flag, role in ROLE_OF if getattr(forum, flag)]
    condition = Q(role__in=[role for role in roles if role != Role.NQSW])
    if Role.NQSW in roles:
        nqsws = Q(role=Role.NQSW)
        if forum.service_area:
            # An NQSW's area is their registration's; assessors and co-ordinators are invited whatever it is.
            in_area = Registration.objects.filter(
                framework_version__framework__service_area=forum.service_area
            )
            nqsws &= Q(user_id__in=in_area.values("nqsw_id"))
        condition |= nqsws
    memberships = Membership.objects.active().filter(condition)
    if person_id is not None:
        memberships = memberships.filter(user_id=person_id)
    ids = {m.user_id for m in memberships}
    return iter(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def find_invitations(*, today: datetime.date, person_id: int | None = None) -> Iterator[Due]:
    now = clock.now()
    for forum in Forum.objects.filter(kind__in=OPEN_KINDS, self_identified=False).order_by("pk"):
        session = (
            ForumSession.objects.filter(forum=forum, starts_at__gt=now, cancelled_at__isnull=True)
            .order_by("starts_at")
            .first()
        )
        if session is None:
            continue
        for person in _people(forum, person_id):
            yield Due(
                person=person,
                kind="forums.invited",
                about=forum,
                due_on=today,
                message=f"You are invited to the {forum.name}. Next: {session.when}, {session.topic}.",
                link=reverse("forums:session", args=[session.pk]),
            )


def invitation_claim(due: Due) -> bool:
    """Once per person and forum, whatever the day."""
    return notice_claim(person_id=due.person.pk, kind=due.kind, key=f"forum:{due.about.pk}")


def find_gems_notices(*, today: datetime.date, person_id: int | None = None) -> Iterator[Due]:
    gems = Forum.objects.filter(kind=ForumKind.GEMS).order_by("pk").first()
    if gems is None:
        return
    ids = Membership.objects.active().filter(role=Role.NQSW).values("user_id")
    if person_id is not None:
        ids = ids.filter(user_id=person_id)
    for person in User.objects.filter(pk__in=ids, is_active=True).order_by("pk"):
        yield Due(
            person=person,
            kind="forums.gems_notice",
            about=gems,
            due_on=today,
            message=(
                f"{gems.name} is a national forum for NQSWs who identify as Black, Asian or from ethnic "
                "minoritised groups and communities. You can join by saying so yourself: only you and "
                "the organisers will know."
            ),
            link=reverse("forums:forum", args=[gems.slug]),
        )


def find_session_reminders(*, today: datetime.date) -> Iterator[Due]:
    tomorrow = today + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    signups = (
        SessionSignup.objects.filter(
            status=SignupStatus.BOOKED,
            session__cancelled_at__isnull=True,
            session__starts_at__gte=start,
            session__starts_at__lt=start + datetime.timedelta(days=1),
        )
        .select_related("person", "session", "session__forum")
        .order_by("session_id", "person_id")
    )
    for signup in signups:
        session = signup.session
        yield Due(
            person=signup.person,
            kind="forums.session_reminder",
            about=session,
            due_on=tomorrow,
            **session_notice(session, "Tomorrow:"),
        )


SCANS = [
    Scan(
        name="forums.invitations",
        cadence=DAILY,
        description="Invites everyone an open national forum is for (NQSWs from their first day, assessors, "
        "co-ordinators) once, with its next session.",
        find=find_invitations,
        national=True,
        claim=invitation_claim,
    ),
    Scan(
        name="forums.gems_notice",
        cadence=DAILY,
        description="Tells every NQSW once, privately, that GEMS exists and that they may join by saying so.",
        find=find_gems_notices,
        national=True,
        claim=invitation_claim,
    ),
    Scan(
        name="forums.session_reminders",
        cadence=DAILY,
        description="Reminds everyone with a place the day before a forum session.",
        find=find_session_reminders,
        national=True,
        claim=due_claim,
    ),
]
