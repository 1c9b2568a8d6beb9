"""Helpers shared by the funding tests, the isolation table and the funding browser tests."""

from __future__ import annotations

import datetime
import itertools

from asye.accounts.actor import build_actor
from asye.accounts.models import Role, User
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from funding import hooks
from funding.models import Claim, ClaimStatus, Instalment
from funding.services import claim_approve, claim_submit
from funding.statement_services import statement_authorise, statement_build, statement_mark_paid
from programmes.models import Registration, RegistrationStatus
from programmes.services import registration_create, registration_funding_decide
from tests.factories import person
from tests.programmes.conftest import TODAY, actor_for, facts, registration_day
from tests.reference_calendar import load_reference_data

_swe = itertools.count(610_001)


def load_funding_reference_data() -> None:
    """Frameworks, their versions, and the funding years and rates, as their data migrations load them."""
    load_reference_data(funding=True)


def national_actor(user):
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=None)


CHECKER_EMAIL = "checker@skillsforcare.example"


def checker_user() -> User:
    """A second member of national staff: the one who checks and authorises what another built."""
    with system_national_context():
        existing = User.objects.filter(email=CHECKER_EMAIL).first()
    return existing or person(role=Role.NATIONAL_STAFF, email=CHECKER_EMAIL)


def checker_actor():
    return national_actor(checker_user())


def register(tenant, **overrides) -> Registration:
    """Register an NQSW with the tenant (a fresh SWE number each time unless given)."""
    overrides.setdefault("swe_number", f"SW{next(_swe)}")
    overrides.setdefault("email", f"{overrides['swe_number'].lower()}@example.org")
    given = facts(**overrides)
    with tenant_context(tenant.employer.pk):
        return registration_create(
            actor=actor_for(tenant.coordinator, tenant.employer), facts=given, today=registration_day(given)
        )


def approve(national, registration: Registration) -> Registration:
    """National staff approve the registration for funding (which runs the funding hook)."""
    return registration_funding_decide(actor=national, registration_id=registration.pk, approve=True)


def claim_of(registration: Registration, instalment: str = Instalment.REGISTRATION) -> Claim | None:
    with system_national_context():
        return (
            Claim.objects.filter(registration_id=registration.pk, instalment=instalment)
            .select_related("funding_year")
            .first()
        )


def record_outcome(tenant, registration: Registration, outcome: str, on: datetime.date) -> Registration:
    """What the reviews app does when the internal panel endorses the recommendation: the outcome on the
    registration, then the funding hook, as the employer's co-ordinator in the employer's context."""
    with tenant_context(tenant.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(
            outcome=outcome, outcome_date=on, status=RegistrationStatus.COMPLETED
        )
        registration.refresh_from_db()
        hooks.registration_outcome_recorded(
            actor=actor_for(tenant.coordinator, tenant.employer), registration=registration
        )
    return registration


def submitted(tenant, claim: Claim, today: datetime.date = TODAY) -> Claim:
    with tenant_context(tenant.employer.pk):
        return claim_submit(actor=actor_for(tenant.coordinator, tenant.employer), claim=claim, today=today)


def approved_claim(tenant, national, registration: Registration) -> Claim:
    """The registration's registration instalment, submitted and approved."""
    claim = submitted(tenant, claim_of(registration))
    return claim_approve(actor=national, claim_id=claim.pk)


THIS_MONTH = TODAY.replace(day=1)


def paid_statement(tenant, national, registrations, *, month=THIS_MONTH, paid=True, checker=None):
    """A statement for the tenant with the registration instalments of ``registrations``, built by
    ``national`` and authorised by a second member of national staff (``checker``, by default
    ``checker_actor()``), and paid unless ``paid=False``."""
    for registration in registrations:
        claim = claim_of(registration)
        if claim.status == ClaimStatus.DRAFT:
            approved_claim(tenant, national, registration)
    statement = statement_build(actor=national, employer_id=tenant.employer.pk, month=month)
    statement = statement_authorise(actor=checker or checker_actor(), statement_id=statement.pk)
    if paid:
        statement = statement_mark_paid(
            actor=national, statement_id=statement.pk, paid_on=TODAY, payment_reference="BACS-1", today=TODAY
        )
    return statement
