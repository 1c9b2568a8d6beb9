""" "Your jobs" (``/jobs/mine/``): the jobs a person ran for the employer they act for now (and their national
ones), newest first, with status, start, duration and what each made; paged, with any page parameter
answered; nobody else's job listed, and another employer's job a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.accounts.models import Role
from asye.jobs.models import Job
from asye.jobs.views import PAGE_SIZE
from asye.tenancy.db import tenant_context
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
MINE = "/jobs/mine/"


def listed(client, query: str = "") -> str:
    response = client.get(MINE + query)
    assert response.status_code == 200
    return response.content.decode()


def queued_jobs(tenant, user, count: int) -> None:
    with tenant_context(tenant.employer.pk):
        Job.objects.bulk_create(
            Job(employer=tenant.employer, kind="tests.echo", label=f"Queued file {n:02}", created_by=user)
            for n in range(count)
        )


def test_the_url_and_the_navigation(client, login, employer_a):
    assert reverse("jobs:mine") == MINE
    login(employer_a.coordinator)
    assert f'href="{MINE}"' in client.get(reverse("home")).content.decode()


def test_a_coordinator_sees_their_jobs_with_status_start_duration_and_result(
    client, login, start, employer_a
):
    done = start(employer_a.coordinator, employer_a.employer, text="hello")
    failed = start(employer_a.coordinator, employer_a.employer, kind="tests.refused")
    waiting = start(employer_a.coordinator, employer_a.employer, run=False)
    login(employer_a.coordinator)
    body = listed(client)
    assert body.count(">A test file</a>") == 3
    for job in (done, failed, waiting):
        assert f"/jobs/{job.public_id}/" in body
    # What each made: the finished job's download, the failure's page, and nothing yet for the queued one.
    assert f'href="/jobs/{done.public_id}/download/"' in body and "echo.txt" in body
    assert "Finished" in body and "Failed" in body and "Waiting to start" in body
    assert "see what went wrong" in body and "Not finished yet" in body and "Not started yet" in body
    # Newest first.
    assert body.index(f"/jobs/{waiting.public_id}/") < body.index(f"/jobs/{done.public_id}/")


def test_nobody_elses_job_is_listed(client, login, start, employer_a, employer_b):
    mine = start(employer_a.coordinator, employer_a.employer)
    colleague = start(employer_a.assessor, employer_a.employer)
    elsewhere = start(employer_b.coordinator, employer_b.employer)
    login(employer_a.coordinator)
    body = listed(client)
    assert str(mine.public_id) in body
    assert str(colleague.public_id) not in body and str(elsewhere.public_id) not in body
    login(employer_b.coordinator)
    body = listed(client)
    assert str(elsewhere.public_id) in body and str(mine.public_id) not in body


def test_a_person_acting_for_another_employer_sees_only_that_employers_jobs(
    client, login, start, employer_a, employer_b
):
    lead = employer_a.coordinator
    MembershipFactory(user=lead, employer=employer_b.employer, role=Role.COORDINATOR)
    at_a = start(lead, employer_a.employer)
    login(lead, employer_b.employer)
    assert str(at_a.public_id) not in listed(client)
    assert client.get(f"/jobs/{at_a.public_id}/").status_code == 404
    login(lead, employer_a.employer)
    assert str(at_a.public_id) in listed(client)


def test_idor_another_employers_job_is_a_404(client, login, start, employer_a, employer_b):
    theirs = start(employer_b.coordinator, employer_b.employer)
    login(employer_a.coordinator)
    assert client.get(f"/jobs/{theirs.public_id}/").status_code == 404
    assert client.get(f"/jobs/{theirs.public_id}/download/").status_code == 404


def test_national_staff_see_their_national_jobs(client, login, start, national_staff, employer_a):
    national = start(national_staff, None, text="national")
    theirs = start(employer_a.coordinator, employer_a.employer)
    login(national_staff)
    body = listed(client)
    assert str(national.public_id) in body and ", national" in body
    assert str(theirs.public_id) not in body


def test_paged_and_any_page_parameter_is_answered(client, login, employer_a, test_kinds):
    queued_jobs(employer_a, employer_a.coordinator, PAGE_SIZE + 5)
    login(employer_a.coordinator)
    first = listed(client)
    assert first.count("</a><br>") == PAGE_SIZE and 'aria-label="Pagination"' in first
    second = listed(client, "?page=2")
    assert second.count("</a><br>") == 5 and "page 2 of 2" in second
    # Nonsense pages give the first or the last page, never an error.
    for query in ("?page=abc", "?page=0", "?page=-1", "?page=1.5", "?page=", "?page=99999999999999999999"):
        assert "Queued file" in listed(client, query)
    assert listed(client, "?page=999").count("</a><br>") == 5


def test_one_page_costs_the_same_whatever_the_number_of_jobs(
    client, login, employer_a, test_kinds, django_assert_max_num_queries
):
    login(employer_a.coordinator)
    queued_jobs(employer_a, employer_a.coordinator, 2)
    listed(client)  # warm the session and caches
    with django_assert_max_num_queries(30) as few:
        listed(client)
    queued_jobs(employer_a, employer_a.coordinator, PAGE_SIZE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        listed(client)


def test_signed_out_is_sent_to_sign_in_and_only_get_is_allowed(client, login, employer_a):
    assert client.get(MINE).status_code == 302
    login(employer_a.coordinator)
    assert client.post(MINE).status_code == 405


def test_nobody_has_jobs_yet(client, login, employer_a):
    login(employer_a.assessor)
    assert "You have not started any background jobs for Alphashire County Council" in listed(client)
