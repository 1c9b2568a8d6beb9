"""Each role's home page ("what do I need to do?"), national staff's job history, the confirmation before
building many payment statements and a finished job that made records (not a file), in a real browser at
1280 and 375 pixels wide with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from asye import clock
from asye.jobs.models import Job
from asye.tenancy.db import system_national_context, tenant_context
from funding.services import claim_approve
from programmes.jobs import REGISTRATION_UPLOAD
from programmes.models import Registration
from tests.browser.test_programme_pages import Pages, submit
from tests.funding.helpers import claim_of, load_funding_reference_data, national_actor, submitted
from tests.web.test_home_todo import _add

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)


@pytest.fixture
def picture(transactional_db, employer_a, employer_b, national_staff):
    """Three NQSWs at A with the tenant's assessor and line manager (the first is A's NQSW), and one at B,
    each approved for funding; B's registration instalment approved, so there is a statement to build."""
    load_funding_reference_data()
    national = national_actor(national_staff)
    made = _add(employer_a, national, 3)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=made[0].pk).update(nqsw=employer_a.nqsw)
    (other,) = _add(employer_b, national, 1)
    claim = submitted(employer_b, claim_of(other))
    claim_approve(actor=national, claim_id=claim.pk)
    return made


@pytest.mark.parametrize("width", WIDTHS)
def test_each_roles_home_page(live_server, new_context, sign_in, employer_a, picture, width):
    pages = Pages()
    for role, heading in (
        ("coordinator", "What needs your attention"),
        ("assessor", "Reviews to write and sign"),
        ("line_manager", "Reviews to comment on and sign"),
        ("nqsw", "Due next"),
    ):
        page = new_context(viewport={"width": width, "height": 900}).new_page()
        sign_in(page, live_server, getattr(employer_a, role))
        page.goto("/")
        pages.check(page, heading="Welcome, " + getattr(employer_a, role).get_short_name())
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        if role == "coordinator":
            expect(page.get_by_text("can be submitted now")).to_be_visible()
            # Each flag with NQSWs links to the registrations list filtered by it.
            page.get_by_role("link", name=re.compile(r"^See who\s+is flagged")).first.click()
            expect(page).to_have_url(re.compile(r"/registrations/\?status=\w+$"))
            pages.check(page)
        page.context.close()
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_job_history_and_building_many_statements(
    live_server, new_context, sign_in, employer_a, national_staff, picture, width
):
    now = clock.now()
    with tenant_context(employer_a.employer.pk):
        Job.objects.create(
            employer=employer_a.employer,
            kind=REGISTRATION_UPLOAD,
            label="Registering the NQSWs in cohort.csv",
            created_by=employer_a.coordinator,
            status=Job.Status.FAILED,
            errors=[{"message": "Line 2: This NQSW is already registered"}],
            started_at=now - datetime.timedelta(seconds=4),
            finished_at=now,
        )
        done = Job.objects.create(
            employer=employer_a.employer,
            kind=REGISTRATION_UPLOAD,
            label="Registering the NQSWs in cohort.csv",
            created_by=employer_a.coordinator,
            status=Job.Status.DONE,
            summary="60 NQSWs registered",
            figures={"registered": 60, "unfunded": 0},
            started_at=now - datetime.timedelta(seconds=12),
            finished_at=now,
        )
    pages = Pages()
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, national_staff)
    page.goto("/jobs/")
    pages.check(page, heading="Background jobs")
    expect(page.get_by_role("table", name="Each kind of job")).to_contain_text(
        "Registering NQSWs from a CSV file"
    )
    expect(page.get_by_text("Line 2: This NQSW is already registered")).to_be_visible()

    with override_settings(ASYE_STATEMENTS_JOB_THRESHOLD=0):
        page.goto("/national/funding/statements/")
        page.get_by_label("Which employer?").select_option("all")
        submit(page, "Build the statement")
        pages.check(page, heading="Build 1 payment statement for " + clock.today().strftime("%B %Y"))
        expect(page.get_by_role("button", name="Build 1 statement for £1,000")).to_be_visible()
    with system_national_context():
        assert not Job.objects.filter(kind="funding.statements_build").exists()  # nothing until confirmed
    page.context.close()

    # The co-ordinator's finished registration job: the summary, and the way on.
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    page.goto(f"/jobs/{done.public_id}/")
    pages.check(page, heading="60 NQSWs registered")
    expect(page.get_by_role("link", name="See what happens next")).to_be_visible()
    page.context.close()
    pages.done()
