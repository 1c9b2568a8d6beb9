"""National staff's retention page (/national/reports/retention/): what the next run will anonymise (counts
by funding year and by employer and year, before it runs) and the past runs. Read-only: the scheduled task
and ``manage.py anonymise_expired`` do the anonymising. Inside the audited national scope."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from asye import clock
from asye.accounts.models import Role
from asye.jobs.retention import RESULT_DAYS
from asye.tenancy.national import national_view
from reporting.retention import RETENTION_YEARS, retention_preview, retention_runs


@national_view
@require_GET
def retention(request):
    request.actor.require(Role.NATIONAL_STAFF)
    preview = retention_preview(today=clock.today())
    return render(
        request,
        "reporting/retention.html",
        {
            "preview": preview,
            "runs": retention_runs(),
            "years": RETENTION_YEARS,
            "job_result_days": RESULT_DAYS,
        },
    )
