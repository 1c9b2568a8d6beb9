"""National staff's funding pages: the claims queue and decisions, statements (build, take a line off,
authorise, mark paid, export), grant applications (accept, return) and the budget. Employers get 403."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding.application_services import (
    action_add,
    application_years,
    grant_application_start,
    grant_application_submit,
    grant_application_update,
)
from funding.models import Claim, ClaimStatus, GrantApplication, PaymentStatement, Recovery
from funding.services import claim_approve
from funding.statement_services import statement_build
from tests.funding.conftest import COHORT, register
from tests.funding.helpers import approve, checker_user, claim_of, paid_statement, submitted
from tests.programmes.conftest import TODAY, actor_for
from tests.today import days_ahead

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def staff(login, national_staff):
    return login(national_staff)


@pytest.fixture
def pair(employer_a, employer_b, national):
    """A's and B's registrations approved for funding, their registration instalments submitted."""
    a = approve(national, register(employer_a, first_name="Ada"))
    b = approve(national, register(employer_b, first_name="Bea"))
    return submitted(employer_a, claim_of(a)), submitted(employer_b, claim_of(b))


def national_urls(claim=None, statement=None, application=None):
    urls = [
        reverse("national_funding:overview"),
        reverse("national_funding:claims"),
        reverse("national_funding:statements"),
        reverse("national_funding:applications"),
        reverse("national_funding:budget"),
    ]
    if claim:
        urls.append(reverse("national_funding:claim", args=[claim.pk]))
    if statement:
        urls += [
            reverse("national_funding:statement", args=[statement.pk]),
            reverse("national_funding:statement_xlsx", args=[statement.pk]),
            reverse("national_funding:statement_csv", args=[statement.pk]),
        ]
    if application:
        urls.append(reverse("national_funding:application", args=[application.pk]))
    return urls


def test_national_pages_refuse_employer_staff(login, employer_a, national, pair):
    claim_a, _ = pair
    claim_approve(actor=national, claim_id=claim_a.pk)
    statement = statement_build(
        actor=national, employer_id=employer_a.employer.pk, month=TODAY.replace(day=1)
    )
    for user in (employer_a.coordinator, employer_a.assessor):
        client = login(user)
        for url in national_urls(claim=claim_a, statement=statement):
            assert client.get(url).status_code == 403, url
        assert (
            client.post(
                reverse("national_funding:claim", args=[claim_a.pk]), {"action": "decide"}
            ).status_code
            == 403
        )


def test_every_national_page_records_the_access(staff, national_staff, pair):
    staff.get(reverse("national_funding:claims"))
    with system_national_context():
        event = AuditEvent.objects.filter(action="national.read", actor_user=national_staff).latest("id")
    assert event.changes["purpose"] == "GET /national/funding/claims/"


def test_the_queue_lists_every_employers_submitted_claims(staff, employer_a, employer_b, pair):
    html = text(staff.get(reverse("national_funding:claims")))
    assert employer_a.employer.name in html and employer_b.employer.name in html
    assert "2 claims (submitted), £2,000" in html
    filtered = text(staff.get(reverse("national_funding:claims") + "?region=london"))
    assert employer_b.employer.name in filtered and employer_a.employer.name not in filtered


def test_approve_and_reject_from_the_claim_page(staff, pair):
    claim_a, claim_b = pair
    url = reverse("national_funding:claim", args=[claim_a.pk])
    response = staff.post(url, {"action": "decide", "decision": "reject", "version": claim_a.version})
    assert "Enter the reason the claim is rejected" in text(response)
    response = staff.post(url, {"action": "decide", "decision": "approve", "version": claim_a.version})
    assert response.status_code == 302
    response = staff.post(
        reverse("national_funding:claim", args=[claim_b.pk]),
        {"action": "decide", "decision": "reject", "reason": "Funded before", "version": claim_b.version},
    )
    assert response.status_code == 302
    with system_national_context():
        assert Claim.objects.get(pk=claim_a.pk).status == ClaimStatus.APPROVED
        rejected = Claim.objects.get(pk=claim_b.pk)
    assert (rejected.status, rejected.reason) == (ClaimStatus.REJECTED, "Funded before")


def test_a_stale_decision_is_refused_with_409(staff, pair):
    claim_a, _ = pair
    response = staff.post(
        reverse("national_funding:claim", args=[claim_a.pk]),
        {"action": "decide", "decision": "approve", "version": claim_a.version - 1},
    )
    assert response.status_code == 409 and "changed by someone else" in text(response)


def test_void_and_recover_from_the_claim_page(staff, employer_a, national, pair):
    claim_a, claim_b = pair
    response = staff.post(
        reverse("national_funding:claim", args=[claim_b.pk]),
        {"action": "void", "void-reason": "Made in error", "void-version": claim_b.version},
    )
    assert response.status_code == 302
    claim_approve(actor=national, claim_id=claim_a.pk)
    with system_national_context():
        registration = Claim.objects.get(pk=claim_a.pk).registration
    paid_statement(employer_a, national, [registration])
    url = reverse("national_funding:claim", args=[claim_a.pk])
    response = staff.post(
        url, {"action": "recover", "recovery-amount": "1000.01", "recovery-reason": "Overpaid"}
    )
    assert "The amount must be £1,000 or less" in text(response)
    response = staff.post(
        url, {"action": "recover", "recovery-amount": "250.50", "recovery-reason": "Overpaid"}
    )
    assert response.status_code == 302
    with system_national_context():
        recovery = Recovery.objects.get()
    response = staff.post(
        url,
        {"action": "cancel_recovery", "cancel-recovery": recovery.pk, "cancel-version": recovery.version},
    )
    assert "Enter the reason the recovery is cancelled" in text(response)
    staff.post(
        url,
        {
            "action": "cancel_recovery",
            "cancel-recovery": recovery.pk,
            "cancel-version": recovery.version,
            "cancel-cancelled_reason": "Paid correctly after all",
        },
    )
    with system_national_context():
        assert Recovery.objects.get().status == Recovery.Status.CANCELLED
        assert Claim.objects.get(pk=claim_b.pk).status == ClaimStatus.VOIDED


def test_build_authorise_and_pay_a_statement_through_the_pages(staff, login, employer_a, national, pair):
    claim_a, _ = pair
    claim_approve(actor=national, claim_id=claim_a.pk)
    page = text(staff.get(reverse("national_funding:statements")))
    assert "1 employer has approved claims" in page
    month = TODAY.replace(day=1).isoformat()
    response = staff.post(
        reverse("national_funding:statements"), {"employer": str(employer_a.employer.pk), "month": month}
    )
    with system_national_context():
        statement = PaymentStatement.objects.get()
    assert response.url == reverse("national_funding:statement", args=[statement.pk])
    detail = text(staff.get(response.url))
    # The person who built it is not offered the authorisation: a second person checks and authorises it.
    assert "Authorise the statement for" not in detail and "Remove" in detail
    url = response.url
    staff.logout()
    checker = login(checker_user())
    detail = text(checker.get(url))
    assert "Authorise the statement for £1,000" in detail and "Remove" in detail
    response = checker.post(url, {"action": "authorise", "version": statement.version})
    assert response.status_code == 302
    with system_national_context():
        statement.refresh_from_db()
    assert statement.status == PaymentStatement.Status.AUTHORISED
    staff = login(national.user)
    detail = text(staff.get(response.url))
    assert "Mark as paid" in detail and "Remove" not in detail
    today = TODAY
    response = staff.post(
        response.url,
        {
            "action": "paid",
            "paid-paid_on_day": today.day,
            "paid-paid_on_month": today.month,
            "paid-paid_on_year": today.year,
            "paid-payment_reference": "BACS-123",
            "paid-version": statement.version,
        },
    )
    assert response.status_code == 302
    with system_national_context():
        assert PaymentStatement.objects.get().status == PaymentStatement.Status.PAID
        assert Claim.objects.get(pk=claim_a.pk).status == ClaimStatus.PAID
    xlsx = staff.get(reverse("national_funding:statement_xlsx", args=[statement.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert any(
        row[0].value == "Payment reference" and row[1].value == "BACS-123" for row in sheet.iter_rows()
    )


def test_build_for_every_employer_and_take_a_line_off(staff, employer_a, employer_b, national, pair):
    for claim in pair:
        claim_approve(actor=national, claim_id=claim.pk)
    month = TODAY.replace(day=1).isoformat()
    response = staff.post(
        reverse("national_funding:statements"), {"employer": "all", "month": month}, follow=True
    )
    assert "2 statements built" in text(response)
    with system_national_context():
        statement = PaymentStatement.objects.get(employer=employer_a.employer)
    staff.post(
        reverse("national_funding:statement", args=[statement.pk]),
        {"action": "remove", "remove-claim": pair[0].pk, "remove-version": statement.version},
    )
    with system_national_context():
        statement.refresh_from_db()
        assert Claim.objects.get(pk=pair[0].pk).status == ClaimStatus.APPROVED
    assert statement.total == 0


def test_accept_and_return_grant_applications(staff, employer_a):
    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        application = grant_application_start(actor=actor, funding_year_id=application_years()[0].pk)
        application = grant_application_update(
            actor=actor,
            application=application,
            director_name="Alex",
            director_job_title="DCS",
            director_email="alex@example.org",
            declares_programme_standards=True,
            declares_funding_use=True,
            declares_information_accurate=True,
            declares_director_approval=True,
        )
        action_add(
            # Due in six weeks (written as 1 January 2027).
            actor=actor,
            application=application,
            action="Act",
            owner="Me",
            due_on=days_ahead(39),
        )
        application = grant_application_submit(actor=actor, application=application)
    listing = text(staff.get(reverse("national_funding:applications")))
    assert employer_a.employer.name in listing
    url = reverse("national_funding:application", args=[application.pk])
    assert "Act" in text(staff.get(url))
    response = staff.post(url, {"decision": "return", "version": application.version})
    assert "Enter what the employer needs to change" in text(response)
    response = staff.post(
        url, {"decision": "return", "comments": "Add dates", "version": application.version}
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        returned = GrantApplication.objects.get()
    assert (returned.status, returned.national_comments) == (GrantApplication.Status.RETURNED, "Add dates")


def test_budget_page_shows_the_year_by_service_area_type_and_region(staff, employer_a, national, pair):
    html = text(staff.get(reverse("national_funding:budget") + f"?year={COHORT}"))
    assert f"Budget position {COHORT}" in html
    assert f"By service area in {COHORT}" in html and f"By employer type in {COHORT}" in html
    assert f"By region in {COHORT}" in html and "Every funding year" in html
    assert "£2,000" in html  # the two submitted (claimed) instalments


def test_navigation_has_funding_for_national_staff(staff):
    html = text(staff.get("/"))
    assert 'href="/national/funding/"' in html and 'href="/funding/"' not in html
