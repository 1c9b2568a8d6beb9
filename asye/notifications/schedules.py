"""What national staff see of the scheduled jobs: each job's schedule (django-celery-beat, stored in the
database), its last run, how long it took and recent failures (``ScanRun``), the outbox's state, and how
many tasks wait in the Celery queue (Redis ``LLEN``; "unknown" without Redis)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q

from asye import clock
from asye.notifications.models import OutboxEmail, ScanRun

QUEUE = "celery"
FAILURE_WINDOW = datetime.timedelta(days=7)


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    task: str
    schedule: str
    enabled: bool
    last_run_at: datetime.datetime | None
    last_duration: datetime.timedelta | None
    last_status: str
    failures: int


def _job_key(task: str, kwargs: str) -> str:
    """The ScanRun job a periodic task records, where it records one."""
    if task.endswith("reminders_scan"):
        return "reminders.weekly" if "weekly" in kwargs else "reminders.daily"
    if task.endswith("notifications_digest"):
        return "notifications.digest"
    return task


def scheduled_jobs() -> list[ScheduledJob]:
    """Every periodic task with its last recorded run (read in the national scope)."""
    from django_celery_beat.models import PeriodicTask

    since = clock.now() - FAILURE_WINDOW
    tasks = list(PeriodicTask.objects.select_related("crontab", "interval").order_by("name"))
    keys = {_job_key(t.task, t.kwargs) for t in tasks}
    latest: dict[str, ScanRun] = {}
    for run in ScanRun.objects.filter(job__in=keys, employer__isnull=True).order_by("job", "-started_at"):
        latest.setdefault(run.job, run)
    failures = dict(
        ScanRun.objects.filter(job__in=keys, started_at__gte=since, status=ScanRun.Status.FAILED)
        .values_list("job")
        .annotate(n=Count("id"))
    )
    # An employer's part of a scan is its own run: the whole took from the first start to the last end.
    parts = {
        row["job"]: row
        for row in ScanRun.objects.filter(job__in=keys, employer__isnull=False, started_at__gte=since)
        .values("job")
        .annotate(first=Min("started_at"))
    }
    jobs = []
    for task in tasks:
        key = _job_key(task.task, task.kwargs)
        run = latest.get(key)
        duration = run.duration if run else None
        if run and key in parts:
            last_end = (
                ScanRun.objects.filter(job=key, employer__isnull=False, started_at__gte=run.started_at)
                .order_by("-finished_at")
                .values_list("finished_at", flat=True)
                .first()
            )
            duration = last_end - run.started_at if last_end else None
        jobs.append(
            ScheduledJob(
                name=task.name,
                task=task.task,
                schedule=str(task.crontab or task.interval or task.clocked or "") or "Not scheduled",
                enabled=task.enabled,
                last_run_at=(run.started_at if run else None) or task.last_run_at,
                last_duration=duration,
                last_status=run.get_status_display() if run else "",
                failures=failures.get(key, 0),
            )
        )
    return jobs


def outbox_state() -> dict:
    return OutboxEmail.objects.aggregate(
        pending=Count("id", filter=Q(status=OutboxEmail.Status.PENDING)),
        retrying=Count("id", filter=Q(status=OutboxEmail.Status.PENDING, attempts__gt=0)),
        failed=Count("id", filter=Q(status=OutboxEmail.Status.FAILED)),
        oldest_pending=Min("created_at", filter=Q(status=OutboxEmail.Status.PENDING)),
    )


def queue_length() -> int | None:
    """Tasks waiting in the Celery queue on Redis; None when there is no Redis or it does not answer."""
    if not settings.REDIS_URL:
        return None
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
        return int(client.llen(QUEUE))
    except Exception:
        return None


def recent_failures(limit: int = 20) -> list[ScanRun]:
    return list(ScanRun.objects.filter(status=ScanRun.Status.FAILED).select_related("employer")[:limit])
