"""Funding's background jobs (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): a payment statement's export,
for a statement of more lines than ``settings.ASYE_EXPORT_JOB_THRESHOLD`` (``funding/statement_downloads``;
the bytes are those of the immediate download, ``funding.exports``), and building every employer's
statement for a month once national staff confirm it, when more than
``settings.ASYE_STATEMENTS_JOB_THRESHOLD`` would be built (``funding.national_statement_views``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from asye.accounts.actor import build_actor
from asye.accounts.models import Role
from asye.jobs.kinds import JobError, JobKind, JobOutput
from funding import exports, statement_services
from funding.models import PaymentStatement

STATEMENT_EXPORT = "funding.statement_export"
STATEMENTS_BUILD = "funding.statements_build"


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


def run_statements_build(job, progress) -> JobOutput:
    """Every employer's statement for the month (``funding.statement_services.statements_build_all``), as
    the member of national staff who confirmed, rebuilt from their memberships when it runs. All or none."""
    actor = build_actor(job.created_by, employer_id=None)
    if not actor.has_role(Role.NATIONAL_STAFF):
        raise JobError("Only national staff build payment statements.")
    month = datetime.date.fromisoformat(job.params["month"])
    try:
        built = statement_services.statements_build_all(actor=actor, month=month, progress=progress)
    except ValidationError as error:
        raise JobError(*error.messages) from error
    total = sum((statement.total for statement in built), Decimal("0"))
    return JobOutput(
        summary=f"{len(built)} statement{'s' if len(built) != 1 else ''} built for {month:%B %Y}",
        figures={"statements": len(built), "total": str(total), "month": month.isoformat()},
    )


def statements_url(job) -> str:
    return f"{reverse('national_funding:statements')}?status=draft"


JOB_KINDS = [
    JobKind(STATEMENT_EXPORT, run_statement_export, title="Payment statement export"),
    JobKind(
        STATEMENTS_BUILD,
        run_statements_build,
        result_url=statements_url,
        title="Building payment statements",
        result_label="Check each statement, then authorise it",
        failed_heading="The statements could not be built",
    ),
]
