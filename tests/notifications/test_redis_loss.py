"""The database, not the broker, is the source of truth: with Redis flushed after a scan's tasks (and an
email's task) were queued, the next scan, and the outbox's sweep, still send what was due, once."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.core import mail

from asye.celery import app
from asye.notifications import outbox, reminders
from asye.notifications.models import OutboxEmail, ReminderSent
from asye.notifications.tasks import reminders_scan
from asye.tenancy.db import tenant_context
from tests.notifications.conftest import start_for_review_in


@pytest.fixture
def broker():
    """Tasks go to the real Redis broker (and stay there: no worker runs here)."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    # The namespaced setting is the one Celery reads (``task_always_eager`` alone does not change it).
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield client
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = True
        client.delete("celery")


@pytest.mark.django_db(transaction=True)
def test_with_redis_flushed_the_next_scan_still_sends_what_was_due(employer_a, enrolled, broker, unscoped):
    enrolled(employer_a, start_for_review_in(10))
    reminders_scan.delay("daily")  # fans out through Redis: one task per employer, queued
    assert broker.llen("celery") >= 1
    broker.flushdb()  # Redis loses everything
    with unscoped():
        assert not ReminderSent.objects.exists()  # nothing had run
    counts = reminders.run_all()  # the next scan
    assert counts["sent"] > 0 and counts["sent"] == counts["due"]
    with unscoped():
        assert ReminderSent.objects.count() == counts["sent"]
        queued = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count()
    # The emails' own tasks went to Redis too; flushed again, the sweep sends every one from the database.
    broker.flushdb()
    assert queued == counts["sent"]
    assert outbox.outbox_flush() == {"sent": queued}
    assert len(mail.outbox) == queued and len({(m.to[0], m.subject) for m in mail.outbox}) == queued
    assert reminders.run_all()["sent"] == 0 and outbox.outbox_flush() == {}


@pytest.mark.django_db(transaction=True)
def test_no_secret_travels_in_a_task(employer_a, broker):
    """An outbox task's message carries the row's id only: the body (and any link in it) stays in the
    database."""
    with tenant_context(employer_a.employer.pk):
        outbox.email_queue(
            to="someone@a.example",
            subject="Your link",
            template="notifications/email/notification",
            context={"message": "Use this link", "link": "https://asye.example/feedback/SECRET-123/"},
            kind="test",
            employer_id=employer_a.employer.pk,
            contains_secret=True,
        )
    messages = broker.lrange("celery", 0, -1)
    assert messages and all(b"SECRET-123" not in message for message in messages)
