"""The tables of reminders, notifications and background jobs (#14, #15) under PostgreSQL row-level
security: an employer's rows are invisible to every other employer and to a connection with no tenant set;
a person's own national rows (no employer) are theirs alone; the national scope sees every row.
docs/security.md lists these tables and their policies."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from asye import clock
from asye.jobs.models import Job
from asye.notifications.models import (
    Notification,
    NotificationPreference,
    OutboxEmail,
    ReminderSent,
    ScanRun,
    WeeklySnapshot,
)
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings

pytestmark = pytest.mark.django_db

TABLES = {
    "jobs_job": Job,
    "notifications_notification": Notification,
    "notifications_notificationpreference": NotificationPreference,
    "notifications_outboxemail": OutboxEmail,
    "notifications_remindersent": ReminderSent,
    "notifications_scanrun": ScanRun,
    "notifications_weeklysnapshot": WeeklySnapshot,
}


def _rows_of(tenant) -> None:
    """One row of each table, the employer's, written in its own tenant context."""
    employer, person, now = tenant.employer, tenant.coordinator, clock.now()
    with tenant_context(employer.pk):
        Job.objects.create(employer=employer, kind="k", label="l", created_by=person)
        Notification.objects.create(employer=employer, person=person, kind="k", message="m", created_at=now)
        NotificationPreference.objects.create(employer=employer, person=person)
        OutboxEmail.objects.create(
            employer=employer,
            to_address="x@example.org",
            kind="k",
            subject="s",
            body_text="b",
            next_attempt_at=now,
            created_at=now,
        )
        ReminderSent.objects.create(
            employer=employer,
            person=person,
            kind="k",
            about_type="a.b",
            about_id="1",
            due_on=datetime.date(2026, 1, 1),
            sent_at=now,
        )
        ScanRun.objects.create(employer=employer, job="j", started_at=now)
        WeeklySnapshot.objects.create(
            employer=employer, kind="k", week=datetime.date(2026, 1, 5), data={}, taken_at=now
        )


def test_the_tables_have_forced_row_level_security():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(%s)",
            [list(TABLES)],
        )
        found = {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}
    assert found == {name: (True, True) for name in TABLES}


def test_another_employer_and_no_tenant_see_none_of_an_employers_rows(employer_a, employer_b):
    _rows_of(employer_b)
    with tenant_context(employer_a.employer.pk):
        assert {name: model.objects.count() for name, model in TABLES.items()} == dict.fromkeys(TABLES, 0)
    with tenant_settings(employer_id="", national="", user_id=""):  # nothing set: fails closed
        assert {name: model.objects.count() for name, model in TABLES.items()} == dict.fromkeys(TABLES, 0)
    with tenant_context(employer_b.employer.pk):
        assert {name: model.objects.count() for name, model in TABLES.items()} == dict.fromkeys(TABLES, 1)
    with system_national_context():
        assert {name: model.objects.count() for name, model in TABLES.items()} == dict.fromkeys(TABLES, 1)


def test_a_persons_national_rows_are_theirs_alone(employer_a, national_staff):
    other = employer_a.coordinator
    now = clock.now()
    with system_national_context():
        Notification.objects.create(person=national_staff, kind="k", message="m", created_at=now)
        Job.objects.create(kind="k", label="l", created_by=national_staff)
    with tenant_settings(user_id=national_staff.pk):
        assert Notification.objects.count() == 1 and Job.objects.count() == 1
    with tenant_settings(user_id=other.pk):
        assert Notification.objects.count() == 0 and Job.objects.count() == 0
    with tenant_context(employer_a.employer.pk):
        assert Notification.objects.count() == 0 and Job.objects.count() == 0
