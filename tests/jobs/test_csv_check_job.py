"""A large CSV registration is checked by a background job (#15 item 4, "the CSV registration (check and
register)"): the upload leads to the job's progress page (meta refresh, no JavaScript needed), the job
reports every bad row and saves nothing, and a file whose rows are all right goes on to the page where
the co-ordinator confirms. Only the co-ordinator who uploaded reads the job's result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.jobs.models import Job
from asye.tenancy.db import system_national_context
from programmes.jobs import REGISTRATION_CHECK
from programmes.models import Registration
from programmes.upload_views import PENDING_KEY
from tests.programmes.test_upload import CHECK, DONE, UPLOAD, csv_file, good_rows, row

pytestmark = pytest.mark.django_db

CHECKED = reverse("registration_upload:checked")


def the_check_job() -> Job:
    with system_national_context():
        return Job.objects.select_related("created_by").get(kind=REGISTRATION_CHECK)


def registered(employer) -> int:
    with system_national_context():
        return Registration.objects.filter(employer=employer).count()


@pytest.fixture
def large(settings):
    settings.ASYE_UPLOAD_CHECK_JOB_THRESHOLD = 2


def test_every_bad_row_is_reported_by_the_job_and_nothing_is_saved(
    client, login, employer_a, large, django_capture_on_commit_callbacks
):
    login(employer_a.coordinator)
    rows = [
        row(first="Ada", swe="SW900001"),
        row(first="Ben", swe="123"),  # line 3: not a Social Work England number
        row(first="Cai", swe="SW900003", start="31/02/2026"),  # line 4: no such date
        row(first="Dee", swe="SW900001"),  # line 5: the same number as line 2
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": csv_file(*rows)})
    job = the_check_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:progress", kwargs={"pk": job.public_id})
    assert job.status == Job.Status.DONE and job.created_by == employer_a.coordinator
    assert "text" not in job.params  # the file's rows are not kept on the job
    assert [bad["line"] for bad in job.figures["bad_rows"]] == [2, 3, 4, 5]
    assert job.summary == "4 of 4 rows need correcting"
    progress = client.get(response["Location"]).content.decode()
    assert f"{CHECKED}?job={job.public_id}" in progress and "4 of 4 rows need correcting" in progress

    page = client.get(f"{CHECKED}?job={job.public_id}")
    html = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in html
    assert "4 rows in your file have problems. Nothing from the file has been saved." in html
    for line in (2, 3, 4, 5):
        assert f'id="line-{line}"' in html and f'href="#line-{line}"' in html
    assert "Ben Okafor" in html and "is also on line 5" in html and "is also on line 2" in html
    assert registered(employer_a.employer) == 0
    assert PENDING_KEY not in client.session  # upload the corrected file again


def test_a_file_whose_rows_are_right_goes_on_to_the_confirmation_and_is_registered(
    client, login, employer_a, large, django_capture_on_commit_callbacks, unscoped
):
    login(employer_a.coordinator)
    rows = [*good_rows(3), row(first="Old", swe="SW900009", qualified="2015-01-05")]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(UPLOAD, {"file": csv_file(*rows)})
    job = the_check_job()
    assert job.figures["bad_rows"] == [] and job.figures["unfunded_lines"] == [5]
    assert job.summary == "All 4 rows can be registered"
    response = client.get(f"{CHECKED}?job={job.public_id}")
    assert response.status_code == 302 and response["Location"] == CHECK
    page = client.get(CHECK)
    html = page.content.decode()
    assert page.status_code == 200 and "Register 4 NQSWs" in html
    assert "Person3" in html and html.count("Not eligible") == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHECK, {"fingerprint": page.context["check"].fingerprint})
    assert response.status_code == 302 and response["Location"] == DONE
    assert registered(employer_a.employer) == 4


def test_while_the_job_waits_its_page_refreshes_itself_and_the_confirmation_waits_for_it(
    client, login, employer_a, large, django_capture_on_commit_callbacks
):
    login(employer_a.coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(UPLOAD, {"file": csv_file(*good_rows(3))})
    job = the_check_job()
    assert job.status == Job.Status.QUEUED
    progress = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in progress
    # Not checked yet: the confirmation and the result both send them back to wait.
    assert client.get(CHECK)["Location"] == response["Location"]
    assert client.get(f"{CHECKED}?job={job.public_id}")["Location"] == UPLOAD
    assert registered(employer_a.employer) == 0


def test_a_small_file_is_still_checked_at_once(client, login, employer_a, django_capture_on_commit_callbacks):
    login(employer_a.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": csv_file(*good_rows(3))})
    assert response["Location"] == CHECK
    with system_national_context():
        assert not Job.objects.filter(kind=REGISTRATION_CHECK).exists()


def test_only_the_coordinator_who_uploaded_reads_the_check(
    client, login, employer_a, employer_b, large, django_capture_on_commit_callbacks
):
    login(employer_a.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(UPLOAD, {"file": csv_file(*good_rows(3))})
    job = the_check_job()
    url = f"{CHECKED}?job={job.public_id}"
    login(employer_b.coordinator)
    assert client.get(url).status_code == 404
    assert client.get(reverse("jobs:progress", kwargs={"pk": job.public_id})).status_code == 404
    assert client.get(f"{CHECKED}?job=not-a-job")["Location"] == UPLOAD
    login(employer_a.assessor)
    assert client.get(url).status_code in (403, 404)
