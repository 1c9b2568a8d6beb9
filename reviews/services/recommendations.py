"""The assessor's final recommendation: written, changed, and submitted to the internal
moderation panel."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, changed_fields
from asye.errors import Conflict
from asye.records import created_unless_taken
from portfolios.access import is_assessor
from programmes.models import Registration
from programmes.progress_store import progress_refresh
from reviews import rules
from reviews.models import FinalRecommendation, Recommendation
from reviews.services.access import require_assessment_writer, require_open, require_person
from reviews.services.saving import MAX_REPORT_LENGTH, claim_audited, clean_text


def _check_recommendation(recommendation: str, evidence_summary: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if recommendation not in Recommendation.values:
        errors["recommendation"] = ["Select whether you recommend a pass or that the NQSW is unsuccessful"]
    summary = clean_text(
        errors,
        "evidence_summary",
        evidence_summary,
        limit=MAX_REPORT_LENGTH,
        label="The evidence summary",
        required="Enter the summary of the evidence for your recommendation",
    )
    if errors:
        raise ValidationError(errors)
    return recommendation, summary


@transaction.atomic
def final_recommendation_create(
    *, actor: Actor, registration: Registration, recommendation: str, evidence_summary: str
) -> FinalRecommendation:
    """The assessor's recommendation at the end of the programme, once the final review is locked and the
    framework's minimum record is complete (``reviews.rules.recommendation_gaps``: every gap is listed)."""
    require_assessment_writer(
        actor, registration, "Only the NQSW's assessor writes the final recommendation."
    )
    rules.require_recommendation_record(registration)
    others = FinalRecommendation.objects.filter(registration=registration)
    if others.filter(status=FinalRecommendation.Status.REFERRED_BACK).exists():
        raise ValidationError("Revise the recommendation the panel referred back, then submit it again.")
    if others.exists():
        raise ValidationError("This NQSW already has a final recommendation.")
    recommendation, summary = _check_recommendation(recommendation, evidence_summary)
    item = created_unless_taken(
        FinalRecommendation,
        employer_id=registration.employer_id,
        registration=registration,
        recommendation=recommendation,
        evidence_summary=summary,
        created_by=actor.user,
    )
    if item is None:
        raise Conflict("Someone else has just started this NQSW's final recommendation.")
    audit_record(
        actor=actor,
        obj=item,
        action="final_recommendation.created",
        changes={"recommendation": recommendation, "registration": registration.pk},
    )
    return item


EDITABLE_RECOMMENDATION = (FinalRecommendation.Status.DRAFT, FinalRecommendation.Status.REFERRED_BACK)


@transaction.atomic
def final_recommendation_update(
    *, actor: Actor, item: FinalRecommendation, version: int, recommendation: str, evidence_summary: str
) -> FinalRecommendation:
    """Change a draft, or revise one the panel referred back."""
    require_assessment_writer(
        actor, item.registration, "Only the NQSW's assessor changes the final recommendation."
    )
    if item.status not in EDITABLE_RECOMMENDATION:
        raise ValidationError(
            f"This recommendation is {item.get_status_display().lower()}: it can no longer be changed."
        )
    recommendation, summary = _check_recommendation(recommendation, evidence_summary)
    before = {"recommendation": item.recommendation, "evidence_summary": item.evidence_summary}
    after = {"recommendation": recommendation, "evidence_summary": summary}
    return claim_audited(
        item,
        version,
        actor=actor,
        action="final_recommendation.updated",
        changes=changed_fields(before, after),
        words=["evidence_summary"],
        **after,
    )


@transaction.atomic
def final_recommendation_submit(
    *, actor: Actor, item: FinalRecommendation, version: int
) -> FinalRecommendation:
    """The assessor submits the recommendation to the internal moderation panel, while the record still
    holds what a recommendation needs (``reviews.rules.recommendation_gaps``)."""
    actor.require(Role.ASSESSOR, employer=item.employer_id)
    require_person(actor)
    registration = item.registration
    if not is_assessor(actor, registration):
        raise PermissionDenied("Only the NQSW's assessor submits the final recommendation.")
    require_open(registration)
    if item.status == FinalRecommendation.Status.SUBMITTED:
        return item
    if item.status not in EDITABLE_RECOMMENDATION:
        raise ValidationError(
            f"This recommendation is {item.get_status_display().lower()}: it cannot be submitted again."
        )
    rules.require_recommendation_record(registration)
    _check_recommendation(item.recommendation, item.evidence_summary)
    item = claim_audited(
        item,
        version,
        actor=actor,
        action="final_recommendation.submitted",
        changes={"recommendation": item.recommendation},
        status=FinalRecommendation.Status.SUBMITTED,
        submitted_at=clock.now(),
        submitted_by=actor.user,
    )
    progress_refresh(registration=registration)
    return item
