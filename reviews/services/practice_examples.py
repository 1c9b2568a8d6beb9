"""The practice examples the assessor quotes in a draft review, and the parts of the NQSW's
portfolio they may be linked to."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from portfolios.capabilities import registration_statements
from portfolios.models import Evidence, Observation, Portfolio
from programmes.models import Registration
from reviews.models import PracticeExample, Review
from reviews.services.access import can_write_assessment, require_open
from reviews.services.saving import MAX_COMMENT_LENGTH, clean_text


def _bump(review: Review) -> None:
    """A change to the review's examples is a save of the review: forms open elsewhere must reload."""
    Review.objects.filter(pk=review.pk).update(version=F("version") + 1, updated_at=clock.now())


def _portfolio_of(registration: Registration) -> Portfolio | None:
    return Portfolio.objects.filter(registration=registration).first()


def linkable_evidence(registration: Registration) -> list[Evidence]:
    """The NQSW's evidence the assessor may cite: shared with them (never the NQSW's own drafts)."""
    portfolio = _portfolio_of(registration)
    if portfolio is None:
        return []
    return list(
        Evidence.objects.filter(portfolio=portfolio)
        .exclude(status=Evidence.Status.DRAFT)
        .order_by("title", "id")
    )


def linkable_observations(registration: Registration) -> list[Observation]:
    portfolio = _portfolio_of(registration)
    if portfolio is None:
        return []
    return list(Observation.objects.filter(portfolio=portfolio).order_by("number", "id"))


def linkable_statements(registration: Registration) -> list:
    """The registration's capability statements, whether or not its portfolio has been started."""
    return registration_statements(registration)


@transaction.atomic
def practice_example_add(
    *,
    actor: Actor,
    review: Review,
    text: str,
    evidence_id: int | None = None,
    observation_id: int | None = None,
    statement_id: int | None = None,
) -> PracticeExample:
    """Quote a practice example in a draft review, linked (optionally) to one piece of the NQSW's evidence
    or one observation, and to the capability it shows. Only that registration's portfolio is offered."""
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=review.employer_id)
    registration = review.registration
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor adds practice examples to their review.")
    require_open(registration)
    if review.assessor_signed_at is not None:
        raise ValidationError("This review has been signed: its practice examples can no longer change.")
    errors: dict[str, list[str]] = {}
    text = clean_text(errors, "text", text, limit=MAX_COMMENT_LENGTH, label="The practice example")
    if not text and "text" not in errors:
        errors["text"] = ["Enter the practice example"]
    if evidence_id and observation_id:
        errors["evidence"] = ["Link the example to one piece of evidence or one observation, not both"]
    evidence = observation = statement = None
    if evidence_id:
        evidence = next((e for e in linkable_evidence(registration) if e.pk == evidence_id), None)
        if evidence is None:
            errors["evidence"] = ["Select evidence from this NQSW's portfolio"]
    if observation_id:
        observation = next((o for o in linkable_observations(registration) if o.pk == observation_id), None)
        if observation is None:
            errors["observation"] = ["Select an observation from this NQSW's portfolio"]
    if statement_id:
        statement = next((s for s in linkable_statements(registration) if s.pk == statement_id), None)
        if statement is None:
            errors["statement"] = ["Select a capability from this NQSW's frameworks"]
    if errors:
        raise ValidationError(errors)
    example = PracticeExample.objects.create(
        employer_id=review.employer_id,
        review=review,
        text=text,
        evidence=evidence,
        observation=observation,
        statement=statement,
    )
    _bump(review)
    audit_record(
        actor=actor,
        obj=review,
        action="review.practice_example_added",
        changes={
            "example": example.pk,
            "evidence": evidence_id,
            "observation": observation_id,
            "statement": statement_id,
        },
    )
    return example


@transaction.atomic
def practice_example_remove(*, actor: Actor, example: PracticeExample) -> None:
    review = example.review
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=review.employer_id)
    if not can_write_assessment(actor=actor, registration=review.registration):
        raise PermissionDenied("Only the NQSW's assessor removes practice examples from their review.")
    require_open(review.registration)
    if review.assessor_signed_at is not None:
        raise ValidationError("This review has been signed: its practice examples can no longer change.")
    pk = example.pk
    example.delete()
    _bump(review)
    audit_record(actor=actor, obj=review, action="review.practice_example_removed", changes={"example": pk})
