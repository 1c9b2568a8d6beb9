"""The notification jobs. Thin: ids in, the tenant (or the system's national) context, a service call;
each acknowledges late and is safe to run twice (the outbox's row lock, the reminders' sent-log).

Scheduled in the database by ``migrations/0002_schedules.py`` (django-celery-beat): the outbox sweep every
minute, the daily reminders at 06:30, the digest at 07:00, the weekly reminders on Monday at 07:15.
"""

from __future__ import annotations

import datetime

from celery import shared_task

from asye import clock
from asye.notifications import digest, outbox, reminders
from asye.notifications.models import ScanRun
from asye.notifications.outbox import TRANSIENT, outbox_send  # noqa: F401  (the task lives with the outbox)
from asye.tenancy.db import system_national_context


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def outbox_sweep() -> dict:
    """Every minute: send whatever is due, whatever the broker lost. (Not recorded as a run: the jobs page
    shows the outbox's own figures instead.)"""
    return outbox.outbox_flush()


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def reminders_scan(cadence: str = reminders.DAILY) -> int:
    """Fan the day's (or week's) reminder scans out: one task per employer, each in its tenant context,
    so one employer's failure does not stop the others. Returns how many employers."""
    today = clock.today()
    ids = reminders.employer_ids()
    with system_national_context():
        ScanRun.objects.create(
            job=f"reminders.{cadence}",
            started_at=clock.now(),
            finished_at=clock.now(),
            status=ScanRun.Status.DONE,
            counts={"employers": len(ids)},
        )
    for employer_id in ids:
        reminders_scan_employer.delay(employer_id, cadence, today.isoformat())
    reminders_scan_national.delay(cadence, today.isoformat())
    return len(ids)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def reminders_scan_national(cadence: str, day: str) -> dict:
    """The national scans (no employer: the national forums) for ``day``, once; safe to redeliver."""
    return dict(reminders.run_national(cadence=cadence, today=datetime.date.fromisoformat(day)))


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def reminders_scan_employer(employer_id: int, cadence: str, day: str) -> dict:
    """One employer's reminder scans for ``day``. Redelivered after a crash, it sends only what the
    sent-log does not have."""
    counts = reminders.run_employer(
        employer_id=employer_id, cadence=cadence, today=datetime.date.fromisoformat(day)
    )
    return dict(counts)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def notifications_digest() -> dict:
    """Daily: one email per person who chose the digest, with what is new since the last one."""
    return _recorded("notifications.digest", digest.digests_send)


def _recorded(job: str, work) -> dict:
    with system_national_context():
        run = ScanRun.objects.create(job=job, started_at=clock.now())
    try:
        counts = work()
    except Exception as error:
        with system_national_context():
            ScanRun.objects.filter(pk=run.pk).update(
                status=ScanRun.Status.FAILED, finished_at=clock.now(), error=type(error).__name__
            )
        raise
    with system_national_context():
        ScanRun.objects.filter(pk=run.pk).update(
            status=ScanRun.Status.DONE, finished_at=clock.now(), counts=dict(counts)
        )
    return dict(counts)
