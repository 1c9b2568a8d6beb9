"""Long work runs as a background job when it is large (#15 item 4): the CSV registration, the NQAP
moderation pack and building many payment statements (after a confirmation that says how many and for how
much); the job keeps who ran it, when, how long and what it made; national staff see every kind's history
at /jobs/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.jobs.models import Job
from asye.tenancy.db import system_national_context
from funding.jobs import STATEMENTS_BUILD
from funding.models import ClaimStatus, PaymentStatement
from funding.services import claim_approve
from programmes.jobs import REGISTRATION_UPLOAD
from programmes.models import Registration
from reviews.jobs import MODERATION_PACK
from tests.funding.helpers import approve, claim_of, national_actor, register, submitted
from tests.programmes.test_upload import CHECK, UPLOAD, csv_file, good_rows
from tests.reviews.test_moderation_support import assigned_case, make_moderator
from tests.today import TODAY

pytestmark = pytest.mark.django_db


def only_job(kind: str) -> Job:
    with system_national_context():
        return Job.objects.select_related("created_by").get(kind=kind)


# --- The CSV registration ------------------------------------------------------------------------------


def _upload_and_confirm(client, rows, capture):
    assert client.post(UPLOAD, {"file": csv_file(*rows)}).status_code == 302
    fingerprint = client.get(CHECK).context["check"].fingerprint
    with capture(execute=True):
        return client.post(CHECK, {"fingerprint": fingerprint})


def test_a_large_file_is_registered_by_a_job_and_its_page_leads_to_what_happens_next(
    client, login, employer_a, settings, django_capture_on_commit_callbacks
):
    settings.ASYE_UPLOAD_JOB_THRESHOLD = 2
    login(employer_a.coordinator)
    response = _upload_and_confirm(client, good_rows(3), django_capture_on_commit_callbacks)
    job = only_job(REGISTRATION_UPLOAD)
    assert response.url == reverse("jobs:progress", kwargs={"pk": job.public_id})
    assert job.status == Job.Status.DONE and job.created_by == employer_a.coordinator
    assert job.figures == {"registered": 3, "unfunded": 0} and job.summary == "3 NQSWs registered"
    assert job.duration is not None and "text" not in job.params  # the file's rows are not kept
    with system_national_context():
        assert Registration.objects.filter(employer=employer_a.employer).count() == 3
    page = client.get(response.url).content.decode()
    assert "3 NQSWs registered" in page and "See what happens next" in page
    done = client.get(f"{reverse('registration_upload:done')}?job={job.public_id}")
    assert done.status_code == 200 and "3 NQSWs registered" in done.content.decode()


def test_a_small_file_is_still_registered_at_once(
    client, login, employer_a, django_capture_on_commit_callbacks
):
    login(employer_a.coordinator)
    response = _upload_and_confirm(client, good_rows(2), django_capture_on_commit_callbacks)
    assert response.url == reverse("registration_upload:done")
    with system_national_context():
        assert not Job.objects.filter(kind=REGISTRATION_UPLOAD).exists()


def test_a_file_whose_rows_became_invalid_registers_nothing_and_says_why(
    client, login, employer_a, settings, django_capture_on_commit_callbacks
):
    settings.ASYE_UPLOAD_JOB_THRESHOLD = 1
    login(employer_a.coordinator)
    rows = good_rows(2)
    assert client.post(UPLOAD, {"file": csv_file(*rows)}).status_code == 302
    fingerprint = client.get(CHECK).context["check"].fingerprint
    register(employer_a, swe_number="SW900001")  # someone registers the first NQSW meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHECK, {"fingerprint": fingerprint})
    job = only_job(REGISTRATION_UPLOAD)
    assert job.status == Job.Status.FAILED and "text" not in job.params
    messages = [error["message"] for error in job.errors]
    assert any(message.startswith("Line 2:") for message in messages)
    page = client.get(response.url).content.decode()
    assert "Your file could not be registered" in page and "Nothing from your file has been saved" in page
    with system_national_context():
        assert Registration.objects.filter(employer=employer_a.employer).count() == 1


def test_another_coordinator_cannot_read_the_jobs_result(
    client, login, employer_a, employer_b, settings, django_capture_on_commit_callbacks
):
    settings.ASYE_UPLOAD_JOB_THRESHOLD = 1
    login(employer_a.coordinator)
    _upload_and_confirm(client, good_rows(2), django_capture_on_commit_callbacks)
    job = only_job(REGISTRATION_UPLOAD)
    login(employer_b.coordinator)
    assert client.get(f"{reverse('registration_upload:done')}?job={job.public_id}").status_code == 404


# --- The NQAP moderation pack --------------------------------------------------------------------------


def test_a_large_moderation_pack_is_made_by_a_job_then_served_to_the_moderator(
    client, login, employer_a, national_staff, settings, django_capture_on_commit_callbacks
):
    settings.ASYE_PACK_JOB_THRESHOLD = 0
    moderator = make_moderator()
    case = assigned_case(employer_a, national_staff, moderator, evidence=True)
    login(moderator)
    url = reverse("moderation:my_case_pack", args=[case.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    job = only_job(MODERATION_PACK)
    assert response.status_code == 302 and response.url == reverse(
        "jobs:progress", kwargs={"pk": job.public_id}
    )
    assert job.status == Job.Status.DONE and job.employer_id is None
    with system_national_context():
        name = case.portfolio.registration.full_name
    assert str(case.pk) in job.label and name not in job.label
    page = client.get(response.url).content.decode()
    assert url in page  # the result sends them back to the pack's address, which checks them again
    pdf = client.get(url)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    # Anyone else: 404 for the job's page, as for the pack.
    login(make_moderator("other@nqap.example"))
    assert client.get(response.url).status_code == 404
    assert client.get(url).status_code == 404


# --- Building many payment statements ------------------------------------------------------------------


@pytest.fixture
def approved_pair(employer_a, employer_b, national_staff):
    national = national_actor(national_staff)
    for tenant in (employer_a, employer_b):
        claim = submitted(tenant, claim_of(approve(national, register(tenant))))
        claim_approve(actor=national, claim_id=claim.pk)
    return national


def test_building_many_statements_asks_first_then_runs_as_a_job(
    client, login, national_staff, approved_pair, settings, django_capture_on_commit_callbacks
):
    settings.ASYE_STATEMENTS_JOB_THRESHOLD = 1
    login(national_staff)
    month = TODAY.replace(day=1).isoformat()
    response = client.post(reverse("national_funding:statements"), {"employer": "all", "month": month})
    assert response.status_code == 302 and "build/confirm" in response.url
    page = client.get(response.url).content.decode()
    assert "Build 2 payment statements for" in page and "Build 2 statements for £2,000" in page
    with system_national_context():
        assert not PaymentStatement.objects.exists()  # nothing until confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response.url, {"month": month, "expected": 2})
    job = only_job(STATEMENTS_BUILD)
    assert response.url == reverse("jobs:progress", kwargs={"pk": job.public_id})
    assert job.status == Job.Status.DONE and job.created_by == national_staff
    assert job.figures["statements"] == 2 and job.figures["total"] == "2000.00"
    with system_national_context():
        assert PaymentStatement.objects.count() == 2
        assert PaymentStatement.objects.filter(claims__status=ClaimStatus.ON_STATEMENT).count() == 2
    assert "2 statements built" in client.get(response.url).content.decode()


def test_a_confirmation_whose_figures_changed_is_shown_again(
    client, login, national_staff, approved_pair, settings
):
    settings.ASYE_STATEMENTS_JOB_THRESHOLD = 1
    login(national_staff)
    month = TODAY.replace(day=1).isoformat()
    url = f"{reverse('national_funding:statements_build_confirm')}?month={month}"
    response = client.post(url, {"month": month, "expected": 5})
    assert response.status_code == 409 and "The figures have changed" in response.content.decode()
    with system_national_context():
        assert not Job.objects.exists() and not PaymentStatement.objects.exists()


def test_only_national_staff_reach_the_confirmation(client, login, employer_a, approved_pair):
    login(employer_a.coordinator)
    month = TODAY.replace(day=1).isoformat()
    response = client.get(f"{reverse('national_funding:statements_build_confirm')}?month={month}")
    assert response.status_code in (403, 404)


# --- National staff's job history ----------------------------------------------------------------------


def test_national_staff_see_each_kinds_last_run_duration_failures_and_queue(
    client, login, employer_a, national_staff, settings, django_capture_on_commit_callbacks
):
    settings.ASYE_UPLOAD_JOB_THRESHOLD = 1
    login(employer_a.coordinator)
    _upload_and_confirm(client, good_rows(2), django_capture_on_commit_callbacks)
    login(national_staff)
    response = client.get(reverse("jobs:history"))
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Registering NQSWs from a CSV file", "NQAP moderation pack", "Building payment statements"):
        assert title in page
    kinds = {kind.name: kind for kind in response.context["kinds"]}
    upload = kinds[REGISTRATION_UPLOAD]
    assert upload.runs == 1 and upload.failures == 0 and upload.last.employer_id == employer_a.employer.pk
    assert "Tasks waiting in the queue" in page
    # No NQSW's name from a job's label on the page.
    assert "Person1" not in page


def test_the_queue_is_not_available_without_redis(client, login, national_staff, settings):
    settings.REDIS_URL = ""
    login(national_staff)
    page = client.get(reverse("jobs:history")).content.decode()
    assert "Not available" in page and "jobs run at once" in page


@pytest.mark.parametrize("role", ["coordinator", "assessor", "nqsw"])
def test_employers_people_do_not_see_the_history(role, client, login, employer_a):
    login(getattr(employer_a, role))
    assert client.get(reverse("jobs:history")).status_code in (403, 404)
