"""Writes for the PQS self-assessment: the NQSW, for child and family registrations (capability sets with
a self-assessment), rates every statement at the start, midway and near the end, in order."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.records import versioned_update
from portfolios.access import (
    capability_sets_for,
    is_owner,
)
from portfolios.models import (
    CapabilitySet,
    Portfolio,
    SelfAssessment,
    SelfAssessmentRating,
)
from portfolios.record_writes import (
    MAX_PDP_TEXT,
    checked_text,
    portfolio_for_write,
    refuse_unless,
)
from programmes.models import Registration

STAGES = list(SelfAssessment.Stage)
STAGE = SelfAssessment.Stage


def self_assessment_set(portfolio: Portfolio | None, registration: Registration) -> CapabilitySet | None:
    """The standards the NQSW rates themselves against: the portfolio's set with a self-assessment (the
    child and family PQS); None where none applies (adults)."""
    sets = (
        list(portfolio.capability_sets.all()) if portfolio is not None else capability_sets_for(registration)
    )
    return next((s for s in sets if s.has_self_assessment), None)


def stage_blocker(stage: str, completed: set[str]) -> str:
    """Why a stage cannot be completed or changed now, given the completed stages; "" if it can."""
    index = [s.value for s in STAGES].index(stage)
    if index > 0 and STAGES[index - 1].value not in completed:
        return f"Complete the “{STAGES[index - 1].label.lower()}” self-assessment first"
    if any(s.value in completed for s in STAGES[index + 1 :]):
        return "A later self-assessment has been completed, so this one is kept as it was"
    return ""


@transaction.atomic
def self_assessment_save(
    *,
    actor: Actor,
    registration: Registration,
    stage: str,
    levels: dict[int, int | None],
    comments: dict[int, str] | None = None,
    version: int | None = None,
) -> SelfAssessment:
    """The NQSW rates every statement of the standards at a stage (start, midway, near the end), with an
    optional comment for each. Stages are completed in order; a stage can be changed until the next one
    is completed. ``version`` is the one read (None for a first save); a stale one raises Conflict."""
    actor.require(Role.NQSW, employer=registration.employer_id)
    refuse_unless(is_owner(actor, registration), "Only the NQSW completes their self-assessment.")
    if stage not in STAGE.values:
        raise ValidationError("Choose the start, midway or near-the-end self-assessment.")
    portfolio = portfolio_for_write(actor, registration)
    capability_set = self_assessment_set(portfolio, registration)
    if capability_set is None:
        raise ValidationError(
            "The self-assessment against the post-qualifying standards is for child and family NQSWs only."
        )
    existing = {sa.stage: sa for sa in portfolio.self_assessments.all()}
    blocker = stage_blocker(stage, {s for s, sa in existing.items() if sa.completed_at})
    if blocker:
        raise ValidationError(blocker)
    comments = comments or {}
    statements = list(capability_set.statements.order_by("number"))
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, tuple[int, str]] = {}
    for statement in statements:
        level = levels.get(statement.pk)
        if level not in SelfAssessmentRating.Level.values:
            errors[f"level_{statement.pk}"] = [
                f"Select how confident you feel about {statement.label}: {statement.title}"
            ]
        comment = checked_text(
            errors,
            f"comment_{statement.pk}",
            comments.get(statement.pk),
            max_length=MAX_PDP_TEXT,
            what=f"Your comment on {statement.label}",
        )
        cleaned[statement.pk] = (level, comment)
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    self_assessment = existing.get(stage)
    if self_assessment is None:
        self_assessment = SelfAssessment.objects.create(
            employer_id=registration.employer_id,
            portfolio=portfolio,
            stage=stage,
            capability_set=capability_set,
            completed_at=now,
        )
        action = "self_assessment.completed"
    else:
        self_assessment = versioned_update(
            self_assessment,
            version,
            "This self-assessment was saved from another window since you opened it. Your answers are "
            "below: check them and save again.",
            stale_without_version=True,
            completed_at=self_assessment.completed_at or now,
        )
        action = "self_assessment.changed"
    before = {r.statement_id: (r.level, r.comment) for r in self_assessment.ratings.all()}
    for statement_id, (level, comment) in cleaned.items():
        if before.get(statement_id) != (level, comment):
            SelfAssessmentRating.objects.update_or_create(
                employer_id=registration.employer_id,
                self_assessment=self_assessment,
                statement_id=statement_id,
                defaults={"level": level, "comment": comment},
            )
    audit_record(
        actor=actor,
        obj=self_assessment,
        action=action,
        changes={
            "registration": registration.pk,
            "stage": stage,
            "capability_set": capability_set.pk,
            "ratings_changed": sum(1 for k, v in cleaned.items() if before.get(k) != v),
        },
    )
    return self_assessment
