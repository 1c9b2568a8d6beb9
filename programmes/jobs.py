"""The programmes app's background jobs (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): checking the rows
of a CSV file of more rows than ``settings.ASYE_UPLOAD_CHECK_JOB_THRESHOLD``, and registering the NQSWs of a
file of more rows than ``settings.ASYE_UPLOAD_JOB_THRESHOLD`` (``programmes.upload_views``).

The check saves nothing: it keeps, on the job, each bad row's line and what to correct, and the lines
not eligible for funding; the file itself waits in the co-ordinator's session, as for a small file.

The job runs ``upload_register`` as the co-ordinator who confirmed, rebuilt from their memberships when it
runs (so a co-ordinator who lost the role meanwhile registers nothing), all or none as on the page. The
file's text waits in the job's parameters (in the database, under the employer's row-level security, as it
waited in the session) and is blanked when the job ends."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from asye.accounts.actor import build_actor
from asye.jobs.kinds import JobError, JobKind, JobOutput
from programmes.csv_rows import CsvFileError, upload_check, upload_register
from programmes.models import FundingStatus

REGISTRATION_UPLOAD = "programmes.registration_upload"
REGISTRATION_CHECK = "programmes.registration_check"
NOTHING_SAVED = "Nothing from your file has been saved: correct it and upload it again."


def _file_and_actor(job):
    """The uploaded file's text, taken out of the job's parameters (it is not kept), and the person who
    uploaded it acting for the job's employer; a JobError if either is gone."""
    text = job.params.get("text", "")
    job.params = {key: value for key, value in job.params.items() if key != "text"}
    if not text:
        raise JobError("This file is no longer available.", NOTHING_SAVED)
    actor = build_actor(job.created_by, employer_id=job.employer_id)
    if actor.employer_id != job.employer_id:
        raise JobError("You no longer work for this employer.", NOTHING_SAVED)
    return text, actor


def run_registration_check(job, progress) -> JobOutput:
    text, actor = _file_and_actor(job)
    try:
        check = upload_check(actor=actor, text=text, progress=progress)
    except CsvFileError as error:
        raise JobError(error.message, NOTHING_SAVED) from error
    bad = [{"line": row.line, "errors": row.errors} for row in check.bad_rows]
    rows = len(check.rows)
    if bad:
        summary = f"{len(bad)} of {rows} rows {'needs' if len(bad) == 1 else 'need'} correcting"
    else:
        summary = f"All {rows} rows can be registered"
    return JobOutput(
        summary=summary,
        figures={
            "rows": rows,
            "fingerprint": check.fingerprint,
            "bad_rows": bad,
            "unfunded_lines": [
                row.line for row in check.rows if row.funding_status == FundingStatus.UNFUNDED
            ],
        },
    )


def check_result_url(job) -> str:
    return f"{reverse('registration_upload:checked')}?job={job.public_id}"


def run_registration_upload(job, progress) -> JobOutput:
    text, actor = _file_and_actor(job)
    try:
        result = upload_register(actor=actor, text=text, progress=progress)
    except ValidationError as error:
        raise JobError(*error.messages[:50], NOTHING_SAVED) from error
    except IntegrityError as error:
        raise JobError("Some of these NQSWs were registered while this ran.", NOTHING_SAVED) from error
    except CsvFileError as error:
        raise JobError(error.message, NOTHING_SAVED) from error
    except PermissionDenied as error:
        raise JobError("Only the employer's ASYE co-ordinators register NQSWs.", NOTHING_SAVED) from error
    return JobOutput(
        summary=f"{result.registered} NQSW{'s' if result.registered != 1 else ''} registered",
        figures={"registered": result.registered, "unfunded": result.unfunded},
    )


def upload_result_url(job) -> str:
    return f"{reverse('registration_upload:done')}?job={job.public_id}"


JOB_KINDS = [
    JobKind(
        REGISTRATION_CHECK,
        run_registration_check,
        result_url=check_result_url,
        title="Checking NQSWs in a CSV file",
        result_label="Continue",
        failed_heading="Your file could not be checked",
    ),
    JobKind(
        REGISTRATION_UPLOAD,
        run_registration_upload,
        result_url=upload_result_url,
        title="Registering NQSWs from a CSV file",
        result_label="See what happens next",
        failed_heading="Your file could not be registered",
    ),
]
