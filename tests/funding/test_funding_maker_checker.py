"""Maker-checker: a second person checks what one person made before money moves.

- A payment statement is authorised by a member of national staff who neither built it nor changed it
  while it was a draft (topped it up, took a line off): refused by the service (a GOV.UK error on the
  page, where the button is not offered), by the database, and recorded in the audit trail.
- A claim is decided by someone other than the person who submitted it, and a grant application by
  someone other than the person who submitted it: a person can hold a national role and a co-ordinator's
  role at once.
- The API cannot authorise or decide anything: its funding endpoints are read-only (405); were the
  refusal raised under it, it would answer a 400 problem detail.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from asye.accounts.models import Role
from asye.api.problems import exception_handler
from asye.api.services import api_token_create
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding.application_services import (
    action_add,
    application_years,
    grant_application_accept,
    grant_application_return,
    grant_application_start,
    grant_application_submit,
    grant_application_update,
)
from funding.models import Claim, ClaimStatus, GrantApplication, PaymentStatement
from funding.separation import SecondPersonRequired
from funding.services import claim_approve, claim_reject, claim_void
from funding.statement_services import statement_authorise, statement_build, statement_remove_line
from tests.factories import MembershipFactory, person
from tests.funding.conftest import register
from tests.funding.helpers import (
    THIS_MONTH,
    approve,
    approved_claim,
    checker_actor,
    claim_of,
    national_actor,
    submitted,
)
from tests.programmes.conftest import actor_for
from tests.today import days_ahead

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def refusals(action: str) -> list[tuple[str, int | None]]:
    with system_national_context():
        return list(
            AuditEvent.objects.filter(action=action).order_by("id").values_list("object_id", "actor_user_id")
        )


@pytest.fixture
def draft(employer_a, national, approved):
    """A's statement for this month, built by ``national``."""
    approved_claim(employer_a, national, approved)
    return statement_build(actor=national, employer_id=employer_a.employer.pk, month=THIS_MONTH)


def status_of(statement) -> str:
    with system_national_context():
        return PaymentStatement.objects.get(pk=statement.pk).status


# --- Statements: the services and the database ----------------------------------------------------------


def test_the_person_who_built_a_statement_cannot_authorise_it(national, draft):
    with pytest.raises(ValidationError, match="another member of national staff") as raised:
        statement_authorise(actor=national, statement_id=draft.pk)
    assert isinstance(raised.value, SecondPersonRequired)
    assert status_of(draft) == PaymentStatement.Status.DRAFT
    # The attempt is in the audit trail, though the authorisation was refused.
    assert refusals("statement.authorise_refused") == [(str(draft.pk), national.user.pk)]

    checker = checker_actor()
    statement = statement_authorise(actor=checker, statement_id=draft.pk)
    assert statement.status == PaymentStatement.Status.AUTHORISED
    assert (statement.built_by_id, statement.authorised_by_id) == (national.user.pk, checker.user.pk)
    with system_national_context():
        event = AuditEvent.objects.get(action="statement.authorised")
    assert event.actor_user_id == checker.user.pk
    assert event.changes["prepared_by"] == [national.user.email]


def test_whoever_topped_up_or_took_a_line_off_a_draft_cannot_authorise_it(employer_a, national, draft):
    topper = checker_actor()
    second = approve(national, register(employer_a, first_name="Ben"))
    approved_claim(employer_a, national, second)
    statement_build(actor=topper, employer_id=employer_a.employer.pk, month=THIS_MONTH)  # tops it up
    remover = national_actor(person(role=Role.NATIONAL_STAFF, email="remover@skillsforcare.example"))
    statement_remove_line(actor=remover, statement_id=draft.pk, claim_id=claim_of(second).pk)
    for maker in (national, topper, remover):
        with pytest.raises(SecondPersonRequired):
            statement_authorise(actor=maker, statement_id=draft.pk)
    assert status_of(draft) == PaymentStatement.Status.DRAFT
    # Voiding a claim takes it off the draft too: that changes the statement as well.
    third = approve(national, register(employer_a, first_name="Cara"))
    approved_claim(employer_a, national, third)
    statement_build(actor=national, employer_id=employer_a.employer.pk, month=THIS_MONTH)
    voider = national_actor(person(role=Role.NATIONAL_STAFF, email="voider@skillsforcare.example"))
    claim_void(actor=voider, claim_id=claim_of(third).pk, reason="Made in error")
    with pytest.raises(SecondPersonRequired):
        statement_authorise(actor=voider, statement_id=draft.pk)

    outsider = national_actor(person(role=Role.NATIONAL_STAFF, email="outsider@skillsforcare.example"))
    assert statement_authorise(actor=outsider, statement_id=draft.pk).status == "authorised"


def test_the_database_refuses_an_authorisation_by_the_builder(draft, national):
    with (
        system_national_context(),
        pytest.raises(IntegrityError, match="second person"),
        transaction.atomic(),
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE funding_paymentstatement SET status = 'authorised', authorised_at = now(), "
                "authorised_by_id = built_by_id WHERE id = %s",
                [draft.pk],
            )
    assert status_of(draft) == PaymentStatement.Status.DRAFT


# --- Statements: the pages -------------------------------------------------------------------------------


def test_the_builder_is_not_offered_the_button_and_a_post_is_refused(login, mfa, national_staff, draft):
    builder = login(national_staff)
    url = reverse("national_funding:statement", args=[draft.pk])
    page = text(builder.get(url))
    assert "Authorise the statement for" not in page
    assert "You built or changed this statement" in page and "another member of national staff" in page

    response = builder.post(url, {"action": "authorise", "version": draft.version})
    assert response.status_code == 200
    page = text(response)
    assert "govuk-error-summary" in page and "<title>Error: " in page
    assert "another member of national staff must check and authorise it" in page
    assert status_of(draft) == PaymentStatement.Status.DRAFT
    assert refusals("statement.authorise_refused") == [(str(draft.pk), national_staff.pk)]

    checker, checker_user = Client(), checker_actor().user
    mfa(checker_user)
    checker.force_login(checker_user)
    assert "Authorise the statement for £1,000" in text(checker.get(url))
    response = checker.post(url, {"action": "authorise", "version": draft.version})
    assert response.status_code == 302
    assert status_of(draft) == PaymentStatement.Status.AUTHORISED
    page = text(checker.get(url))
    assert "Built</dt>" in page and f"{draft.built_at:%-d %B %Y} by {national_staff.email}" in page


def test_the_api_cannot_authorise_and_a_refusal_would_be_a_400_problem(client, employer_a, draft, national):
    with tenant_context(employer_a.employer.pk):
        secret = api_token_create(
            actor=actor_for(employer_a.coordinator, employer_a.employer), name="Finance"
        ).secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/statements/{draft.pk}/",
            {"status": "authorised"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code in (404, 405), method  # a draft is not the employer's to see
    assert (
        client.post("/api/v1/statements/", {}, content_type="application/json", **headers).status_code == 405
    )
    assert status_of(draft) == PaymentStatement.Status.DRAFT

    refusal = SecondPersonRequired(
        "Someone else must authorise it.", obj=draft, attempted="statement.authorise"
    )
    response = exception_handler(refusal, {})
    assert response.status_code == 400
    assert response.data["errors"] == {"non_field_errors": ["Someone else must authorise it."]}


# --- Claims and grant applications -------------------------------------------------------------------------


@pytest.fixture
def dual(employer_a):
    """A person who is national staff and also a co-ordinator at A."""
    user = person(role=Role.COORDINATOR, employer=employer_a.employer, email="dual@skillsforcare.example")
    MembershipFactory(user=user, employer=None, role=Role.NATIONAL_STAFF)
    return user


def test_nobody_decides_a_claim_they_submitted(employer_a, national, approved, dual, login):
    as_coordinator = actor_for(dual, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        from funding.services import claim_submit

        claim = claim_submit(actor=as_coordinator, claim=claim_of(approved))
    as_national = national_actor(dual)
    assert as_national.is_national_staff
    with pytest.raises(SecondPersonRequired, match="submitted this claim"):
        claim_approve(actor=as_national, claim_id=claim.pk)
    with pytest.raises(SecondPersonRequired):
        claim_reject(actor=as_national, claim_id=claim.pk, reason="Mine")
    assert claim_of(approved).status == ClaimStatus.SUBMITTED
    assert refusals("claim.approve_refused") == [(str(claim.pk), dual.pk)]

    # On the page the decision is not offered, and a POST is refused with the reason.
    page = login(dual)
    url = reverse("national_funding:claim", args=[claim.pk])
    assert "Save decision" not in text(page.get(url)) and "You submitted this claim" in text(page.get(url))
    response = page.post(url, {"action": "decide", "decision": "approve", "version": claim.version})
    assert response.status_code == 200 and "govuk-error-summary" in text(response)
    assert claim_of(approved).status == ClaimStatus.SUBMITTED

    assert claim_approve(actor=national, claim_id=claim.pk).status == ClaimStatus.APPROVED


def test_a_claim_submitted_by_someone_else_is_decided_as_before(employer_a, national, approved, dual):
    claim = submitted(employer_a, claim_of(approved))
    assert claim_approve(actor=national_actor(dual), claim_id=claim.pk).status == ClaimStatus.APPROVED
    with system_national_context():
        assert Claim.objects.get(pk=claim.pk).decided_by_id == dual.pk


def _submitted_application(actor):
    application = grant_application_start(actor=actor, funding_year_id=application_years()[0].pk)
    application = grant_application_update(
        actor=actor,
        application=application,
        contact_name="Dee",
        contact_email="dee@example.org",
        director_name="Alex",
        director_job_title="DCS",
        director_email="alex@example.org",
        declares_programme_standards=True,
        declares_funding_use=True,
        declares_information_accurate=True,
        declares_director_approval=True,
    )
    action_add(actor=actor, application=application, action="Act", owner="Me", due_on=days_ahead(39))
    return grant_application_submit(actor=actor, application=application)


def test_nobody_decides_a_grant_application_they_submitted(employer_a, national, dual, login):
    with tenant_context(employer_a.employer.pk):
        application = _submitted_application(actor_for(dual, employer_a.employer))
    as_national = national_actor(dual)
    with pytest.raises(SecondPersonRequired, match="submitted this application"):
        grant_application_accept(actor=as_national, application_id=application.pk)
    with pytest.raises(SecondPersonRequired):
        grant_application_return(actor=as_national, application_id=application.pk, comments="Mine")
    assert refusals("grant_application.accept_refused") == [(str(application.pk), dual.pk)]

    page = login(dual)
    url = reverse("national_funding:application", args=[application.pk])
    assert "Save decision" not in text(page.get(url)) and "You submitted this application" in text(
        page.get(url)
    )
    response = page.post(url, {"decision": "accept", "version": application.version})
    assert response.status_code == 200 and "govuk-error-summary" in text(response)
    with system_national_context():
        assert GrantApplication.objects.get(pk=application.pk).status == GrantApplication.Status.SUBMITTED

    accepted = grant_application_accept(actor=national, application_id=application.pk)
    assert accepted.status == GrantApplication.Status.ACCEPTED
