"""A newly registered NQSW hears of their forums in the same flow as accepting their invitation (on
commit, through the notifications), not at the next morning's national scan, and the scan never sends the
same notice again. Other roles than those the forums are for hear nothing."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from asye import clock
from asye.accounts.models import Role, User
from asye.notifications import reminders
from asye.notifications.models import Notification
from asye.tenancy.db import system_national_context
from forums.models import ForumKind
from tests.forums.helpers import forum, session

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-pass-phrase-42"


def _register(client, login, coordinator, capture, *, email: str, role: str) -> User:
    login(coordinator)
    with capture(execute=True):
        response = client.post(
            reverse("accounts:invite"), {"full_name": "Nia New", "email": email, "role": role}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    secret = re.search(r"https?://\S+/invitations/(\S+)/", mail.outbox[-1].body).group(1)
    client.logout()
    with capture(execute=True):
        response = client.post(
            reverse("accounts:accept_invitation", args=[secret]),
            {"full_name": "Nia New", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    return User.objects.get(email=email)


def _told(person: User) -> list[str]:
    with system_national_context():
        return sorted(Notification.objects.filter(person=person).values_list("kind", flat=True))


def test_a_new_nqsw_is_invited_at_once_and_the_daily_scan_does_not_repeat_it(
    client, login, employer_a, django_capture_on_commit_callbacks
):
    nqsw_forum, gems = forum(), forum(ForumKind.GEMS)
    upcoming = session(nqsw_forum, days=20, topic="Reflective supervision in the first year")
    session(gems, days=15)
    session(forum(ForumKind.ASSESSORS), days=10)
    person = _register(
        client,
        login,
        employer_a.coordinator,
        django_capture_on_commit_callbacks,
        email="new.nqsw@a.example",
        role=Role.NQSW,
    )
    assert _told(person) == ["forums.gems_notice", "forums.invited"]
    with system_national_context():
        invited = Notification.objects.get(person=person, kind="forums.invited")
    assert invited.employer_id is None and upcoming.topic in invited.message
    # Their first page lists the session too.
    assert upcoming.topic in client.get("/").content.decode()
    # The morning's scan sends nothing more to them.
    reminders.run_national(cadence=reminders.DAILY, today=clock.today())
    reminders.run_national(cadence=reminders.DAILY, today=clock.today())
    assert _told(person) == ["forums.gems_notice", "forums.invited"]


def test_a_line_manager_hears_of_no_forum(client, login, employer_a, django_capture_on_commit_callbacks):
    session(forum(), days=20)
    session(forum(ForumKind.ASSESSORS), days=20)
    person = _register(
        client,
        login,
        employer_a.coordinator,
        django_capture_on_commit_callbacks,
        email="new.manager@a.example",
        role=Role.LINE_MANAGER,
    )
    assert _told(person) == []


def test_a_new_assessor_is_invited_to_the_assessors_forum_only(
    client, login, employer_a, django_capture_on_commit_callbacks
):
    assessors = forum(ForumKind.ASSESSORS)
    session(assessors, days=20)
    session(forum(), days=20)
    person = _register(
        client,
        login,
        employer_a.coordinator,
        django_capture_on_commit_callbacks,
        email="new.assessor@a.example",
        role=Role.ASSESSOR,
    )
    with system_national_context():
        messages = list(Notification.objects.filter(person=person).values_list("kind", "message"))
    assert len(messages) == 1 and messages[0][0] == "forums.invited" and assessors.name in messages[0][1]
