"""The 360 evaluation's reminder scans: the co-ordinator hears of an unfinished self-assessment 14 days
before the close, of the close a week before (with how many answered) and of the report once closed;
people on the platform who were invited and have not answered hear a week before the close; nobody who
answered is reminded."""

from __future__ import annotations

import datetime

import pytest

from asye.tenancy.db import tenant_context
from evaluations import services
from evaluations.reminders import coordinator_reminders, invitee_reminders
from tests.evaluations.helpers import answers, close, coordinator, open_cycle, respond, self_assess
from tests.today import TODAY

pytestmark = pytest.mark.django_db


def _kinds(found) -> list[tuple[str, str]]:
    return sorted((due.kind, due.person.email) for due in found)


def _scan(scan, tenant, today=TODAY):
    with tenant_context(tenant.employer.pk):
        return list(scan(employer_id=tenant.employer.pk, today=today))


def test_coordinator_reminders(employer_a):
    cycle = open_cycle(employer_a, closes_in=20)
    assert _scan(coordinator_reminders, employer_a) == []
    soon = TODAY + datetime.timedelta(days=10)
    assert _kinds(_scan(coordinator_reminders, employer_a, soon)) == [
        ("evaluation.self_assessment", employer_a.coordinator.email)
    ]
    self_assess(employer_a, cycle, answers("4"))
    week = TODAY + datetime.timedelta(days=15)
    found = _scan(coordinator_reminders, employer_a, week)
    assert _kinds(found) == [("evaluation.closing", employer_a.coordinator.email)]
    assert "0 of 0 people invited have answered" in found[0].message
    close(employer_a, cycle)
    assert _kinds(_scan(coordinator_reminders, employer_a)) == [
        ("evaluation.report_ready", employer_a.coordinator.email)
    ]


def test_invitees_on_the_platform_are_reminded_until_they_answer(employer_a):
    cycle = open_cycle(employer_a, closes_in=20)
    secrets: list[str] = []
    with tenant_context(employer_a.employer.pk):
        services.invitations_send(
            actor=coordinator(employer_a),
            cycle=cycle,
            people=[("nqsw", employer_a.nqsw.pk), ("assessor", employer_a.assessor.pk)],
            emails=["someone@partner.example"],
            email_type="other",
            link_builder=lambda secret: secrets.append(secret) or secret,
        )
    week = TODAY + datetime.timedelta(days=14)
    assert _scan(invitee_reminders, employer_a) == []
    assert _kinds(_scan(invitee_reminders, employer_a, week)) == [
        ("evaluation.invitation", employer_a.assessor.email),
        ("evaluation.invitation", employer_a.nqsw.email),
    ]
    for secret in secrets:
        respond(secret, answers("3"))
    assert _scan(invitee_reminders, employer_a, week) == []
