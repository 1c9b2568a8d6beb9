"""Support plans: started by a "not on track" review with an extra review, their concerns,
actions and closing note."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record, changed_fields
from programmes.models import Registration
from reviews.models import Review, SupportPlan, SupportPlanAction
from reviews.services.access import can_add_support_actions, refuse_unless_support_plan_manager
from reviews.services.saving import (
    MAX_COMMENT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REPORT_LENGTH,
    claim,
    claim_audited,
    clean_text,
    part_saved,
    require_not_closed,
)

# The extra review a support plan schedules falls this long after the "not on track" review was signed.
EXTRA_REVIEW_AFTER = datetime.timedelta(weeks=6)


def support_plan_start(*, actor: Actor, review: Review, today: datetime.date | None = None) -> SupportPlan:
    """Start the support plan of a "not on track" review, with its extra review, in the caller's
    transaction; the co-ordinators' emails are written to the outbox with it and sent once it commits."""
    from reviews.tasks import support_plan_notify_coordinators

    today = today or clock.today()
    registration = review.registration
    extra = Review.objects.create(
        employer_id=review.employer_id,
        registration=registration,
        month=review.month,
        extra=True,
        due_on=today + EXTRA_REVIEW_AFTER,
        created_by=actor.user,
    )
    plan = SupportPlan.objects.create(
        employer_id=review.employer_id,
        registration=registration,
        review=review,
        extra_review=extra,
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        obj=plan,
        action="support_plan.started",
        changes={"review": review.pk, "extra_review": extra.pk, "extra_review_due_on": extra.due_on},
    )
    audit_record(
        actor=actor, obj=extra, action="review.added", changes={"extra": True, "due_on": extra.due_on}
    )
    # The co-ordinators' emails go to the outbox in this transaction, sent once it commits.
    support_plan_notify_coordinators(plan=plan)
    return plan


@transaction.atomic
def support_plan_update(
    *,
    actor: Actor,
    plan: SupportPlan,
    version: int,
    concerns: str,
    extra_review_due_on: datetime.date | None,
    today: datetime.date | None = None,
) -> SupportPlan:
    """The concerns the plan addresses and when the extra review is due (while it is not signed)."""
    actor.require(Role.COORDINATOR, Role.ASSESSOR, employer=plan.employer_id)
    refuse_unless_support_plan_manager(
        actor, plan.registration, "Only the co-ordinator or the NQSW's assessor changes a support plan."
    )
    require_not_closed(plan, "support plan")
    today = today or clock.today()
    errors: dict[str, list[str]] = {}
    concerns = clean_text(
        errors,
        "concerns",
        concerns,
        limit=MAX_REPORT_LENGTH,
        label="The concerns",
        required="Enter the concerns the plan addresses",
    )
    extra = plan.extra_review
    if extra is not None and extra.assessor_signed_at is None:
        if extra_review_due_on is None:
            errors["extra_review_due_on"] = ["Enter the date the extra review is due"]
        elif extra_review_due_on < today:
            errors["extra_review_due_on"] = [
                "The date the extra review is due must be today or in the future"
            ]
    if errors:
        raise ValidationError(errors)
    before = {"concerns": plan.concerns}
    if extra is not None and extra.assessor_signed_at is None and extra.due_on != extra_review_due_on:
        before["extra_review_due_on"] = extra.due_on
        Review.objects.filter(pk=extra.pk).update(due_on=extra_review_due_on, updated_at=clock.now())
    after = {"concerns": concerns, "extra_review_due_on": extra_review_due_on}
    after = {name: after[name] for name in before}
    return claim_audited(
        plan,
        version,
        actor=actor,
        action="support_plan.updated",
        changes=changed_fields(before, after),
        words=["concerns"],
        concerns=concerns,
    )


def owner_choices(registration: Registration) -> list[tuple[int, str]]:
    """The people an action may be given to: the NQSW, their assessor and line manager, the co-ordinators."""
    people = {}
    for user, role in (
        (registration.nqsw, "NQSW"),
        (registration.assessor, "assessor"),
        (registration.line_manager, "line manager"),
    ):
        if user is not None:
            people.setdefault(user.pk, f"{user.full_name or user.email} ({role})")
    for membership in (
        Membership.objects.active()
        .filter(employer_id=registration.employer_id, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ):
        user = membership.user
        people.setdefault(user.pk, f"{user.full_name or user.email} (co-ordinator)")
    return list(people.items())


@transaction.atomic
def support_plan_action_add(
    *,
    actor: Actor,
    plan: SupportPlan,
    action: str,
    owner_id: int | None,
    owner_name: str = "",
    due_on: datetime.date | None,
    today: datetime.date | None = None,
) -> SupportPlanAction:
    """An action of the plan: what, who (one of the NQSW's people, or someone named), by when."""
    actor.require(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, employer=plan.employer_id)
    if not can_add_support_actions(actor=actor, registration=plan.registration):
        raise PermissionDenied("Only the co-ordinator, the assessor or the line manager adds actions.")
    require_not_closed(plan, "support plan")
    today = today or clock.today()
    errors: dict[str, list[str]] = {}
    action = clean_text(
        errors, "action", action, limit=MAX_COMMENT_LENGTH, label="The action", required="Enter the action"
    )
    if owner_id is not None:
        if owner_id not in dict(owner_choices(plan.registration)):
            errors["owner"] = ["Select who will do this"]
        owner_name = ""
    else:
        owner_name = clean_text(
            errors,
            "owner_name",
            owner_name,
            limit=MAX_NAME_LENGTH,
            label="The name",
            required="Enter the name of the person who will do this",
        )
    if due_on is None:
        errors["due_on"] = ["Enter the date the action is due"]
    elif due_on < today:
        errors["due_on"] = ["The date the action is due must be today or in the future"]
    if errors:
        raise ValidationError(errors)
    item = SupportPlanAction.objects.create(
        employer_id=plan.employer_id,
        plan=plan,
        action=action,
        owner_id=owner_id,
        owner_name=owner_name,
        due_on=due_on,
    )
    part_saved(
        plan,
        actor=actor,
        action="support_plan.action_added",
        changes={"action": item.pk, "owner": owner_id or owner_name, "due_on": due_on},
    )
    return item


@transaction.atomic
def support_plan_action_done(
    *,
    actor: Actor,
    item: SupportPlanAction,
    done_on: datetime.date | None,
    today: datetime.date | None = None,
) -> SupportPlanAction:
    """Mark an action done on ``done_on``. Marking it again changes nothing."""
    plan = item.plan
    actor.require(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, employer=item.employer_id)
    if not can_add_support_actions(actor=actor, registration=plan.registration):
        raise PermissionDenied("Only the co-ordinator, the assessor or the line manager updates actions.")
    require_not_closed(plan, "support plan")
    if item.done_on is not None:
        return item
    today = today or clock.today()
    if done_on is None:
        raise ValidationError({"done_on": ["Enter the date the action was done"]})
    if done_on > today:
        raise ValidationError({"done_on": ["The date the action was done must be today or in the past"]})
    if done_on < plan.created_at.date():
        raise ValidationError(
            {"done_on": ["The date the action was done must be on or after the day the plan started"]}
        )
    SupportPlanAction.objects.filter(pk=item.pk, done_on__isnull=True).update(done_on=done_on)
    item.refresh_from_db()
    part_saved(
        plan, actor=actor, action="support_plan.action_done", changes={"action": item.pk, "done_on": done_on}
    )
    return item


@transaction.atomic
def support_plan_close(*, actor: Actor, plan: SupportPlan, version: int, note: str) -> SupportPlan:
    """Close the plan with a note saying how it ended."""
    actor.require(Role.COORDINATOR, Role.ASSESSOR, employer=plan.employer_id)
    refuse_unless_support_plan_manager(
        actor, plan.registration, "Only the co-ordinator or the NQSW's assessor closes a support plan."
    )
    require_not_closed(plan, "support plan")
    errors: dict[str, list[str]] = {}
    note = clean_text(
        errors,
        "note",
        note,
        limit=MAX_REPORT_LENGTH,
        label="The closing note",
        required="Enter a note on how the plan ended",
    )
    if errors:
        raise ValidationError(errors)
    plan = claim(plan, version, status=SupportPlan.Status.CLOSED, closed_at=clock.now(), closing_note=note)
    audit_record(actor=actor, obj=plan, action="support_plan.closed")
    return plan
