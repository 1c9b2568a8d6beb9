"""Reading the audit trail: co-ordinators see their employer's, national staff everyone's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from asye.accounts.models import Role
from asye.audit.models import AuditEvent

if TYPE_CHECKING:
    from asye.accounts.actor import Actor


def audit_event_list(
    *, actor: Actor, action: str = "", object_type: str = "", object_id: str = ""
) -> QuerySet[AuditEvent]:
    """The employer's audit trail, newest first. Co-ordinators only."""
    actor.require(Role.COORDINATOR)
    events = AuditEvent.objects.visible_to(actor).select_related("actor_user")
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
        if object_id:
            events = events.filter(object_id=object_id)
    return events


def audit_event_list_national(*, actor: Actor, employer_id: int | None = None, action: str = "") -> QuerySet:
    """Every employer's audit trail. Evaluate inside ``national_scope``."""
    actor.require(Role.NATIONAL_STAFF)
    events = AuditEvent.objects.select_related("actor_user", "employer")
    if employer_id:
        events = events.filter(employer_id=employer_id)
    if action:
        events = events.filter(action__startswith=action)
    return events
