"""Writing the audit trail. Every state change made by a service calls ``audit_record``."""

from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from asye.audit.models import AuditEvent

if TYPE_CHECKING:
    from asye.accounts.actor import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {
        name: [_jsonable(before.get(name)), _jsonable(after.get(name))]
        for name in after
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model | None = None,
    employer_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. ``employer_id`` defaults to the object's employer, else the actor's."""
    if employer_id is None and obj is not None:
        employer_id = getattr(obj, "employer_id", None)
    if employer_id is None and obj is None and actor is not None:
        employer_id = actor.employer_id
    user = actor.user if actor is not None else None
    return AuditEvent.objects.create(
        employer_id=employer_id,
        actor_user=user,
        actor_label=actor.label if actor is not None else "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=_jsonable(changes or {}),
    )
