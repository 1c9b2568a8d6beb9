"""The practice examples the assessor quotes in a draft review, and the parts of the NQSW's
portfolio they may be linked to."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from asye.accounts.actor import Actor
from portfolios.capabilities import registration_statements
from portfolios.models import Evidence, Observation, Portfolio
from programmes.models import Registration
from reviews.models import PracticeExample, Review
from reviews.services.access import require_assessment_writer
from reviews.services.saving import MAX_COMMENT_LENGTH, clean_text, part_saved


def _require_examples_writer(actor: Actor, review: Review, refusal: str) -> None:
    """The NQSW's assessor, before they sign the review (``require_assessment_writer``)."""
    require_assessment_writer(actor, review.registration, refusal)
    if review.assessor_signed_at is not None:
        raise ValidationError("This review has been signed: its practice examples can no longer change.")


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
    registration = review.registration
    _require_examples_writer(
        actor, review, "Only the NQSW's assessor adds practice examples to their review."
    )
    errors: dict[str, list[str]] = {}
    text = clean_text(
        errors,
        "text",
        text,
        limit=MAX_COMMENT_LENGTH,
        label="The practice example",
        required="Enter the practice example",
    )
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
    part_saved(
        review,
        actor=actor,
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
    _require_examples_writer(
        actor, review, "Only the NQSW's assessor removes practice examples from their review."
    )
    pk = example.pk
    example.delete()
    part_saved(review, actor=actor, action="review.practice_example_removed", changes={"example": pk})
