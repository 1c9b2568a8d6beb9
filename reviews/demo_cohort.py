"""The earlier cohort's paper record, for the reviews demo (``reviews.demo``): what a final recommendation
needs besides the locked reviews (``reviews.rules.recommendation_gaps``), kept before the service opened and
copied in: the learning agreement, signed by the NQSW on paper and by the assessor and the line manager
(who have accounts), and the three direct observations, complete, observed by the assessor.

These NQSWs never had an account, so nothing here can go through the services that need the NQSW in
person; the records are made as the copy of the paper file they are, dated on the story's days. A second
run creates nothing: each part is skipped when its records exist.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.utils import timezone

from portfolios.access import portfolio_ensure
from portfolios.demo_records import first_agreement
from portfolios.models import AgreementSignature, LearningAgreement, Observation, Portfolio
from programmes.models import Registration

AGREEMENT = {
    "review_dates": "3-month, 6-month and 12-month reviews, with the final recommendation after the last.",
    "supervision_plan": "Weekly for the first 6 weeks, fortnightly until the 6-month review, then monthly.",
    "workload_arrangements": "A protected caseload of no more than 90% of the team's average.",
    "protected_time": "Half a day each week, booked in the team calendar.",
    "other_support": "Monthly NQSW peer learning group.",
}
# Days after the start: the agreement signed in the first fortnight, observations by months 3, 6 and 9.
AGREEMENT_SIGNED_AFTER = 12
OBSERVATIONS = (
    (75, "Home visit: reviewing a child in need plan with a family"),
    (165, "Child protection core group meeting, chaired by the NQSW"),
    (255, "Direct work with a young person about their plan"),
)
OBSERVER_ASSESSMENT = (
    "{name} was warm, clear and purposeful, kept the child central and agreed next steps with the family. "
    "Next: check understanding before closing."
)
NQSW_REFLECTION = "Seeing the child first changed the visit. I would leave more time to agree the plan."


def _at(day: datetime.date, hour: int = 11) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _agreement(portfolio: Portfolio, registration: Registration, created: Counter) -> None:
    if LearningAgreement.objects.filter(portfolio=portfolio).exists():
        return
    signed_on = registration.start_date + datetime.timedelta(days=AGREEMENT_SIGNED_AFTER)
    agreement = first_agreement(portfolio, registration, created_by_id=registration.assessor_id, **AGREEMENT)
    # The NQSW signed on paper (no account to name): their signature is the revision's completion.
    for signed_as, user_id in (
        (AgreementSignature.SignedAs.ASSESSOR, registration.assessor_id),
        (AgreementSignature.SignedAs.LINE_MANAGER, registration.line_manager_id),
    ):
        signature = AgreementSignature.objects.create(
            employer_id=portfolio.employer_id, agreement=agreement, signed_as=signed_as, signed_by_id=user_id
        )
        AgreementSignature.objects.filter(pk=signature.pk).update(signed_at=_at(signed_on))
    LearningAgreement.objects.filter(pk=agreement.pk).update(
        completed_at=_at(signed_on, 15), created_at=_at(registration.start_date)
    )
    Registration.objects.filter(pk=registration.pk).update(learning_agreement_needs_signing=False)
    created["agreement signatures"] += 2


def _observations(portfolio: Portfolio, registration: Registration, created: Counter) -> None:
    if Observation.objects.filter(portfolio=portfolio).exists():
        return
    for number, (after, setting) in enumerate(OBSERVATIONS, start=1):
        observed_on = registration.start_date + datetime.timedelta(days=after)
        observation = Observation.objects.create(
            employer_id=portfolio.employer_id,
            portfolio=portfolio,
            number=number,
            observer_id=registration.assessor_id,
            observed_on=observed_on,
            setting=setting,
            nqsw_reflection=NQSW_REFLECTION,
            observer_assessment=OBSERVER_ASSESSMENT.format(name=registration.first_name),
            status=Observation.Status.COMPLETE,
            created_by_id=registration.assessor_id,
        )
        Observation.objects.filter(pk=observation.pk).update(created_at=_at(observed_on, 16))
        created["observations"] += 1


def paper_record(registration: Registration, created: Counter) -> None:
    """The earlier-cohort registration's portfolio with its signed agreement and completed observations."""
    portfolio = portfolio_ensure(actor=None, registration=registration)
    _agreement(portfolio, registration, created)
    _observations(portfolio, registration, created)
