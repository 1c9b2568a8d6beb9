"""Past runs of the annual report: every national staff member's, newest first (read in a national scope).
A run is an ``asye.jobs`` ``Job``: its inputs are its ``params``, who ran it ``created_by``, and when
``created_at``; its file is kept with it."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from asye.jobs.models import Job
from reporting.jobs import ANNUAL_REPORT


def annual_report_runs() -> QuerySet[Job]:
    return Job.objects.filter(employer__isnull=True, kind=ANNUAL_REPORT).select_related("created_by")


def annual_report_run_get(*, public_id: uuid.UUID) -> Job:
    """A finished run with its file, for any national staff member; 404 otherwise."""
    return get_object_or_404(
        annual_report_runs().filter(status=Job.Status.DONE).exclude(result=""), public_id=public_id
    )
