"""The one task of background jobs: take the job's id, run it in its tenant context."""

from celery import shared_task
from django.db import OperationalError

from asye.jobs.runner import job_run


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def run_job(job_id: int, employer_id: int | None) -> str | None:
    """Run the job ``job_id`` of ``employer_id`` (``None``: a national job). Idempotent: a job already
    finished is left as it is, so a redelivered task does nothing."""
    job = job_run(job_id=job_id, employer_id=employer_id)
    return job.status if job is not None else None
