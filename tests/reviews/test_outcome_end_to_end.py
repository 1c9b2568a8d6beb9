"""The year's end, end to end and with nothing stubbed: national staff approve the registration for
funding, the assessor's pass goes to the internal panel, the panel endorses it, and then the
registration, the funding claims and the national figures all show the pass."""

# ruff: noqa: F811  (fixtures imported from review_fixtures are redefined as test arguments)

from __future__ import annotations

from decimal import Decimal

import pytest

from asye.accounts.actor import build_actor
from asye.tenancy.db import tenant_context, tenant_settings
from asye.tenancy.national import national_scope
from funding.models import Claim, ClaimStatus, Instalment
from programmes.models import FundingStatus, Outcome, Registration, RegistrationStatus
from programmes.services import registration_funding_decide
from reviews.outcome_figures import outcome_figures_national
from tests.reviews.review_fixtures import year_done  # noqa: F401  (fixtures)
from tests.reviews.test_final_outcome import decide, make_panel, recommend

pytestmark = pytest.mark.django_db


def national_actor(user):
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=None)


def test_an_endorsed_pass_shows_on_the_registration_the_claims_and_the_national_figures(
    employer_a, year_done, national_staff, unscoped
):
    registration = year_done  # its reviews locked in their windows, the observations and agreement done
    registration_funding_decide(
        actor=national_actor(national_staff), registration_id=registration.pk, approve=True
    )
    decide(employer_a, make_panel(employer_a), recommend(employer_a, registration))

    with tenant_context(employer_a.employer.pk):
        done = Registration.objects.get(pk=registration.pk)
        claims = {claim.instalment: claim for claim in Claim.objects.filter(registration=done)}
    assert (done.outcome, done.status, done.funding_status) == (
        Outcome.PASSED,
        RegistrationStatus.COMPLETED,
        FundingStatus.APPROVED,
    )
    assert set(claims) == {Instalment.REGISTRATION, Instalment.COMPLETION}
    assert all(claim.status == ClaimStatus.DRAFT for claim in claims.values())  # claimable
    assert claims[Instalment.COMPLETION].amount == Decimal("1000.00")

    actor = national_actor(national_staff)
    with tenant_settings(user_id=national_staff.pk), national_scope(actor=actor, purpose="test"):
        *_, final = outcome_figures_national(
            actor=actor, funding_year=done.funding_year, grouping="employer_type"
        )
    totals = {row.label: [cell.count for cell in row.cells] for row in final.rows}
    assert totals["All employers"][0] == 1  # passed
