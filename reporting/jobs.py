"""The reports' background job (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): the annual report as a PDF
or a workbook. Each run is a ``Job`` kept with its inputs (year, service area, format and the disclosure
threshold it used), who ran it and when; the reports page lists past runs (``reporting.runs``)."""

from __future__ import annotations

from asye.jobs.kinds import JobError, JobKind, JobOutput
from reporting.annual import annual_figures
from reporting.documents import CONTENT_TYPES, annual_report_pdf, annual_report_xlsx
from reporting.registrations import SERVICE_AREA_CHOICES

ANNUAL_REPORT = "reporting.annual_report"
FORMATS = ("pdf", "xlsx")
STEPS = 3


def report_filename(*, year: str, service_area: str, fmt: str) -> str:
    return f"asye-annual-report-{year}-{service_area.replace('_', '-')}.{fmt}"


def make_annual_report(*, year: str, service_area: str, fmt: str, threshold: int, progress=None) -> JobOutput:
    """The report's file, made from the figures as they are now (inside a national scope)."""
    if fmt not in FORMATS or service_area not in dict(SERVICE_AREA_CHOICES):
        raise JobError("This report cannot be made: choose a format and a service area from the list.")
    report = progress or (lambda done, total: None)
    report(0, STEPS)
    figures = annual_figures(year=year, service_area=service_area)
    report(1, STEPS)
    if fmt == "pdf":
        content = annual_report_pdf(figures, threshold=threshold)
    else:
        content = annual_report_xlsx(figures, threshold=threshold)
    report(STEPS, STEPS)
    return JobOutput(
        filename=report_filename(year=year, service_area=service_area, fmt=fmt),
        content_type=CONTENT_TYPES[fmt],
        content=content,
    )


def run_annual_report(job, progress) -> JobOutput:
    """Runs in the system national context; whoever started it is national staff (``job_start``)."""
    params = job.params
    return make_annual_report(
        year=params.get("year", ""),
        service_area=params.get("service_area", ""),
        fmt=params.get("format", ""),
        threshold=int(params.get("threshold", 5)),
        progress=progress,
    )


JOB_KINDS = [JobKind(ANNUAL_REPORT, run_annual_report)]
