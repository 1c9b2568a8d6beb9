"""A payment statement's XLSX or CSV as a download, for the co-ordinator's and national staff's statement
pages: at once for a statement of up to ``settings.ASYE_EXPORT_JOB_THRESHOLD`` lines (the CSV streamed as
it is read), by a background job with a progress page for a longer one. The callers have found the
statement through their own scoped selector, so whoever gets here may have it."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from asye.jobs.services import job_start
from asye.tenancy.db import tenant_context
from funding import exports
from funding.jobs import STATEMENT_EXPORT
from funding.models import PaymentStatement

DESCRIPTIONS = {"xlsx": "as a spreadsheet (XLSX)", "csv": "as a CSV file"}


def _streamed_csv(statement: PaymentStatement) -> Iterator[bytes]:
    """The CSV's chunks, read in the statement's employer's tenant context: a streamed body is sent after
    the view (and the request's tenant context, national scope included) has returned. Only that employer's
    rows are readable in it, whoever asked."""
    with tenant_context(statement.employer_id):
        yield from exports.statement_csv_chunks(statement)


def statement_download(request, statement: PaymentStatement, kind: str, *, national: bool = False):
    """The statement as an attachment, or a redirect to the job that makes it."""
    lines = exports.statement_line_count(statement)
    if lines > settings.ASYE_EXPORT_JOB_THRESHOLD:
        page = "national_funding:statement" if national else "funding:statement"
        job = job_start(
            actor=request.actor,
            kind=STATEMENT_EXPORT,
            label=f"Payment statement {statement.reference} {DESCRIPTIONS[kind]}",
            params={"statement_id": statement.pk, "format": kind},
            national=national,
            back_url=reverse(page, args=[statement.pk]),
            total=lines,
        )
        return redirect("jobs:progress", pk=job.public_id)
    if kind == "xlsx":
        response = HttpResponse(exports.statement_xlsx(statement), content_type=exports.CONTENT_TYPES[kind])
    else:
        response = StreamingHttpResponse(_streamed_csv(statement), content_type=exports.CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(statement, kind)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
