"""The programmes app's background jobs (``settings.ASYE_CONTRIBUTIONS["job_kinds"]``): registering the NQSWs
of a CSV file of more rows than ``settings.ASYE_UPLOAD_JOB_THRESHOLD`` (``programmes.upload_views``).

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
from programmes.csv_rows import CsvFileError, upload_register

REGISTRATION_UPLOAD = "programmes.registration_upload"
NOTHING_SAVED = "Nothing from your file has been saved: correct it and upload it again."


def run_registration_upload(job, progress) -> JobOutput:
    text = job.params.get("text", "")
    job.params = {key: value for key, value in job.params.items() if key != "text"}
    if not text:
        raise JobError("This file is no longer available.", NOTHING_SAVED)
    actor = build_actor(job.created_by, employer_id=job.employer_id)
    if actor.employer_id != job.employer_id:
        raise JobError("You no longer work for this employer.", NOTHING_SAVED)
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
        REGISTRATION_UPLOAD,
        run_registration_upload,
        result_url=upload_result_url,
        title="Registering NQSWs from a CSV file",
        result_label="See what happens next",
        failed_heading="Your file could not be registered",
    )
]
