"""Amending a signed review: each person changes only their own part, with a reason kept in
``ReviewAmendment``."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, changed_fields
from portfolios.amendments import amendment_rows
from reviews.models import Review, ReviewAmendment, ReviewOutcome, SupportPlan
from reviews.services.access import ASSESSOR_FIELDS, amendable_fields, require_person
from reviews.services.reviews import audit_changes, check_report
from reviews.services.saving import MAX_COMMENT_LENGTH, MAX_REASON_LENGTH, claim, clean_text
from reviews.services.support_plans import support_plan_start


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def review_amend(
    *,
    actor: Actor,
    review: Review,
    version: int,
    reason: str,
    today: datetime.date | None = None,
    **changes,
) -> Review:
    """Change what the actor signed, with a reason: each changed field is kept in ``ReviewAmendment``
    with its old and new value, and audited. An outcome amended to "not on track" starts a support plan."""
    actor.require(Role.ASSESSOR, Role.NQSW, Role.LINE_MANAGER, employer=review.employer_id)
    require_person(actor)
    allowed = amendable_fields(actor=actor, review=review)
    if not allowed:
        raise PermissionDenied("You can amend only your own part of a review, after you have signed it.")
    unknown = set(changes) - set(allowed)
    if unknown:
        raise PermissionDenied("You can amend only your own part of the review.")
    errors: dict[str, list[str]] = {}
    reason = clean_text(
        errors,
        "reason",
        reason,
        limit=MAX_REASON_LENGTH,
        label="The reason",
        required="Enter the reason for the amendment",
    )
    try:
        if allowed == ASSESSOR_FIELDS:
            # A date held that does not change is not checked again: the window may have moved since.
            if changes.get("held_on", review.held_on) == review.held_on:
                changes = {name: value for name, value in changes.items() if name != "held_on"}
            cleaned = check_report(review, changes, today or clock.today(), complete=True)
        else:
            cleaned = {
                name: clean_text(errors, name, value, limit=MAX_COMMENT_LENGTH, label="Your comments")
                for name, value in changes.items()
            }
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = {}
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(review, name) for name in cleaned}
    diff = changed_fields(before, cleaned)
    if not diff:
        raise ValidationError("You have not changed anything. Change an answer, or cancel.")
    review = claim(review, version, **{name: cleaned[name] for name in diff})
    shown = {name: (_as_text(before[name]), _as_text(cleaned[name])) for name in diff}
    amendment_rows(ReviewAmendment, "review", review, shown, reason=reason, actor=actor)
    audit_record(
        actor=actor,
        obj=review,
        action="review.amended",
        changes={**audit_changes(before, cleaned), "reason": reason},
    )
    if (
        "outcome" in diff
        and review.outcome == ReviewOutcome.NOT_ON_TRACK
        and not SupportPlan.objects.filter(review=review).exists()
        and review.registration.is_open
    ):
        support_plan_start(actor=actor, review=review, today=today)
    return review
