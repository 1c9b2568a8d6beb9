"""A background job: who ran it, for which employer (none for a national job), how far it has got, how long
it took and what it made (a private file) or why it failed."""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.db.models import Q

from asye.records import person_field
from asye.tenancy.models import EmployerOrNational, employer_index


def result_storage_name(job: Job, filename: str) -> str:
    """Server-chosen storage names under the employer's prefix (``national/`` for national jobs)."""
    owner = f"employers/{job.employer_id}" if job.employer_id else "national"
    return f"{owner}/jobs/{job.public_id}/{filename}"


class JobQuerySet(models.QuerySet):
    def visible_to(self, actor) -> JobQuerySet:
        """The actor's own jobs: those they ran for the employer they act for now, and their national
        jobs if they hold a national role. Nobody sees anyone else's job."""
        if not actor.is_authenticated:
            return self.none()
        scope = Q(pk__in=[])
        if actor.employer_id is not None:
            scope |= Q(employer_id=actor.employer_id)
        if actor.national_roles:
            scope |= Q(employer__isnull=True)
        return self.filter(scope, created_by_id=actor.user.pk)


class Job(EmployerOrNational):
    """One run of a registered job kind (``asye.jobs.kinds``). Employer-owned like any tenant table, with
    row-level security; a national job has no employer and is visible only nationally and to whoever ran it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    FINISHED = (Status.DONE, Status.FAILED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=64)
    label = models.CharField(max_length=200, help_text="What the job makes, in the page's words.")
    params = models.JSONField(default=dict, blank=True)
    back_url = models.CharField(max_length=300, blank=True, help_text="The page the job was started from.")
    created_by = person_field()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.FileField(upload_to=result_storage_name, max_length=300, blank=True)
    result_filename = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    result_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)
    # What a job that makes records rather than a file made, for people (a sentence) and in figures
    # (``{"registered": 12}``, ``{"statements": 178, "total": "356000.00"}``).
    summary = models.CharField(max_length=300, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            employer_index("created_by", "-created_at"),
            employer_index("kind", "status"),
            # National staff's job history: each kind's runs, newest first, across employers.
            models.Index(fields=["kind", "-created_at"], name="jobs_job_kind_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at
