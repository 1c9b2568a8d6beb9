"""The tasks of background jobs: run one (take the job's id, run it in its tenant context), and send again
the jobs whose task was lost (``asye.jobs.recovery``)."""

import logging

from celery import shared_task
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerUnavailable

from asye.jobs.recovery import stalled_jobs
from asye.jobs.runner import job_run
from asye.tenancy.db import system_national_context

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def run_job(job_id: int, employer_id: int | None) -> str | None:
    """Run the job ``job_id`` of ``employer_id`` (``None``: a national job). Idempotent: a job already
    finished is left as it is, so a redelivered task does nothing."""
    job = job_run(job_id=job_id, employer_id=employer_id)
    return job.status if job is not None else None


def job_send(job_id: int, employer_id: int | None) -> None:
    """Send the job to a worker. The job is already saved: if the broker cannot take it now, the person
    still gets the progress page and the minute sweep (``asye.jobs.recovery``) sends it later."""
    try:
        run_job.delay(job_id, employer_id)
    except BrokerUnavailable as error:
        logger.warning("Job %s: could not enqueue (%r); the sweep will send it", job_id, error)


@shared_task
def jobs_resend_stalled() -> int:
    """Every minute (and when a worker starts): send again the jobs whose task was lost. Returns how many."""
    with system_national_context():
        stalled = stalled_jobs()
    for job_id, employer_id in stalled:
        logger.warning("Job %s: no worker holds it; sending it again", job_id)
        job_send(job_id, employer_id)
    return len(stalled)
