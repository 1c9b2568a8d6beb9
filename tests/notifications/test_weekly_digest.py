"""The co-ordinator's weekly digest says what was cleared since last week (#15 item 5): flags raised on a
registration last week and not now. Worked out from a snapshot each weekly scan keeps in its own
transaction (``asye.notifications.weekly``), so a digest never claims a clearance it cannot know."""

from __future__ import annotations

import datetime

import pytest

from asye.notifications.models import WeeklySnapshot
from asye.tenancy.db import tenant_context
from programmes.models import SupervisionSession
from programmes.reminders import DIGEST_SNAPSHOT, week_changes, weekly_reminders
from tests.today import TODAY, months_ago

pytestmark = pytest.mark.django_db


def digest(tenant, today: datetime.date) -> str:
    with tenant_context(tenant.employer.pk):
        dues = list(weekly_reminders(employer_id=tenant.employer.pk, today=today))
    return next(due.message for due in dues if due.kind == "coordinator.weekly_digest")


def test_the_first_digest_says_nothing_about_what_cleared(enrolled, employer_a):
    enrolled(employer_a, months_ago(4))
    assert "Since last week" not in digest(employer_a, TODAY)


def test_supervision_recorded_this_week_is_reported_cleared(enrolled, employer_a):
    registration = enrolled(employer_a, months_ago(4))
    last_week = TODAY - datetime.timedelta(days=7)
    assert "behind on supervision" in digest(employer_a, last_week)
    with tenant_context(employer_a.employer.pk):
        assert WeeklySnapshot.objects.get(kind=DIGEST_SNAPSHOT).data["supervision"] == [registration.pk]
        # Every session due is held, all of them after last week's digest.
        SupervisionSession.objects.bulk_create(
            SupervisionSession(
                employer=employer_a.employer,
                registration=registration,
                held_on=TODAY,
                duration_minutes=90,
                reflective=True,
                recorded_by=employer_a.assessor,
            )
            for _ in range(30)
        )
    text = digest(employer_a, TODAY)
    assert "0 behind on supervision" in text
    assert "Since last week: 0 new flags" in text and "1 supervision" in text
    # Run again the same week: the snapshot is replaced, last week's is still the one compared with.
    assert digest(employer_a, TODAY) == text
    with tenant_context(employer_a.employer.pk):
        assert WeeklySnapshot.objects.filter(kind=DIGEST_SNAPSHOT).count() == 2


def test_week_changes_counts_new_and_cleared_and_ignores_registrations_that_ended():
    now = {"supervision": [1], "overdue": [2, 3], "protected": []}
    last = {"supervision": [1, 4], "overdue": [2], "protected": [5]}
    # 4 cleared supervision, 5 ended (not still open): not "cleared"; 3 is newly overdue.
    assert week_changes(now, last, still_open={1, 2, 3, 4}) == (
        ". Since last week: 1 new flag, 1 cleared (1 supervision)"
    )
    assert week_changes(now, None, still_open={1}) == ""


def test_another_employers_snapshot_is_not_read(enrolled, employer_a, employer_b):
    enrolled(employer_a, months_ago(4))
    digest(employer_a, TODAY - datetime.timedelta(days=7))
    enrolled(employer_b, months_ago(4), swe_number="SW500002")
    assert "Since last week" not in digest(employer_b, TODAY)
    with tenant_context(employer_b.employer.pk):
        assert WeeklySnapshot.objects.filter(employer=employer_a.employer).count() == 0
