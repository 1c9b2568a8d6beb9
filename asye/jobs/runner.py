"""Running a background job (``job_run``, called by the task ``asye.jobs.tasks.run_job``): in the job's
tenant context, claim it, run its kind, store what it made, and record a failure instead of raising. A job
already finished is never run again, and a job another worker holds is left to it, so a redelivered or
resent task is harmless (``asye.jobs.recovery``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import OperationalError

from asye import clock
from asye.jobs.kinds import JobError, JobOutput, job_kind
from asye.jobs.models import Job
from asye.jobs.recovery import job_claim
from asye.tenancy.db import system_national_context, tenant_context

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "Something went wrong and the job could not finish. Try again later."
# Progress while a job runs is kept in the cache (its transaction is not yet visible to other requests);
# the job's row gets the final figures when it finishes.
PROGRESS_CACHE_SECONDS = 6 * 60 * 60
PROGRESS_EVERY_SECONDS = 0.5


def progress_cache_key(job_id: int) -> str:
    return f"jobs:progress:{job_id}"


@contextmanager
def job_context(employer_id: int | None) -> Iterator[None]:
    """The job's tenant context: its employer's rows, or every employer's for a national job."""
    context = tenant_context(employer_id) if employer_id is not None else system_national_context()
    with context:
        yield


class _Progress:
    """``progress(done, total)``: written to the cache at most twice a second, and at the end."""

    def __init__(self, job: Job):
        self.key = progress_cache_key(job.pk)
        self.last = None

    def __call__(self, done: int, total: int) -> None:
        now = clock.now()
        if self.last is None or done >= total or (now - self.last).total_seconds() >= PROGRESS_EVERY_SECONDS:
            cache.set(self.key, (int(done), int(total)), PROGRESS_CACHE_SECONDS)
            self.last = now


def job_run(*, job_id: int, employer_id: int | None) -> Job | None:
    """Run the job once. Returns it as it ended (or as it is, if another worker holds it), or ``None`` if
    there is no such job in that context. A job left running by a worker that died is run again."""
    with job_claim(job_id) as claimed:
        if not claimed:  # another worker is running it: this delivery is a duplicate
            with job_context(employer_id):
                return Job.objects.filter(pk=job_id).first()
        return _run_claimed(job_id, employer_id)


def _run_claimed(job_id: int, employer_id: int | None) -> Job | None:
    with job_context(employer_id):
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return job
        job.status = Job.Status.RUNNING
        job.started_at = clock.now()
        job.save(update_fields=["status", "started_at"])
    progress = _Progress(job)
    try:
        with job_context(employer_id):
            output = job_kind(job.kind).run(job, progress)
            _store(job, output)
            done, total = cache.get(progress_cache_key(job.pk)) or (job.progress_total, job.progress_total)
            job.status = Job.Status.DONE
            job.progress_done, job.progress_total = max(done, total), max(done, total)
            job.finished_at = clock.now()
            job.save()
    except OperationalError:
        raise  # the database went away: let the task retry (nothing was stored)
    except Exception as error:  # any failure of the work is recorded on the job
        if isinstance(error, JobError):
            messages = error.messages
        else:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            messages = [FAILED_MESSAGE]
        with job_context(employer_id):
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.FAILED,
                errors=[{"message": message} for message in messages],
                params=job.params,  # as the kind left them (it may blank what it no longer needs)
                finished_at=clock.now(),
            )
    cache.delete(progress_cache_key(job.pk))
    with job_context(employer_id):
        return Job.objects.get(pk=job.pk)


def _store(job: Job, output: JobOutput) -> None:
    job.summary = output.summary[:300]
    job.figures = output.figures
    if not output.has_file:
        return
    job.result_filename = output.filename[:200]
    job.result_content_type = output.content_type[:100]
    if output.stored_name:
        job.result.name = output.stored_name
        job.result_bytes = job.result.storage.size(output.stored_name)
    else:
        job.result.save(output.filename, ContentFile(output.content), save=False)
        job.result_bytes = len(output.content)
