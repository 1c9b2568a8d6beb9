"""Reviews' Celery tasks: thin, they take ids, set the tenant context and call the notification below."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction
from django.urls import reverse

from asye import clock
from asye.accounts.models import Membership, Role
from asye.audit.models import AuditEvent
from asye.audit.services import audit_record
from asye.notifications.outbox import email_queue
from asye.tenancy.db import tenant_context
from reviews.models import SupportPlan

NOTIFIED = "support_plan.coordinators_emailed"
# An alert that could not go out within this time is not sent late: the co-ordinator's dashboard shows
# the plan from the moment it starts, and a week-old "a plan has started" email would mislead.
STALE_AFTER = datetime.timedelta(days=7)


def support_plan_notify_coordinators(*, plan: SupportPlan) -> int:
    """Email each of the employer's co-ordinators that a support plan has started; once per plan (the
    audit event is the sent-log, checked under a lock on the plan). Returns how many were emailed."""
    locked = SupportPlan.objects.select_for_update().select_related("registration").get(pk=plan.pk)
    if AuditEvent.objects.filter(
        employer_id=locked.employer_id, action=NOTIFIED, object_id=str(locked.pk)
    ).exists():
        return 0
    if locked.status != SupportPlan.Status.OPEN or clock.now() - locked.created_at > STALE_AFTER:
        return 0
    recipients = sorted(
        set(
            Membership.objects.active()
            .filter(employer_id=locked.employer_id, role=Role.COORDINATOR, user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return 0
    registration = locked.registration
    context = {
        "plan": locked,
        "nqsw_name": registration.full_name,
        "month": locked.review.month,
        # No request here to build a full address from: the path, under the service's own address.
        "plan_path": reverse("reviews:support_plan", args=[locked.pk]),
        "service_name": settings.ASYE_SERVICE_NAME,
    }
    for address in recipients:
        email_queue(
            to=address,
            subject=f"A support plan has started for {registration.full_name}",
            template="reviews/email/support_plan_started",
            context=context,
            kind="support_plan.started",
            employer_id=locked.employer_id,
            about=locked,
        )
    audit_record(actor=None, obj=locked, action=NOTIFIED, changes={"recipients": len(recipients)})
    return len(recipients)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def support_plan_notify(employer_id: int, plan_id: int) -> int:
    """Tell the co-ordinators a "not on track" review has started a support plan. Idempotent."""
    with tenant_context(employer_id), transaction.atomic():
        plan = SupportPlan.objects.filter(pk=plan_id).first()
        if plan is None:
            return 0
        return support_plan_notify_coordinators(plan=plan)
