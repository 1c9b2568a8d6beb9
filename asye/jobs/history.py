"""National staff's history of background jobs (``/jobs/``): for each registered kind, its last run (when,
for which employer, how long, how it ended), how many ran and failed lately, how many wait or run now, and
how many tasks wait in the Celery queue (Redis ``LLEN``; not available on the embedded default, which runs
jobs at once); and the latest failures with their messages.

Read in the national scope (the page is a ``national_view``). It shows no job's label or file name: those
name NQSWs, and the history is about the service's health, not about people.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q

from asye import clock
from asye.jobs.kinds import job_kinds
from asye.jobs.models import Job

# Runs and failures are counted over this window.
WINDOW = datetime.timedelta(days=7)
RECENT_FAILURES = 20


@dataclass(frozen=True)
class KindHistory:
    name: str
    title: str
    last: Job | None
    runs: int
    failures: int
    waiting: int
    average_duration: datetime.timedelta | None


def job_history() -> list[KindHistory]:
    """Each registered kind's figures: two grouped queries, and one for each kind's last run."""
    since = clock.now() - WINDOW
    kinds = job_kinds()
    names = [kind.name for kind in kinds]
    figures = {
        row["kind"]: row
        for row in Job.objects.filter(kind__in=names)
        .values("kind")
        .annotate(
            runs=Count("pk", filter=Q(created_at__gte=since)),
            failures=Count("pk", filter=Q(created_at__gte=since, status=Job.Status.FAILED)),
            waiting=Count("pk", filter=Q(status__in=(Job.Status.QUEUED, Job.Status.RUNNING))),
            average=Avg(
                F("finished_at") - F("started_at"),
                filter=Q(created_at__gte=since, status=Job.Status.DONE, started_at__isnull=False),
            ),
        )
        .order_by()
    }
    history = []
    for kind in kinds:
        row = figures.get(kind.name, {})
        last = (
            Job.objects.filter(kind=kind.name)
            .select_related("employer", "created_by")
            .order_by("-created_at", "-id")
            .first()
            if row
            else None
        )
        history.append(
            KindHistory(
                name=kind.name,
                title=kind.title or kind.name,
                last=last,
                runs=row.get("runs", 0),
                failures=row.get("failures", 0),
                waiting=row.get("waiting", 0),
                average_duration=row.get("average"),
            )
        )
    return history


def job_failures_recent(limit: int = RECENT_FAILURES) -> list[Job]:
    """The latest failed jobs, newest first, with their employer and who ran them."""
    return list(
        Job.objects.filter(status=Job.Status.FAILED)
        .select_related("employer", "created_by")
        .order_by("-created_at", "-id")[:limit]
    )


def kind_titles() -> dict[str, str]:
    return {kind.name: kind.title or kind.name for kind in job_kinds()}
