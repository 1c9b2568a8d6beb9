"""Reading the audit trail: co-ordinators see their employer's, national staff everyone's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from asye.accounts.models import Role
from asye.audit.models import AuditEvent

if TYPE_CHECKING:
    from asye.accounts.actor import Actor


def audit_filter(events: QuerySet[AuditEvent], filters: dict | None) -> QuerySet[AuditEvent]:
    """Narrow a trail by the filters people use (``asye.audit.forms.AuditFilterForm``): who acted (the start
    of their name or email), the kind of record, and the days from and to (inclusive)."""
    filters = filters or {}
    if filters.get("person"):
        person = filters["person"].strip()
        events = events.filter(
            Q(actor_user__full_name__istartswith=person)
            | Q(actor_user__email__istartswith=person)
            | Q(actor_label__istartswith=person)
        )
    if filters.get("kind"):
        events = events.filter(object_type=filters["kind"])
    if filters.get("since"):
        events = events.filter(created_at__date__gte=filters["since"])
    if filters.get("until"):
        events = events.filter(created_at__date__lte=filters["until"])
    return events


def audit_event_list(
    *, actor: Actor, action: str = "", object_type: str = "", object_id: str = "", filters: dict | None = None
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
    return audit_filter(events, filters)


def audit_kinds(*, actor: Actor) -> list[str]:
    """The kinds of record (object types) in the employer's trail, to filter by."""
    actor.require(Role.COORDINATOR)
    return list(
        AuditEvent.objects.visible_to(actor)
        .exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


def audit_kinds_national(*, actor: Actor) -> list[str]:
    """The kinds of record in every employer's trail. Evaluate inside ``national_scope``."""
    actor.require(Role.NATIONAL_STAFF)
    return list(
        AuditEvent.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


def audit_event_list_national(
    *, actor: Actor, employer_id: int | None = None, action: str = "", filters: dict | None = None
) -> QuerySet:
    """Every employer's audit trail. Evaluate inside ``national_scope``."""
    actor.require(Role.NATIONAL_STAFF)
    events = AuditEvent.objects.select_related("actor_user", "employer")
    if employer_id:
        events = events.filter(employer_id=employer_id)
    if action:
        events = events.filter(action__startswith=action)
    return audit_filter(events, filters)
