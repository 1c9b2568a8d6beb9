"""Jobs whose work was lost, sent to a worker again.

A job's task can be lost between the database and a worker: the broker (Redis) restarted empty and took
the queued message with it, it was down when the job was started, or the worker running it was killed
(its message comes back only after the broker's visibility timeout, hours later). The job's row is the
truth, so a sweep every minute (and each time a worker starts) looks for jobs still waiting or running
that no worker holds, and sends them again.

While a job runs, its worker holds a PostgreSQL session advisory lock on the job (``job_claim``). A
worker that dies loses its connection and so its lock, at once; a worker that is merely slow keeps it. So
"not finished and nobody holds it" means lost, never "someone else is busy with it", and a job sent
twice still runs once (``job_run`` skips a job another worker holds, and a finished job).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from asye import clock
from asye.jobs.models import Job

logger = logging.getLogger(__name__)

# The first key of the two-key advisory lock: "asye jobs" (the second is the job's id).
JOB_LOCK_SPACE = 0x4A0B
# A job queued this recently may simply be waiting its turn in the queue.
QUEUED_GRACE = datetime.timedelta(minutes=2)


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def job_claim(job_id: int) -> Iterator[bool]:
    """Hold ``job_id`` while the body runs; yields False if another worker holds it. Off PostgreSQL
    (the embedded demo runs jobs eagerly, one at a time) every claim succeeds."""
    if not _postgresql():
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s::int4, %s::int4)", [JOB_LOCK_SPACE, job_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s::int4, %s::int4)", [JOB_LOCK_SPACE, job_id])
            except Exception:  # the connection died with the work: the lock went with it
                logger.warning("Job %s: could not release its claim (connection lost)", job_id)


def _held_by_workers() -> set[int]:
    """The ids of the jobs some worker holds now: one read of ``pg_locks``, whatever the number of jobs."""
    if not _postgresql():
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2 "
            "AND granted",
            [JOB_LOCK_SPACE],
        )
        return {int(objid) for (objid,) in cursor.fetchall()}


def stalled_jobs(*, now: datetime.datetime | None = None) -> list[tuple[int, int | None]]:
    """(job id, employer id) of every job waiting longer than the grace or running, that no worker holds.
    Read in the system national context (the caller's)."""
    now = now or clock.now()
    candidates = Job.objects.filter(status__in=(Job.Status.QUEUED, Job.Status.RUNNING)).values_list(
        "pk", "employer_id", "status", "created_at"
    )
    held = _held_by_workers()
    return [
        (pk, employer_id)
        for pk, employer_id, status, created_at in candidates
        if (status == Job.Status.RUNNING or created_at <= now - QUEUED_GRACE) and pk not in held
    ]
