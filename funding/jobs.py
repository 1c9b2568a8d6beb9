"""Funding's background jobs (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): a payment statement's export,
for a statement of more lines than ``settings.ASYE_EXPORT_JOB_THRESHOLD`` (``funding/statement_downloads``).
The bytes are those of the immediate download (``funding.exports``)."""

from __future__ import annotations

from asye.jobs.kinds import JobError, JobKind, JobOutput
from funding import exports
from funding.models import PaymentStatement

STATEMENT_EXPORT = "funding.statement_export"


def run_statement_export(job, progress) -> JobOutput:
    """The statement's XLSX or CSV. Runs in the job's tenant context: the co-ordinator's employer, or the
    system national context for national staff's job; whoever started it was allowed to download it."""
    statements = PaymentStatement.objects.select_related("employer")
    statement = statements.filter(pk=job.params["statement_id"]).first()
    kind = job.params.get("format")
    if statement is None or kind not in exports.CONTENT_TYPES:
        raise JobError("This payment statement is no longer available.")
    total = exports.statement_line_count(statement)
    progress(0, total)
    make = exports.statement_xlsx if kind == "xlsx" else exports.statement_csv
    body = make(statement, progress=lambda done: progress(done, total))
    return JobOutput(
        filename=exports.filename(statement, kind), content_type=exports.CONTENT_TYPES[kind], content=body
    )


JOB_KINDS = [JobKind(STATEMENT_EXPORT, run_statement_export)]
