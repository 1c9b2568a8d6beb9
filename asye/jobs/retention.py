"""Retention: background jobs' part of the registry (``asye.retention``, docs/equity-and-retention.md).

- A job about an anonymised registration (``params["registration_id"]``: a portfolio pack) loses its result
  file (deleted from storage) and its file name; names, emails and numbers of the batch's people are removed
  from every job's label and summary at their employers.
- Housekeeping, every night: a finished job's result file is deleted ``RESULT_DAYS`` days after it finished
  (exports and packs are made again when needed); the job stays in the history with its figures, marked as
  expired by an empty result.
"""

from __future__ import annotations

import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from asye.jobs.models import Job
from asye.retention import Batch, RetentionPart, counts, scrub_columns

RESULT_DAYS = 30
JOB = Job._meta.db_table


def _about(batch: Batch):
    ids = [str(pk) for pk in batch.registration_ids]
    return Job.objects.filter(
        Q(params__registration_id__in=ids) | Q(params__registration_id__in=batch.registration_ids)
    )


def _drop_results(jobs, batch: Batch | None = None) -> int:
    """Delete the result files of these jobs (after the commit) and forget them; returns the jobs changed."""
    names = [name for name in jobs.exclude(result="").values_list("result", flat=True) if name]
    if batch is not None:
        batch.delete_files(default_storage, names)
    elif names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return jobs.exclude(result="", result_filename="").update(result="", result_filename="")


def anonymise(batch: Batch) -> int:
    changed = _drop_results(_about(batch), batch)
    where = "employer_id = ANY(%(employers)s) OR created_by_id = ANY(%(users)s)"
    params = {"employers": batch.employer_ids, "users": batch.released_user_ids}
    changed += scrub_columns(JOB, ["label", "summary", "result_filename"], batch.pattern(), where, params)
    return changed


def preview(batch: Batch) -> dict[str, int]:
    return counts({JOB: _about(batch).exclude(result="")})


def expire_results(today: datetime.date) -> dict[str, int]:
    """Result files of jobs that finished ``RESULT_DAYS`` or more days before ``today``."""
    before = datetime.datetime.combine(
        today - datetime.timedelta(days=RESULT_DAYS), datetime.time.min, datetime.UTC
    )
    expired = Job.objects.filter(finished_at__lt=before).exclude(result="", result_filename="")
    return {"job_results_expired": _drop_results(expired)}


PARTS = [RetentionPart("jobs", anonymise=anonymise, preview=preview, housekeeping=expire_results, order=80)]
