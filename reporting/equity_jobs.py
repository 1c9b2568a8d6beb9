"""The equity analysis as a background job (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): over about
30,000 registrations in the chosen cohorts the analysis takes more than two seconds (benchmarks/equity.py),
so the page starts this job and shows its progress page; the finished job sends national staff back to the
page, which shows the figures the job worked out (kept as the job's JSON file, exact counts) with the
disclosure control of the moment applied."""

from __future__ import annotations

import json

from django.urls import reverse

from asye.jobs.kinds import JobError, JobKind, JobOutput
from reporting.equity import equity_summary

EQUITY_ANALYSIS = "reporting.equity_analysis"
# Above this many registrations in the chosen cohorts the page runs the analysis as a job (about 1.5 s
# of the analysis on the benchmark machine).
JOB_THRESHOLD = 30_000


def run_equity_analysis(job, progress) -> JobOutput:
    """Runs in the system national context; whoever started it is national staff (the page checked)."""
    cohorts = job.params.get("cohorts") or []
    service_area = job.params.get("service_area", "")
    if not cohorts or not all(isinstance(cohort, str) for cohort in cohorts):
        raise JobError("Choose at least one cohort.")
    progress(0, 2)
    summary = equity_summary(cohorts, service_area)
    progress(2, 2)
    return JobOutput(
        filename=f"equity-{'-'.join(sorted(cohorts))}.json",
        content_type="application/json",
        content=json.dumps(summary).encode(),
    )


def equity_result_url(job) -> str:
    return f"{reverse('reports:equity')}?job={job.public_id}"


def job_summary(job) -> dict:
    """The figures a finished job worked out (the caller fetched the job through ``job_get_for_actor``)."""
    with job.result.open("rb") as stored:
        return json.loads(stored.read())


JOB_KINDS = [JobKind(EQUITY_ANALYSIS, run_equity_analysis, result_url=equity_result_url)]
