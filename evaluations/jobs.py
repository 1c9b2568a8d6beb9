"""The 360 evaluation's background job (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): the employer's
report as a PDF (WeasyPrint), made off the web worker with the jobs' progress page, as the portfolio pack
is. The view that starts it has checked the co-ordinator and that the report is available; the job's own
download serves the file to whoever started it only."""

from __future__ import annotations

from asye.jobs.kinds import JobError, JobKind, JobOutput
from evaluations import report_pdf, selectors
from evaluations.models import EvaluationCycle

REPORT_PDF = "evaluations.report_pdf"


def run_report_pdf(job, progress) -> JobOutput:
    """In the employer's tenant context (the job's): only that employer's cycle is found."""
    cycle = (
        EvaluationCycle.objects.filter(pk=job.params["cycle_id"], employer_id=job.employer_id)
        .select_related("framework", "employer")
        .first()
    )
    if cycle is None or not selectors.report_available(cycle):
        raise JobError("This evaluation's report is not available.")
    progress(0, 1)
    pdf = report_pdf.report_pdf(selectors.cycle_report(cycle))
    progress(1, 1)
    return JobOutput(filename=report_pdf.filename(cycle), content_type="application/pdf", content=pdf)


JOB_KINDS = [JobKind(REPORT_PDF, run_report_pdf, title="360 evaluation report (PDF)")]
