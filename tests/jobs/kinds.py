"""Job kinds for the jobs tests only (added to ``ASYE_CONTRIBUTIONS["job_kinds"]`` by the ``test_kinds``
fixture): one that writes what it was given and the tenant context it ran in, one that breaks, one that
refuses with a message for the person."""

from __future__ import annotations

from asye.jobs.kinds import JobError, JobKind, JobOutput
from asye.tenancy.db import current_settings

RUNS: list[int] = []


def run_echo(job, progress) -> JobOutput:
    RUNS.append(job.pk)
    steps = int(job.params.get("steps", 3))
    for done in range(steps + 1):
        progress(done, steps)
    settings = current_settings()
    body = f"{job.params.get('text', '')}|employer={settings['app.employer_id']}|national={settings['app.national']}"
    return JobOutput(filename="echo.txt", content_type="text/plain; charset=utf-8", content=body.encode())


def run_broken(job, progress) -> JobOutput:
    raise ValueError("an internal detail nobody should see")


def run_refused(job, progress) -> JobOutput:
    raise JobError("The statement is no longer available.", "Ask national staff.")


JOB_KINDS = [
    JobKind("tests.echo", run_echo),
    JobKind("tests.broken", run_broken),
    JobKind("tests.refused", run_refused),
]
