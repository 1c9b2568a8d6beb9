"""People invited to the 360 evaluation by email address only (no account) are reminded by email a week
before the close, through the daily reminders run: once per due moment however often the scan runs, with
a new single-use link that replaces the first, and never after they answer or once the cycle has
closed."""

from __future__ import annotations

import datetime
import re

import pytest

from asye.notifications.models import OutboxEmail
from asye.notifications.reminders import run_employer
from asye.tenancy.db import tenant_context
from evaluations import responding
from evaluations.models import EvaluationInvitation, EvaluationResponse
from tests.evaluations.helpers import answers, close, invite, open_cycle, respond
from tests.today import TODAY

pytestmark = pytest.mark.django_db

KIND = "evaluation_invitation"


def _run(tenant, today):
    return run_employer(employer_id=tenant.employer.pk, cadence="daily", today=today)


def _reminders(tenant) -> list[OutboxEmail]:
    with tenant_context(tenant.employer.pk):
        return list(
            OutboxEmail.objects.filter(kind=KIND, subject__startswith="Reminder:").order_by("to_address")
        )


def _secret(email: OutboxEmail) -> str:
    return re.search(r"/360/([^/\s]+)/", email.body_text).group(1)


def test_address_only_invitees_get_one_reminder_with_a_new_link(employer_a):
    cycle = open_cycle(employer_a, closes_in=20)
    first, second = invite(employer_a, cycle, "other", ["a@partner.example", "b@partner.example"])
    _run(employer_a, TODAY)
    assert _reminders(employer_a) == []  # not yet due: 7 days before the close
    week = cycle.closes_on - datetime.timedelta(days=7)
    respond(second, answers("4"))  # b answered: never reminded
    _run(employer_a, week)
    _run(employer_a, week)
    _run(employer_a, week + datetime.timedelta(days=2))
    (reminder,) = _reminders(employer_a)
    assert reminder.to_address == "a@partner.example" and reminder.contains_secret
    assert "no longer works" in reminder.body_text
    assert f"closes on {cycle.closes_on:%-d %B %Y}" in reminder.body_text
    new = _secret(reminder)
    assert new != first
    with tenant_context(employer_a.employer.pk):
        invitation = EvaluationInvitation.objects.get(email="a@partner.example")
        assert invitation.reminded_for == week
    # The new link answers once; the first no longer finds the invitation.
    assert responding.invitation_find(secret=first) is None
    respond(new, answers("2"))
    with tenant_context(employer_a.employer.pk):
        assert EvaluationResponse.objects.filter(cycle=cycle, respondent_type="other").count() == 2
        assert EvaluationInvitation.objects.filter(cycle=cycle, used=False).count() == 0


def test_no_reminder_once_the_cycle_has_closed(employer_a):
    cycle = open_cycle(employer_a, closes_in=20)
    invite(employer_a, cycle, "other", ["c@partner.example"])
    close(employer_a, cycle)
    _run(employer_a, cycle.closes_on - datetime.timedelta(days=3))
    assert _reminders(employer_a) == []


def test_reminders_stay_with_their_employer(employer_a, employer_b):
    cycle_a = open_cycle(employer_a, closes_in=20)
    cycle_b = open_cycle(employer_b, closes_in=20)
    invite(employer_a, cycle_a, "other", ["d@partner.example"])
    invite(employer_b, cycle_b, "other", ["e@partner.example"])
    _run(employer_a, cycle_a.closes_on - datetime.timedelta(days=7))
    assert [email.to_address for email in _reminders(employer_a)] == ["d@partner.example"]
    assert _reminders(employer_b) == []
