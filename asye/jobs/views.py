"""A job's progress page and its result. Only the person who ran the job reaches either, for the employer
they act for now (or nationally, for a national job); for anyone else both are a 404. The person's own
jobs, newest first (``/jobs/mine/``: the same jobs, and nobody else's). And national staff's history of every
kind of job (``/jobs/``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from asye.audit.services import audit_record
from asye.jobs.history import job_failures_recent, job_history, kind_titles
from asye.jobs.kinds import job_kind
from asye.jobs.models import Job
from asye.jobs.selectors import job_get_for_actor, job_list_for_actor, job_progress, job_result_url
from asye.notifications.schedules import queue_length
from asye.tenancy.national import national_view
from asye.web.decorators import GET_ONLY, refuse_method, signed_in_view

# How often the page checks again while the job waits or runs (without JavaScript: a meta refresh).
REFRESH_SECONDS = 3
# Jobs on a page of "Your jobs".
PAGE_SIZE = 25


def _took(duration: datetime.timedelta | None) -> str:
    if duration is None:
        return ""
    seconds = max(0, round(duration.total_seconds()))
    if seconds < 60:
        return "less than a second" if seconds == 0 else f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''} {seconds} second{'s' if seconds != 1 else ''}"


def _announce(job: Job, progress, failed_heading: str = "") -> str:
    """What the live region says when the page updates itself with JavaScript."""
    if job.status == Job.Status.DONE:
        return "Your file is ready." if job.result_filename else f"{job.summary or 'Finished'}."
    if job.status == Job.Status.FAILED:
        return f"{failed_heading}." if failed_heading else "Sorry, the file could not be made."
    if progress.total:
        return f"{progress.done:,} of {progress.total:,} done."
    return job.get_status_display() + "."


@signed_in_view
def progress(request, pk):
    job = job_get_for_actor(actor=request.actor, public_id=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    figures = job_progress(job=job)
    kind = job_kind(job.kind)
    return render(
        request,
        "jobs/progress.html",
        {
            "job": job,
            "progress": figures,
            "announce": _announce(job, figures, kind.failed_heading),
            "took": _took(job.duration),
            "result_url": job_result_url(job=job),
            "result_label": kind.result_label,
            "failed_heading": kind.failed_heading,
            "refresh_seconds": None if job.is_finished else REFRESH_SECONDS,
        },
    )


@signed_in_view
def mine(request):
    """ "Your jobs": the jobs the person ran for the employer they act for now (and their national ones),
    each with its status, when it started, how long it took, what it made and a link to its page."""
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    page = Paginator(job_list_for_actor(actor=request.actor), PAGE_SIZE).get_page(request.GET.get("page"))
    titles = kind_titles()
    rows = [
        {
            "job": job,
            "title": titles.get(job.kind, job.kind),
            "took": _took(job.duration),
            "result_url": job_result_url(job=job) if job.kind in titles else None,
            "result_label": job.result_filename or job.summary,
        }
        for job in page.object_list
    ]
    return render(request, "jobs/mine.html", {"page": page, "rows": rows})


@signed_in_view
def download(request, pk):
    job = job_get_for_actor(actor=request.actor, public_id=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    if job.status != Job.Status.DONE or not job.result:
        raise Http404("This job has nothing to download.")
    try:
        handle = job.result.open("rb")
    except FileNotFoundError:
        raise Http404("The file this job made is no longer kept.") from None
    audit_record(actor=request.actor, obj=job, action="job.result_downloaded", changes={"kind": job.kind})
    response = FileResponse(
        handle, as_attachment=True, filename=job.result_filename, content_type=job.result_content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@national_view
def history(request):
    """National staff's history of every kind of background job (``asye.jobs.history``)."""
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return render(
        request,
        "jobs/history.html",
        {
            "kinds": job_history(),
            "failures": job_failures_recent(),
            "titles": kind_titles(),
            "queue_length": queue_length(),
            "eager": not settings.REDIS_URL,
        },
    )
