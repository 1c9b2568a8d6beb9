"""Invitations from day one and reminders: the home page lists the next sessions at once; the national
scans send each invitation, the private GEMS notice and the day-before reminder once, with no employer
on the notification; nothing is inferred from recorded ethnicity."""

from __future__ import annotations

import datetime

import pytest

from asye import clock
from asye.notifications import reminders
from asye.notifications.models import Notification
from asye.tenancy.db import system_national_context, tenant_context
from forums import services
from forums.models import ForumKind, ForumNoticeSent
from tests.forums.helpers import acting, actor, forum, session

pytestmark = pytest.mark.django_db


def _notifications(kind):
    with system_national_context():
        return list(Notification.objects.filter(kind=kind).order_by("person_id"))


def test_a_new_nqsw_is_invited_once_and_told_about_gems_once(employer_a, employer_b):
    nqsw_forum, gems, assessors = forum(), forum(ForumKind.GEMS), forum(ForumKind.ASSESSORS)
    for each in (nqsw_forum, gems, assessors):
        session(each, days=20)
    first = reminders.run_national(cadence=reminders.DAILY, today=clock.today())
    again = reminders.run_national(cadence=reminders.DAILY, today=clock.today())
    assert first["sent"] > 0 and again["sent"] == 0 and again["skipped_already_sent"] == first["sent"]

    invited = _notifications("forums.invited")
    by_person = {(n.person_id, n.message.split(".")[0]) for n in invited}
    assert (employer_a.nqsw.pk, f"You are invited to the {nqsw_forum.name}") in by_person
    assert (employer_b.assessor.pk, f"You are invited to the {assessors.name}") in by_person
    assert all(n.employer_id is None for n in invited)
    gems_told = _notifications("forums.gems_notice")
    assert [n.person_id for n in gems_told] == sorted([employer_a.nqsw.pk, employer_b.nqsw.pk])
    assert all(n.employer_id is None for n in gems_told)
    # Neither the notifications nor the sent-log are readable in an employer's tenant context.
    with tenant_context(employer_a.employer.pk):
        assert not Notification.objects.filter(kind__startswith="forums.").exists()
        assert ForumNoticeSent.objects.count() == 0


def test_the_home_page_lists_the_invitations_from_the_first_day(client, login, employer_a):
    nqsw_forum, gems = forum(), forum(ForumKind.GEMS)
    upcoming = session(nqsw_forum, days=20, topic="Working with neurodivergent NQSWs")
    session(nqsw_forum, days=-20, topic="A session that has passed")
    login(employer_a.nqsw)
    html = client.get("/").content.decode()
    assert upcoming.topic in html and "A session that has passed" not in html
    assert gems.name in html and "only you and the organisers will know" in html
    # Booked: no longer an invitation.
    sam = actor(employer_a.nqsw, employer_a.employer)
    with acting(sam):
        services.signup_create(actor=sam, session=upcoming)
    assert upcoming.topic not in client.get("/").content.decode()


def test_reminders_go_the_day_before_to_people_with_a_place_once(employer_a):
    tomorrow = clock.now().replace(hour=10) + datetime.timedelta(days=1)
    meeting = session(forum(), days=0)
    with system_national_context():
        type(meeting).objects.filter(pk=meeting.pk).update(starts_at=tomorrow)
        meeting.refresh_from_db()
    sam = actor(employer_a.nqsw, employer_a.employer)
    with acting(sam):
        services.signup_create(actor=sam, session=meeting)
    for _ in range(2):
        reminders.run_national(cadence=reminders.DAILY, today=clock.today())
    sent = _notifications("forums.session_reminder")
    assert [n.person_id for n in sent] == [employer_a.nqsw.pk]


def test_the_forums_never_read_equality_data():
    """GEMS membership is only ever self-identified (tests/equality/test_separation.py checks imports);
    this checks the forums' own source names nothing of it either."""
    import pathlib

    for path in pathlib.Path("forums").rglob("*.py"):
        text = path.read_text()
        assert "equality" not in text.replace("equality monitoring", ""), path
        assert "ethnic_group" not in text, path
