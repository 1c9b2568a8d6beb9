"""The portfolio pack is kept by version: a background job makes it once, the next download is at once, and
any change to what the pack shows makes a new version (and the old one is removed); the moment it was
produced is not part of the version. Keeping packs changes nothing about who may download one."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from asye import clock
from asye.accounts.models import Role
from asye.jobs.models import Job
from asye.tenancy.db import tenant_context
from portfolios.models import LearningAgreement
from portfolios.pack import pack_cached, pack_storage_name, pack_store
from tests.factories import person
from tests.portfolios.conftest import add_evidence, linked_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack_url(registration_a):
    return reverse("portfolios:pack", args=[registration_a.pk])


def jobs(unscoped) -> int:
    with unscoped():
        return Job.objects.filter(kind="portfolios.pack").count()


def download(client, url, capture) -> tuple[int, bytes | None]:
    """GET the pack, running any job it starts as the worker would; the status and the PDF if served."""
    with capture(execute=True):
        response = client.get(url)
    return response.status_code, (
        b"".join(response.streaming_content) if response.status_code == 200 else None
    )


def test_a_made_pack_downloads_at_once_until_the_portfolio_changes(
    client, login, employer_a, portfolio_a, pack_url, unscoped, django_capture_on_commit_callbacks
):
    login(employer_a.nqsw)
    assert download(client, pack_url, django_capture_on_commit_callbacks)[0] == 302  # miss: a job
    assert jobs(unscoped) == 1
    status, pdf = download(client, pack_url, django_capture_on_commit_callbacks)
    assert status == 200 and pdf.startswith(b"%PDF-")  # hit: no new job
    assert jobs(unscoped) == 1
    with tenant_context(employer_a.employer.pk):
        first = pack_cached(portfolio_a).name
    assert default_storage.exists(first)

    # Any record the pack shows: new shared evidence...
    add_evidence(employer_a, portfolio_a, title="Child in need review", status="shared")
    assert download(client, pack_url, django_capture_on_commit_callbacks)[0] == 302
    assert jobs(unscoped) == 2
    with tenant_context(employer_a.employer.pk):
        second = pack_cached(portfolio_a).name
    assert second != first and default_storage.exists(second)
    assert not default_storage.exists(first), "the older version is removed"
    assert download(client, pack_url, django_capture_on_commit_callbacks)[0] == 200

    # ...or a change written without touching any "updated" stamp.
    with tenant_context(employer_a.employer.pk):
        LearningAgreement.objects.create(
            employer=employer_a.employer,
            portfolio=portfolio_a,
            revision=1,
            supervision_plan="Weekly",
            created_by=employer_a.coordinator,
        )
        created = pack_cached(portfolio_a).name
        LearningAgreement.objects.filter(portfolio=portfolio_a).update(supervision_plan="Fortnightly")
        assert pack_cached(portfolio_a).name not in (first, second, created)


def test_the_moment_a_pack_is_produced_is_not_part_of_its_version(employer_a, portfolio_a, time_machine):
    with tenant_context(employer_a.employer.pk):
        before = pack_cached(portfolio_a).name
    time_machine.move_to(clock.now() + datetime.timedelta(hours=5))
    with tenant_context(employer_a.employer.pk):
        assert pack_cached(portfolio_a).name == before
    # A draft is left out of the pack, but the pack says how many were: that is a change.
    add_evidence(employer_a, portfolio_a, title="A private draft")
    with tenant_context(employer_a.employer.pk):
        assert pack_cached(portfolio_a).name != before


def test_the_kept_pack_is_under_the_employers_prefix_and_made_once(employer_a, registration_a, portfolio_a):
    with tenant_context(employer_a.employer.pk):
        name = pack_store(portfolio_a)
        assert name.startswith(f"employers/{employer_a.employer.pk}/packs/{registration_a.pk}/")
        assert name == pack_cached(portfolio_a).name and pack_cached(portfolio_a).stored
        made = default_storage.get_modified_time(name)
        assert pack_store(portfolio_a) == name
        assert default_storage.get_modified_time(name) == made
        version = name.rsplit("/", 1)[1].removesuffix(".pdf")
        assert pack_storage_name(registration_a, version) == name


def test_a_kept_pack_is_still_only_for_those_who_could_download_it(
    client, login, employer_a, employer_b, registration_a, portfolio_a, pack_url, national_staff, unscoped,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with tenant_context(employer_a.employer.pk):
        pack_store(portfolio_a)
    other_nqsw = person(role=Role.NQSW, employer=employer_a.employer, email="other@alphashire.example")
    linked_registration(employer_a, nqsw=other_nqsw)
    for user in (other_nqsw, employer_b.coordinator, employer_b.nqsw):
        login(user)
        assert client.get(pack_url).status_code == 404
    login(national_staff)
    assert client.get(pack_url).status_code == 403
    for who in ("nqsw", "assessor", "line_manager", "coordinator"):
        login(getattr(employer_a, who))
        assert download(client, pack_url, django_capture_on_commit_callbacks)[0] == 200, who
    assert jobs(unscoped) == 0


def test_the_pack_job_is_its_starters_and_sends_them_back_to_the_pack(
    client, login, employer_a, pack_url, unscoped, django_capture_on_commit_callbacks
):
    login(employer_a.assessor)
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.get(pack_url).url
    with unscoped():
        job = Job.objects.get()
    assert job.status == Job.Status.DONE and job.employer_id == employer_a.employer.pk
    assert job.created_by == employer_a.assessor and job.result_content_type == "application/pdf"
    html = client.get(job_page).content.decode()
    assert "Your file is ready" in html and f'href="{pack_url}"' in html
    login(employer_a.nqsw)
    assert client.get(job_page).status_code == 404
