"""Background jobs: a job runs once, in its own tenant context, to a file or a recorded failure; its page
refreshes itself while it runs (a meta refresh without JavaScript) and shows the result or the errors when
it has finished; only the person who ran it, for the employer they act for (or nationally), reaches it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.jobs.models import Job
from asye.jobs.runner import FAILED_MESSAGE, job_run, progress_cache_key
from asye.tenancy.db import tenant_context, tenant_settings
from tests.factories import person

pytestmark = pytest.mark.django_db


def fresh(job, unscoped) -> Job:
    with unscoped():
        return Job.objects.get(pk=job.pk)


# --- Lifecycle -----------------------------------------------------------------------------------------


def test_a_job_runs_to_its_file_recording_who_when_and_how_long(start, employer_a, unscoped):
    job = start(employer_a.coordinator, employer_a.employer, text="hello", steps=4)
    job = fresh(job, unscoped)
    assert job.status == Job.Status.DONE
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert job.created_by == employer_a.coordinator and job.employer_id == employer_a.employer.pk
    assert job.created_at <= job.started_at <= job.finished_at and job.duration is not None
    assert job.result.name.startswith(f"employers/{employer_a.employer.pk}/jobs/{job.public_id}/")
    body = job.result.open("rb").read().decode()
    # Run in the employer's own context, not nationally.
    assert body == f"hello|employer={employer_a.employer.pk}|national="
    assert job.result_bytes == len(body) and job.result_filename == "echo.txt"
    with unscoped():
        assert AuditEvent.objects.filter(action="job.started", object_id=str(job.pk)).count() == 1


def test_a_national_job_runs_in_the_system_national_context(start, national_staff, unscoped):
    job = fresh(start(national_staff, None, text="all"), unscoped)
    assert job.employer_id is None and job.status == Job.Status.DONE
    assert job.result.name.startswith(f"national/jobs/{job.public_id}/")
    assert job.result.open("rb").read().decode() == "all|employer=|national=on"


def test_a_job_is_queued_until_the_transaction_commits_and_runs_once(start, employer_a, test_kinds, unscoped):
    job = start(employer_a.coordinator, employer_a.employer, run=False)
    assert fresh(job, unscoped).status == Job.Status.QUEUED and test_kinds.RUNS == []
    first = job_run(job_id=job.pk, employer_id=employer_a.employer.pk)
    assert first.status == Job.Status.DONE and test_kinds.RUNS == [job.pk]
    finished_at = first.finished_at
    # A redelivered task finds it finished and leaves it as it is.
    again = job_run(job_id=job.pk, employer_id=employer_a.employer.pk)
    assert again.status == Job.Status.DONE and again.finished_at == finished_at
    assert test_kinds.RUNS == [job.pk]


def test_pressing_the_button_twice_while_it_waits_starts_one_job(start, employer_a, unscoped):
    first = start(employer_a.coordinator, employer_a.employer, run=False, text="x")
    second = start(employer_a.coordinator, employer_a.employer, run=False, text="x")
    other = start(employer_a.coordinator, employer_a.employer, run=False, text="y")
    assert first.pk == second.pk != other.pk
    # Once finished, asking again makes a new one.
    job_run(job_id=first.pk, employer_id=employer_a.employer.pk)
    assert start(employer_a.coordinator, employer_a.employer, run=False, text="x").pk != first.pk


def test_a_job_of_another_employer_is_not_run_in_this_ones_context(start, employer_a, employer_b, test_kinds):
    job = start(employer_a.coordinator, employer_a.employer, run=False)
    # The row is invisible in B's context (row-level security), so nothing runs.
    assert job_run(job_id=job.pk, employer_id=employer_b.employer.pk) is None
    assert test_kinds.RUNS == []


def test_a_failure_is_recorded_without_its_internals(start, employer_a, unscoped):
    job = fresh(start(employer_a.coordinator, employer_a.employer, "tests.broken"), unscoped)
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.errors == [{"message": FAILED_MESSAGE}]
    assert not job.result


def test_a_refusal_is_recorded_in_the_words_given(start, employer_a, unscoped):
    job = fresh(start(employer_a.coordinator, employer_a.employer, "tests.refused"), unscoped)
    assert job.status == Job.Status.FAILED
    assert [e["message"] for e in job.errors] == [
        "The statement is no longer available.",
        "Ask national staff.",
    ]


def test_row_level_security_keeps_jobs_to_their_employer_and_national_jobs_to_their_runner(
    start, employer_a, employer_b, national_staff
):
    start(employer_a.coordinator, employer_a.employer, run=False)
    start(national_staff, None, run=False)
    with tenant_context(employer_b.employer.pk):
        assert Job.objects.count() == 0
    with tenant_context(employer_a.employer.pk):
        assert Job.objects.count() == 1
    other = person(role=Role.NATIONAL_STAFF, email="other.national@skillsforcare.example")
    with tenant_settings(user_id=other.pk):
        assert Job.objects.count() == 0
    with tenant_settings(user_id=national_staff.pk):
        assert Job.objects.filter(employer__isnull=True).count() == 1


# --- The progress page ----------------------------------------------------------------------------------


def page(client, job, name="jobs:progress"):
    return client.get(reverse(name, kwargs={"pk": job.public_id}))


def test_while_the_job_runs_the_page_refreshes_itself_and_says_how_far_it_has_got(
    client, login, start, employer_a, unscoped
):
    job = start(employer_a.coordinator, employer_a.employer, run=False)
    login(employer_a.coordinator)
    html = page(client, job).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "Waiting to start" in html and "A test file" in html and 'src="/static/jobs/progress.js"' in html
    with unscoped():
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    cache.set(progress_cache_key(job.pk), (1200, 8633))
    html = page(client, job).content.decode()
    assert 'http-equiv="refresh"' in html and "1,200 of 8,633 done (13%)" in html


def test_a_finished_job_shows_its_download_and_stops_refreshing(client, login, start, employer_a):
    job = start(employer_a.coordinator, employer_a.employer, text="ready")
    login(employer_a.coordinator)
    response = page(client, job)
    html = response.content.decode()
    assert response.status_code == 200
    assert "http-equiv" not in html and "progress.js" not in html
    assert "Your file is ready" in html and "Download echo.txt" in html
    download = page(client, job, "jobs:download")
    assert download["Content-Disposition"] == 'attachment; filename="echo.txt"'
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"ready|")


def test_a_failed_job_shows_what_went_wrong_and_has_nothing_to_download(client, login, start, employer_a):
    job = start(employer_a.coordinator, employer_a.employer, "tests.refused")
    login(employer_a.coordinator)
    html = page(client, job).content.decode()
    assert "Sorry, we could not make this file" in html and "The statement is no longer available." in html
    assert "http-equiv" not in html
    assert page(client, job, "jobs:download").status_code == 404


@pytest.mark.parametrize("name", ["jobs:progress", "jobs:download"])
def test_only_the_person_who_ran_the_job_reaches_it(client, login, start, employer_a, employer_b, name):
    job = start(employer_a.coordinator, employer_a.employer)
    # A colleague at the same employer, another employer's co-ordinator, national staff: all 404.
    colleague = person(
        role=Role.COORDINATOR, employer=employer_a.employer, email="second.lead@alphashire.example"
    )
    national = person(role=Role.NATIONAL_STAFF, email="someone@skillsforcare.example")
    for user in (colleague, employer_a.assessor, employer_b.coordinator, national):
        login(user)
        assert page(client, job, name).status_code == 404, user
        assert client.post(reverse(name, kwargs={"pk": job.public_id})).status_code == 404, user
    login(employer_a.coordinator)
    assert page(client, job, name).status_code == 200
    client.logout()
    assert page(client, job, name).status_code == 302  # to sign in


def test_the_runner_acting_for_another_employer_does_not_see_the_job(
    client, login, start, employer_a, employer_b
):
    """Someone with roles at two employers sees a job only while acting for the one it was run for."""
    from tests.factories import MembershipFactory

    lead = employer_a.coordinator
    MembershipFactory(user=lead, employer=employer_b.employer, role=Role.COORDINATOR)
    job = start(lead, employer_a.employer)
    login(lead, employer_b.employer)
    assert page(client, job).status_code == 404
    login(lead, employer_a.employer)
    assert page(client, job).status_code == 200


def test_a_national_job_is_its_runners_alone(client, login, start, national_staff, employer_a):
    job = start(national_staff, None, text="national")
    login(national_staff)
    assert "Your file is ready" in page(client, job).content.decode()
    assert b"".join(page(client, job, "jobs:download").streaming_content).startswith(b"national|")
    other = person(role=Role.NATIONAL_STAFF, email="another.national@skillsforcare.example")
    for user in (other, employer_a.coordinator):
        login(user)
        assert page(client, job).status_code == 404
        assert page(client, job, "jobs:download").status_code == 404


def test_an_unknown_job_is_a_404(client, login, employer_a):
    login(employer_a.coordinator)
    assert client.get("/jobs/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/jobs/not-a-uuid/").status_code == 404


def test_the_back_link_is_only_ever_a_path_on_this_site(test_kinds, employer_a):
    from asye.jobs.services import job_start
    from tests.programmes.conftest import actor_for

    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        for given, kept in (("/funding/statements/1/", "/funding/statements/1/"), ("//evil.example/", ""),
                            ("https://evil.example/", ""), ("/\\evil.example", "")):  # fmt: skip
            job = job_start(
                actor=actor, kind="tests.echo", label="x", params={"given": given}, back_url=given
            )
            assert job.back_url == kept, given
