"""National staff's page of the scheduled jobs (``/national/schedules/``)."""

from __future__ import annotations

from django.shortcuts import render

from asye.notifications import schedules
from asye.tenancy.national import national_view


@national_view
def scheduled_jobs(request):
    return render(
        request,
        "notifications/schedules.html",
        {
            "jobs": schedules.scheduled_jobs(),
            "outbox": schedules.outbox_state(),
            "queue_length": schedules.queue_length(),
            "failures": schedules.recent_failures(),
        },
    )
