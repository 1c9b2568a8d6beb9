"""The three signatures of a review: the assessor's, then the NQSW's and the line manager's with
their comments; the last one locks the review."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from programmes.progress_store import progress_refresh
from reviews import rules
from reviews.models import Review, ReviewOutcome
from reviews.services.access import ASSESSOR_FIELDS, party_of, require_open, require_person
from reviews.services.reviews import check_report
from reviews.services.saving import MAX_COMMENT_LENGTH, claim, clean_text
from reviews.services.support_plans import support_plan_start


@transaction.atomic
def review_sign_as_assessor(
    *, actor: Actor, review: Review, version: int, today: datetime.date | None = None
) -> Review:
    """The assessor signs a complete review: it goes to the NQSW and the line manager for comments. A
    "not on track" outcome starts a support plan with an extra review, in this same transaction."""
    actor.require(Role.ASSESSOR, employer=review.employer_id)
    require_person(actor)
    registration = review.registration
    if party_of(actor=actor, review=review) != "assessor":
        raise PermissionDenied("Only the NQSW's assessor signs as the assessor.")
    require_open(registration)
    if review.assessor_signed_at is not None:
        return review  # already signed (a second click): nothing more to do
    today = today or clock.today()
    if refusal := rules.sign_refusal(review, today=today):
        raise ValidationError(refusal)
    errors: dict[str, list[str]] = {}
    try:
        check_report(review, {name: getattr(review, name) for name in ASSESSOR_FIELDS}, today, complete=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not review.practice_examples.exists():
        errors["practice_examples"] = ["Add at least one practice example before you sign"]
    if errors:
        raise ValidationError(errors)
    review = claim(
        review,
        version,
        status=Review.Status.AWAITING_COMMENTS,
        assessor_signed_by=actor.user,
        assessor_signed_at=clock.now(),
    )
    audit_record(
        actor=actor, obj=review, action="review.signed_by_assessor", changes={"outcome": review.outcome}
    )
    if review.outcome == ReviewOutcome.NOT_ON_TRACK:
        support_plan_start(actor=actor, review=review, today=today)
    return review


@transaction.atomic
def review_comment(
    *, actor: Actor, review: Review, version: int, comments: str, sign: bool = False
) -> Review:
    """The NQSW or the line manager saves their comments, and with ``sign`` signs. When the third
    signature is in, the review is locked; a signature that would lock it while an earlier review point
    is not locked is refused (``reviews.rules.lock_refusal``)."""
    actor.require(Role.NQSW, Role.LINE_MANAGER, employer=review.employer_id)
    require_person(actor)
    party = party_of(actor=actor, review=review)
    if party not in ("nqsw", "line_manager"):
        raise PermissionDenied("Only the NQSW and their line manager comment on and sign a review.")
    require_open(review.registration)
    if review.status == Review.Status.DRAFT:
        raise ValidationError("You can comment and sign once the assessor has signed the review.")
    signed_at = review.nqsw_signed_at if party == "nqsw" else review.line_manager_signed_at
    if review.status == Review.Status.LOCKED or signed_at is not None:
        raise ValidationError(
            "You have signed this review: change your comments as an amendment, giving the reason."
        )
    errors: dict[str, list[str]] = {}
    field = "nqsw_comments" if party == "nqsw" else "line_manager_comments"
    comments = clean_text(errors, field, comments, limit=MAX_COMMENT_LENGTH, label="Your comments")
    if errors:
        raise ValidationError(errors)
    changes: dict = {field: comments}
    now = clock.now()
    if sign:
        changes[f"{party}_signed_by"] = actor.user
        changes[f"{party}_signed_at"] = now
        other = review.line_manager_signed_at if party == "nqsw" else review.nqsw_signed_at
        if other is not None:
            # The last signature locks the review: only after the earlier review points are locked.
            if refusal := rules.lock_refusal(review):
                raise ValidationError(refusal)
            changes["status"] = Review.Status.LOCKED
            changes["locked_at"] = now
    elif getattr(review, field) == comments:
        return review
    before = getattr(review, field)
    review = claim(review, version, **changes)
    if before != comments:
        audit_record(actor=actor, obj=review, action="review.commented", changes={"text_changed": [field]})
    if sign:
        audit_record(actor=actor, obj=review, action=f"review.signed_by_{party}")
    if review.status == Review.Status.LOCKED:
        audit_record(actor=actor, obj=review, action="review.locked")
        progress_refresh(registration=review.registration)  # the review is done on the timeline
    return review
