"""Reading jobs: only the person who ran a job sees it, and only for the employer they act for now (or
nationally, for a national job); anything else is a 404, the same as a job that does not exist."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from asye.jobs.kinds import job_kind
from asye.jobs.models import Job
from asye.jobs.runner import progress_cache_key

if TYPE_CHECKING:
    from asye.accounts.actor import Actor


def job_list_for_actor(*, actor: Actor) -> QuerySet[Job]:
    """The jobs the actor ran, for the employer they act for now (and their national jobs), newest first:
    the same jobs whose pages they may open (``Job.objects.visible_to``), nobody else's."""
    return Job.objects.visible_to(actor).select_related("employer").order_by("-created_at", "-id")


def job_get_for_actor(*, actor: Actor, public_id: uuid.UUID) -> Job:
    """The job if the actor ran it, for the employer they act for (or nationally); 404 otherwise."""
    return get_object_or_404(Job.objects.visible_to(actor).select_related("created_by"), public_id=public_id)


@dataclass(frozen=True)
class JobProgress:
    done: int
    total: int

    @property
    def percent(self) -> int | None:
        return min(100, self.done * 100 // self.total) if self.total else None


def job_progress(*, job: Job) -> JobProgress:
    """How far the job has got: while it runs, from the cache the worker writes to; then, from its row."""
    if job.status == Job.Status.RUNNING and (figures := cache.get(progress_cache_key(job.pk))):
        return JobProgress(done=figures[0], total=figures[1])
    return JobProgress(done=job.progress_done, total=job.progress_total)


def job_result_url(*, job: Job) -> str | None:
    """Where a finished job's result is fetched: its kind's own page (which checks access again) if it
    names one, else the job's download; ``None`` while there is nothing to fetch."""
    if job.status != Job.Status.DONE:
        return None
    kind = job_kind(job.kind)
    if kind.result_url is not None:
        return kind.result_url(job)
    if not job.result:
        return None
    return reverse("jobs:download", kwargs={"pk": job.public_id})
