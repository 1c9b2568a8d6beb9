"""Lost jobs are sent again (issue #19, fault drills): a job whose task the broker lost (Redis restarted
empty, or was down when it was started) or whose worker was killed is found by the sweep and run once; a
job a live worker holds is left to it, and a duplicate delivery of it does nothing."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.db import connection

from asye import clock
from asye.celery import app as celery_app
from asye.jobs.models import Job
from asye.jobs.recovery import JOB_LOCK_SPACE, stalled_jobs
from asye.jobs.runner import job_run
from asye.jobs.tasks import jobs_resend_stalled
from asye.tenancy.db import system_national_context

pytestmark = pytest.mark.django_db


def fresh(job, unscoped) -> Job:
    with unscoped():
        return Job.objects.get(pk=job.pk)


def _stalled(now=None) -> list[int]:
    with system_national_context():
        return [job_id for job_id, _ in stalled_jobs(now=now)]


@pytest.fixture
def other_worker():
    """A second database session, as another worker's would be, that can hold a job's claim."""
    settings = connection.settings_dict
    session = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432,
        autocommit=True,
    )

    def hold(job_id: int) -> None:
        session.execute("SELECT pg_advisory_lock(%s::int4, %s::int4)", [JOB_LOCK_SPACE, job_id])

    yield hold
    session.close()  # as a killed worker's connection closes: its claims go with it


def test_a_queued_job_whose_task_was_lost_is_sent_again_and_runs_once(start, employer_a, test_kinds, unscoped):
    job = start(employer_a.coordinator, employer_a.employer, run=False)  # its message never reached a worker
    assert _stalled() == []  # it may simply be waiting its turn
    later = clock.now() + datetime.timedelta(minutes=3)
    assert _stalled(now=later) == [job.pk]
    with unscoped():
        Job.objects.filter(pk=job.pk).update(created_at=clock.now() - datetime.timedelta(minutes=3))
    assert jobs_resend_stalled() == 1  # eager in tests: sent and run
    assert fresh(job, unscoped).status == Job.Status.DONE and test_kinds.RUNS == [job.pk]
    assert jobs_resend_stalled() == 0 and test_kinds.RUNS == [job.pk]


def test_a_job_left_running_by_a_killed_worker_is_run_again(start, employer_a, test_kinds, unscoped, other_worker):
    job = start(employer_a.coordinator, employer_a.employer, run=False)
    with unscoped():
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=clock.now())
    other_worker(job.pk)
    assert _stalled() == []  # a live worker holds it: not lost, however long it takes
    assert job_run(job_id=job.pk, employer_id=employer_a.employer.pk).status == Job.Status.RUNNING
    assert test_kinds.RUNS == []  # the duplicate delivery left it to the worker that holds it


def test_when_the_worker_holding_a_job_dies_the_sweep_runs_it(start, employer_a, test_kinds, unscoped):
    job = start(employer_a.coordinator, employer_a.employer, run=False)
    with unscoped():
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=clock.now())
    # Nobody holds it (its worker's connection closed): lost at once, not after the queued grace.
    assert _stalled() == [job.pk]
    assert jobs_resend_stalled() == 1
    assert fresh(job, unscoped).status == Job.Status.DONE and test_kinds.RUNS == [job.pk]


def _fresh_connections() -> None:
    """Drop Celery's broker connections so the next task is sent on a connection made from the conf."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_a_job_started_while_the_broker_is_down_is_saved_and_the_person_gets_its_page(
    start, employer_a, test_kinds, unscoped, settings
):
    """Celery's broker is unreachable (a real connection to a closed port, with no retry): starting the
    job still succeeds after the commit, and the job waits for the sweep."""
    conf = celery_app.conf
    keys = ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", "CELERY_BROKER_CONNECTION_RETRY",
            "CELERY_TASK_PUBLISH_RETRY")
    saved = {key: conf.get(key) for key in keys}
    conf.update(dict(zip(keys, (False, "redis://127.0.0.1:1/0", False, False), strict=True)))
    _fresh_connections()
    try:
        job = start(employer_a.coordinator, employer_a.employer)  # the on-commit enqueue must not raise
    finally:
        conf.update(saved)
        _fresh_connections()
    assert fresh(job, unscoped).status == Job.Status.QUEUED and test_kinds.RUNS == []
