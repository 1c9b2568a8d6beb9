"""Helpers of the progress tests: a registration whose 3-month review and first observation fall due in a
few days, and the work recorded through each app's services (never by writing rows), as people would."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta

from asye.tenancy.db import tenant_context
from portfolios import agreements, observations
from portfolios.models import LearningAgreement, Observation
from programmes.models import Registration
from tests.programmes.conftest import actor_for
from tests.reviews.review_fixtures import lock, make_registration, scheduled
from tests.today import TODAY, days_ago

AGREEMENT_TEXT = {
    "review_dates": "At 3, 6 and 12 months.",
    "supervision_plan": "Weekly for 6 weeks, fortnightly to 6 months, then monthly.",
    "workload_arrangements": "A protected caseload, no court work before month 4.",
    "protected_time": "Wednesday afternoons.",
    "other_support": "",
}


def review_soon_start(days: int = 4) -> datetime.date:
    """A start such that the 3-month review (and, for a 12-month programme with three observations, the
    first observation) is due ``days`` days from today."""
    return TODAY + datetime.timedelta(days=days) - relativedelta(months=3)


def review_soon(tenant, swe_number: str = "SW8100001") -> Registration:
    """A full-time registration (NQSW, assessor, line manager linked) whose 3-month review and first
    observation fall due in four days."""
    return make_registration(tenant, swe_number=swe_number, start_date=review_soon_start())


def now(tenant, registration: Registration) -> Registration:
    with tenant_context(tenant.employer.pk):
        return Registration.objects.select_related("framework_version").get(pk=registration.pk)


def lock_review(tenant, registration: Registration, month: int = 3):
    """The review at ``month`` written, signed by the assessor, the NQSW and the line manager: locked."""
    return lock(tenant, scheduled(tenant, registration, month))


def observation_ready(tenant, registration: Registration, *, observed_on: datetime.date | None = None):
    """A direct observation with the NQSW's reflection and the observer's assessment, not yet complete."""
    observed_on = observed_on or max(days_ago(2), registration.start_date)
    with tenant_context(tenant.employer.pk):
        nqsw = actor_for(tenant.nqsw, tenant.employer)
        assessor = actor_for(tenant.assessor, tenant.employer)
        observation = observations.observation_create(
            actor=nqsw,
            registration=registration,
            observed_on=observed_on,
            setting="Home visit: a review of a child in need plan",
            observer_id=tenant.assessor.pk,
            observer_name="",
            statement_ids=[],
        )
        observation = observations.observation_update(
            actor=nqsw,
            observation=observation,
            version=observation.version,
            nqsw_reflection="I would slow down next time.",
        )
        observation = observations.observation_update(
            actor=assessor,
            observation=Observation.objects.get(pk=observation.pk),
            version=Observation.objects.get(pk=observation.pk).version,
            observer_assessment="Warm, clear, child-centred.",
        )
        return Observation.objects.get(pk=observation.pk)


def observation_complete(tenant, observation: Observation) -> Observation:
    with tenant_context(tenant.employer.pk):
        observation = Observation.objects.get(pk=observation.pk)
        return observations.observation_complete(
            actor=actor_for(tenant.assessor, tenant.employer),
            observation=observation,
            version=observation.version,
        )


def complete_observation(tenant, registration: Registration, **kwargs) -> Observation:
    return observation_complete(tenant, observation_ready(tenant, registration, **kwargs))


def agreement_drafted(tenant, registration: Registration) -> LearningAgreement:
    with tenant_context(tenant.employer.pk):
        return agreements.agreement_create(
            actor=actor_for(tenant.nqsw, tenant.employer), registration=registration, **AGREEMENT_TEXT
        )


def agreement_sign(tenant, user, agreement: LearningAgreement, signed_as: str) -> LearningAgreement:
    with tenant_context(tenant.employer.pk):
        agreement = LearningAgreement.objects.get(pk=agreement.pk)
        return agreements.agreement_sign(
            actor=actor_for(user, tenant.employer),
            agreement=agreement,
            signed_as=signed_as,
            version=agreement.version,
        )


def sign_agreement(tenant, registration: Registration) -> LearningAgreement:
    """The learning agreement drafted and signed by the NQSW, the assessor and the line manager."""
    agreement = agreement_drafted(tenant, registration)
    signed = agreements.SIGNED_AS
    agreement_sign(tenant, tenant.nqsw, agreement, signed.NQSW)
    agreement_sign(tenant, tenant.assessor, agreement, signed.ASSESSOR)
    return agreement_sign(tenant, tenant.line_manager, agreement, signed.LINE_MANAGER)
