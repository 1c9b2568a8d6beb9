"""``seed_demo`` leaves a background-job history (#15): national staff's ``/jobs/`` page shows a finished
CSV registration, portfolio pack and statement build and a failed registration with its readable error;
the demo co-ordinator opens their own jobs' pages; a second run makes no more."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from asye.jobs.models import Job
from asye.tenancy.db import system_national_context
from funding.jobs import STATEMENTS_BUILD
from portfolios.jobs import PORTFOLIO_PACK
from programmes.jobs import REGISTRATION_UPLOAD

pytestmark = pytest.mark.django_db


def demo_jobs() -> list[Job]:
    with system_national_context():
        return list(Job.objects.select_related("created_by", "employer").order_by("kind", "status"))


def test_the_demo_has_finished_and_failed_jobs_once_and_the_history_shows_them(client, login):
    call_command("seed_demo", stdout=StringIO())
    jobs = demo_jobs()
    assert sorted((job.kind, job.status) for job in jobs) == [
        (STATEMENTS_BUILD, Job.Status.DONE),
        (PORTFOLIO_PACK, Job.Status.DONE),
        (REGISTRATION_UPLOAD, Job.Status.DONE),
        (REGISTRATION_UPLOAD, Job.Status.FAILED),
    ]
    by_kind = {(job.kind, job.status): job for job in jobs}
    imported = by_kind[(REGISTRATION_UPLOAD, Job.Status.DONE)]
    assert imported.created_by.email == "coordinator@demo.example"
    assert imported.employer.name == "Demo County Council" and imported.figures["registered"] > 0
    assert imported.summary == f"{imported.figures['registered']} NQSWs registered"
    pack = by_kind[(PORTFOLIO_PACK, Job.Status.DONE)]
    assert pack.result_filename.endswith(".pdf") and pack.result_bytes > 0  # made for real
    built = by_kind[(STATEMENTS_BUILD, Job.Status.DONE)]
    assert built.employer_id is None and built.created_by.email == "national@demo.example"
    assert built.figures["statements"] >= 1 and "statement" in built.summary
    failed = by_kind[(REGISTRATION_UPLOAD, Job.Status.FAILED)]
    messages = [error["message"] for error in failed.errors]
    assert messages[0].startswith("Line 2: ") and "Nothing from your file has been saved" in messages[-1]
    assert "text" not in failed.params
    for job in jobs:
        assert job.duration is not None and job.finished_at >= job.started_at >= job.created_at

    call_command("seed_demo", stdout=StringIO())
    assert len(demo_jobs()) == 4

    login(built.created_by)
    page = client.get(reverse("jobs:history")).content.decode()
    for title in ("Registering NQSWs from a CSV file", "Portfolio pack", "Building payment statements"):
        assert title in page
    assert messages[0] in page  # the failure, readable, under "Recent failures"

    login(imported.created_by, imported.employer)
    progress = client.get(reverse("jobs:progress", kwargs={"pk": failed.public_id}))
    assert progress.status_code == 200 and messages[0] in progress.content.decode()
    progress = client.get(reverse("jobs:progress", kwargs={"pk": imported.public_id}))
    assert progress.status_code == 200 and imported.summary in progress.content.decode()
