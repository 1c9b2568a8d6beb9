"""The reviews' daily reminders: signatures waiting on a review, support-plan actions due. Listed in
``settings.ASYE_CONTRIBUTIONS["reminders"]`` (``asye.notifications.reminders`` runs them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from asye.notifications.reminders import DAILY, Due, Scan
from reviews.models import Review, SupportPlan, SupportPlanAction

# A review signed by the assessor and still waiting for the others' signatures this many days on.
SIGNATURE_WAITING_DAYS = 3
# A support-plan action is reminded this many days before it is due, and again once it is overdue.
ACTION_NOTICE_DAYS = 7


def signature_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """The NQSW and the line manager, each while their signature is missing from a review the assessor
    signed more than 3 days ago."""
    waiting = (
        Review.objects.filter(
            employer_id=employer_id,
            status=Review.Status.AWAITING_COMMENTS,
            assessor_signed_at__date__lte=today - datetime.timedelta(days=SIGNATURE_WAITING_DAYS),
        )
        .select_related("registration__nqsw", "registration__line_manager")
        .order_by("pk")
    )
    for review in waiting:
        registration = review.registration
        signed_on = timezone.localtime(review.assessor_signed_at).date()
        link = reverse("reviews:review", args=[review.pk])
        label = f"the {review.month}-month review of {registration.full_name}"
        if review.nqsw_signed_at is None and registration.nqsw and registration.nqsw.is_active:
            text = f"Your {review.month}-month review is waiting for your comments and signature"
            yield Due(registration.nqsw, "review.signature_waiting", review, signed_on, text, link)
        manager = registration.line_manager
        if review.line_manager_signed_at is None and manager and manager.is_active:
            text = f"{label[0].upper()}{label[1:]} is waiting for your comments and signature"
            yield Due(manager, "review.signature_waiting", review, signed_on, text, link)


def support_action_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """Open support-plan actions due within 7 days, and overdue ones, to the action's owner (or, with no
    owner in the service, the NQSW's assessor)."""
    actions = (
        SupportPlanAction.objects.filter(
            employer_id=employer_id,
            plan__status=SupportPlan.Status.OPEN,
            done_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=ACTION_NOTICE_DAYS),
        )
        .select_related("owner", "plan__registration__assessor")
        .order_by("pk")
    )
    for action in actions:
        person = action.owner or action.plan.registration.assessor
        if person is None or not person.is_active:
            continue
        overdue = action.due_on < today
        name = action.plan.registration.full_name
        text = (
            f"A support plan action for {name} is {'overdue' if overdue else 'due'}: "
            f"{action.action[:120]} (due {action.due_on:%-d %B %Y})"
        )
        kind = "support_action.overdue" if overdue else "support_action.due"
        yield Due(
            person, kind, action, action.due_on, text, reverse("reviews:support_plan", args=[action.plan_id])
        )


SCANS = [
    Scan(
        "reviews.signatures",
        DAILY,
        "Signatures waiting on a review 3 days after the assessor signed (the NQSW, the line manager)",
        signature_reminders,
    ),
    Scan(
        "reviews.support_actions",
        DAILY,
        "Support-plan actions due within 7 days, and overdue (the action's owner, else the assessor)",
        support_action_reminders,
    ),
]
