"""Registering many NQSWs at once from a CSV file: upload, check every row, confirm, done.

Nothing is saved until the co-ordinator confirms. Between the check and the confirmation the file's
text waits in their session (at most 2 MB); on confirmation it is checked again and saved all or none. A
file of more rows than ``settings.ASYE_UPLOAD_JOB_THRESHOLD`` is registered by a background job
(``programmes.jobs``): the confirmation leads to its progress page, and from there to the same done page.
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
    decode_csv,
    read_rows,
    template_csv,
    upload_check,
    upload_register,
)
from programmes.jobs import REGISTRATION_UPLOAD

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
    try:
        check = upload_check(actor=request.actor, text=form.text)
    except CsvFileError as exc:
        form.add_error("file", exc.message)
        return _render_upload(request, form)
    if check.bad_rows:
        return _render_upload(request, RegistrationUploadForm(), check)
    request.session[PENDING_KEY] = {
        "text": form.text,
        "fingerprint": check.fingerprint,
        "filename": form.cleaned_data["file"].name[:200],
    }
    request.session.pop(RESULT_KEY, None)
    return redirect("registration_upload:check")


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def check(request):
    """Check your answers: the rows about to be registered, and the button that registers them."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        messages.info(request, "Upload your file again: nothing from it has been saved")
        return redirect("registration_upload:upload")
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


def _job_result(request, job_id: str) -> dict | None:
    try:
        public_id = uuid.UUID(job_id)
    except ValueError:
        return None
    job = job_get_for_actor(actor=request.actor, public_id=public_id)
    if job.kind != REGISTRATION_UPLOAD or job.status != Job.Status.DONE:
        return None
    return {"registered": job.figures.get("registered", 0), "unfunded": job.figures.get("unfunded", 0)}


@employer_view(Role.COORDINATOR)
@require_GET
def template(request):
    """The CSV template: the column names, in order."""
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response
