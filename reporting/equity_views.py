"""National staff's equity page (/national/reports/equity/): choose cohorts and a service area, and see
the outcomes, the unsuccessful-completion rates by each predictor (as published, small cells suppressed,
or exact, with the cells a publication would hide marked), the trend by cohort with charts, and the
logistic regression with a plain-English note on reading it.

Runs inside the audited national scope (``national_view``), the only place equality answers are read.
"""

from __future__ import annotations

import uuid

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from asye.jobs.models import Job
from asye.jobs.selectors import job_get_for_actor
from asye.jobs.services import job_start
from asye.tenancy.models import ServiceArea
from asye.tenancy.national import national_view
from asye.web.forms import choice_field
from reporting.disclosure_rule import disclosure_threshold
from reporting.equity import equity_summary
from reporting.equity_jobs import EQUITY_ANALYSIS, JOB_THRESHOLD, job_summary
from reporting.equity_selectors import analysed_cohorts_national, cohort_records_national, default_cohorts
from reporting.equity_tables import equity_charts, equity_tables

BOTH = "both"
VIEWS = [
    ("published", "As published (small numbers hidden)"),
    ("exact", "Exact figures (for national staff only)"),
]


class EquityForm(forms.Form):
    cohorts = choice_field(
        "Cohorts",
        required="Select at least one cohort",
        invalid="Select cohorts from the list",
        field=forms.MultipleChoiceField,
        help_text="The funding years the NQSWs started in. Choose cohorts whose outcomes are in.",
    )
    service_area = choice_field(
        "Service area",
        required="Select a service area",
        choices=[(BOTH, "Both service areas"), *ServiceArea.choices],
    )
    view = choice_field("Figures", required="Select how to show the figures", choices=VIEWS)

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohorts"].choices = [(cohort, cohort) for cohort in cohorts]


@national_view
@require_GET
def equity(request):
    actor = request.actor
    cohorts = analysed_cohorts_national(actor=actor)
    if "cohorts" in request.GET or "service_area" in request.GET or "view" in request.GET:
        form = EquityForm(request.GET, cohorts=cohorts)
    else:
        chosen = default_cohorts(cohorts)
        form = EquityForm({"cohorts": chosen, "service_area": BOTH, "view": "published"}, cohorts=cohorts)
        if not chosen:
            form = EquityForm(initial={"service_area": BOTH, "view": "published"}, cohorts=cohorts)
    context = {"form": form, "any_cohorts": bool(cohorts)}
    summary = None
    finished = _finished_job(request)
    if finished is not None:
        job, summary = finished
        published = request.GET.get("view", "published") != "exact"
        form = EquityForm(
            {
                "cohorts": summary["cohorts"],
                "service_area": summary["service_area"] or BOTH,
                "view": "published" if published else "exact",
            },
            cohorts=cohorts,
        )
        context |= {"form": form, "from_job": job}
        service_choice = summary["service_area"] or BOTH
    elif form.is_bound and form.is_valid():
        data = form.cleaned_data
        service_area = "" if data["service_area"] == BOTH else data["service_area"]
        published = data["view"] == "published"
        service_choice = data["service_area"]
        if cohort_records_national(actor=actor, cohorts=data["cohorts"]) > JOB_THRESHOLD:
            job = job_start(
                actor=actor,
                kind=EQUITY_ANALYSIS,
                label=f"Outcomes and equity, cohorts {', '.join(sorted(data['cohorts']))}",
                params={"cohorts": sorted(data["cohorts"]), "service_area": service_area},
                national=True,
                back_url=reverse("reports:equity"),
            )
            return redirect("jobs:progress", pk=job.public_id)
        summary = equity_summary(data["cohorts"], service_area)
    if summary is not None:
        threshold = disclosure_threshold()
        tables = equity_tables(summary, threshold=threshold, published=published)
        charts = equity_charts(tables)
        context |= {
            "breakdowns": [(table, charts.get(table.key)) for table in tables["breakdowns"]],
            "trends": [(table, charts.get(table.key)) for table in tables["trends"]],
            "summary": summary,
            "tables": tables,
            "published": published,
            "threshold": threshold,
            "model": summary["logistic_regression"],
            "service_area_label": dict(EquityForm.base_fields["service_area"].choices)[service_choice],
        }
    return render(request, "reporting/equity.html", context)


def _finished_job(request):
    """``(job, summary)`` for ``?job=<id>``: a finished equity job the person ran; 404 for anyone else's."""
    raw = request.GET.get("job", "")
    if not raw:
        return None
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        return None
    job = job_get_for_actor(actor=request.actor, public_id=public_id)
    if job.kind != EQUITY_ANALYSIS or job.status != Job.Status.DONE or not job.result:
        return None
    return job, job_summary(job)
