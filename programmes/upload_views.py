"""Registering many NQSWs at once from a CSV file: upload, check every row, confirm, done.

Nothing is saved until the co-ordinator confirms. Between the check and the confirmation the file's
text waits in their session (at most 2 MB); on confirmation it is checked again and saved all or none. A
file of more rows than ``settings.ASYE_UPLOAD_CHECK_JOB_THRESHOLD`` is checked by a background job
(``programmes.jobs``): the upload leads to its progress page, and from there (``checked``) to the rows to
correct or to the page where they confirm. A file of more rows than ``settings.ASYE_UPLOAD_JOB_THRESHOLD``
is registered by a background job: the confirmation leads to its progress page, and from there to the
same done page.
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.jobs.models import Job
from asye.jobs.selectors import job_get_for_actor
from asye.jobs.services import job_start
from asye.web.decorators import employer_view
from programmes.csv_rows import (
    COLUMN_LABELS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    UPLOAD_COLUMNS,
    CsvFileError,
    UploadCheck,
    UploadRow,
    decode_csv,
    fingerprint,
    read_rows,
    template_csv,
    upload_check,
    upload_register,
    upload_rows_checked,
)
from programmes.jobs import REGISTRATION_CHECK, REGISTRATION_UPLOAD

PENDING_KEY = "registration_upload_pending"
RESULT_KEY = "registration_upload_result"
TEMPLATE_FILENAME = "asye-registrations-template.csv"


class RegistrationUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file saved as UTF-8, smaller than 2MB",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file",
            "missing": "Select a CSV file",
        },
    )

    text: str = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The selected file must be smaller than 2MB")
        try:
            self.text = decode_csv(upload.read())
        except CsvFileError as exc:
            raise ValidationError(exc.message) from exc
        return upload


def _render_upload(request, form, check: UploadCheck | None = None, status: int = 200):
    bad_rows = check.bad_rows if check else []
    summary = [
        {"href": f"#line-{row.line}", "message": f"Line {row.line}: {'; '.join(row.errors)}"}
        for row in bad_rows
    ]
    return render(
        request,
        "programmes_upload/upload.html",
        {
            "form": form,
            "check": check,
            "bad_rows": bad_rows,
            "summary_errors": summary,
            "has_errors": bool(form.errors or bad_rows),
            "columns": [(name, COLUMN_LABELS[name]) for name in UPLOAD_COLUMNS],
            "max_rows": MAX_UPLOAD_ROWS,
        },
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def upload(request):
    """Choose the file; every row is checked before anything else happens."""
    if request.method != "POST":
        return _render_upload(request, RegistrationUploadForm())
    form = RegistrationUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_upload(request, form)
    filename = form.cleaned_data["file"].name[:200]
    if (rows := _row_count(form.text)) > settings.ASYE_UPLOAD_CHECK_JOB_THRESHOLD:
        return _check_in_background(request, form.text, filename, rows)
    try:
        check = upload_check(actor=request.actor, text=form.text)
    except CsvFileError as exc:
        form.add_error("file", exc.message)
        return _render_upload(request, form)
    if check.bad_rows:
        return _render_upload(request, RegistrationUploadForm(), check)
    request.session[PENDING_KEY] = {"text": form.text, "fingerprint": check.fingerprint, "filename": filename}
    request.session.pop(RESULT_KEY, None)
    return redirect("registration_upload:check")


def _check_in_background(request, text: str, filename: str, rows: int):
    """A large file: its rows are checked by a job (``programmes.jobs``), with a progress page that leads
    to ``checked``. The file waits in the session meanwhile; the job keeps no copy once it has run."""
    digest = fingerprint(text)
    job = job_start(
        actor=request.actor,
        kind=REGISTRATION_CHECK,
        label=f"Checking the NQSWs in {filename or 'your file'}",
        params={"text": text, "fingerprint": digest},
        back_url=reverse("registration_upload:upload"),
        total=rows,
    )
    request.session[PENDING_KEY] = {
        "text": text,
        "fingerprint": digest,
        "filename": filename,
        "check_job": str(job.public_id),
    }
    request.session.pop(RESULT_KEY, None)
    return redirect("jobs:progress", pk=job.public_id)


@employer_view(Role.COORDINATOR)
@require_GET
def checked(request):
    """Where a check job's page leads (``?job=<its id>``, only for the co-ordinator who ran it): the rows to
    correct, with nothing saved, or, when every row is right, the page where they confirm."""
    job = _own_job(request, request.GET.get("job", ""), REGISTRATION_CHECK)
    pending = request.session.get(PENDING_KEY) or {}
    if job is None or job.status != Job.Status.DONE or pending.get("check_job") != str(job.public_id):
        messages.info(request, "Upload your file again: nothing from it has been saved")
        return redirect("registration_upload:upload")
    figures = job.figures
    if figures.get("fingerprint") != pending.get("fingerprint"):
        request.session.pop(PENDING_KEY, None)
        return redirect("registration_upload:upload")
    if figures.get("bad_rows"):
        request.session.pop(PENDING_KEY, None)
        rows = {row.line: row for row in upload_rows_checked(text=pending["text"], unfunded_lines=()).rows}
        bad = [
            UploadRow(line=line, values=rows[line].values if line in rows else {}, errors=list(errors))
            for line, errors in ((bad["line"], bad["errors"]) for bad in figures["bad_rows"])
        ]
        return _render_upload(request, RegistrationUploadForm(), UploadCheck(rows=bad, fingerprint=""))
    pending["checked_by_job"] = True
    pending["unfunded_lines"] = figures.get("unfunded_lines", [])
    request.session[PENDING_KEY] = pending
    return redirect("registration_upload:check")


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def check(request):
    """Check your answers: the rows about to be registered, and the button that registers them."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        messages.info(request, "Upload your file again: nothing from it has been saved")
        return redirect("registration_upload:upload")
    if pending.get("check_job") and not pending.get("checked_by_job"):
        return redirect("jobs:progress", pk=pending["check_job"])  # still being checked
    text = pending["text"]
    if request.method == "POST":
        if request.POST.get("fingerprint") != pending["fingerprint"]:
            # Another tab uploaded a different file after this page was shown.
            messages.info(request, "You uploaded another file since. Check these NQSWs before you confirm")
            return redirect("registration_upload:check")
        if _row_count(text) > settings.ASYE_UPLOAD_JOB_THRESHOLD:
            # A large file is registered off the web worker, with a progress page (programmes.jobs).
            job = job_start(
                actor=request.actor,
                kind=REGISTRATION_UPLOAD,
                label=f"Registering the NQSWs in {pending.get('filename') or 'your file'}",
                params={"text": text, "fingerprint": pending["fingerprint"]},
                back_url=reverse("registration_upload:upload"),
                total=_row_count(text),
            )
            request.session.pop(PENDING_KEY, None)
            return redirect("jobs:progress", pk=job.public_id)
        try:
            result = upload_register(actor=request.actor, text=text)
        except (ValidationError, IntegrityError):
            # Someone registered one of these NQSWs meanwhile: show which rows, as on first upload.
            request.session.pop(PENDING_KEY, None)
            current = _current_check(request, text)
            if current is None or not current.bad_rows:
                messages.info(
                    request,
                    "Some of these NQSWs were registered while you were checking. "
                    "Nothing from your file has been saved: upload it again",
                )
                return redirect("registration_upload:upload")
            return _render_upload(request, RegistrationUploadForm(), current)
        request.session.pop(PENDING_KEY, None)
        request.session[RESULT_KEY] = {
            "registered": result.registered,
            "unfunded": result.unfunded,
        }
        return redirect("registration_upload:done")
    if pending.get("checked_by_job"):
        # Checked by the job a moment ago: shown as it found them, and checked again on confirmation.
        current = upload_rows_checked(text=text, unfunded_lines=pending.get("unfunded_lines", []))
    else:
        current = _current_check(request, text)
    if current is None or current.bad_rows:
        request.session.pop(PENDING_KEY, None)
        if current is None:
            return redirect("registration_upload:upload")
        return _render_upload(request, RegistrationUploadForm(), current)
    return render(
        request,
        "programmes_upload/check.html",
        {
            "check": current,
            "rows": current.rows,
            "filename": pending.get("filename", ""),
            "in_background": len(current.rows) > settings.ASYE_UPLOAD_JOB_THRESHOLD,
        },
    )


def _row_count(text: str) -> int:
    """How many NQSWs the file holds (read, not checked: no query)."""
    try:
        return len(read_rows(text, columns=UPLOAD_COLUMNS, max_rows=MAX_UPLOAD_ROWS))
    except CsvFileError:
        return 0


def _current_check(request, text: str) -> UploadCheck | None:
    try:
        return upload_check(actor=request.actor, text=text)
    except CsvFileError:
        return None


@employer_view(Role.COORDINATOR)
@require_GET
def done(request):
    """What was registered: from the session, or, for a file registered by a background job, from the job
    (``?job=<its id>``, which only the co-ordinator who ran it can read)."""
    if job_id := request.GET.get("job"):
        result = _job_result(request, job_id)
    else:
        result = request.session.pop(RESULT_KEY, None)
    if not result:
        return redirect("registration_upload:upload")
    return render(request, "programmes_upload/done.html", {"result": result})


def _own_job(request, job_id: str, kind: str) -> Job | None:
    """The actor's own job of ``kind`` (404 for anyone else's); None for a malformed id or another kind."""
    try:
        public_id = uuid.UUID(job_id)
    except ValueError:
        return None
    job = job_get_for_actor(actor=request.actor, public_id=public_id)
    return job if job.kind == kind else None


def _job_result(request, job_id: str) -> dict | None:
    job = _own_job(request, job_id, REGISTRATION_UPLOAD)
    if job is None or job.status != Job.Status.DONE:
        return None
    return {"registered": job.figures.get("registered", 0), "unfunded": job.figures.get("unfunded", 0)}


@employer_view(Role.COORDINATOR)
@require_GET
def template(request):
    """The CSV template: the column names, in order."""
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response
