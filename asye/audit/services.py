"""Writing the audit trail. Every state change made by a service calls ``audit_record`` (or, for a batch
of objects changed the same way at once, ``audit_record_many``); ``audited_create`` and ``audited_update``
make a row or write a versioned change and audit it in one step."""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection, models

from asye import clock
from asye.audit.models import AuditEvent
from asye.records import Versioned, versioned_update

if TYPE_CHECKING:
    from asye.accounts.actor import Actor

V = TypeVar("V", bound=Versioned)


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


def audited_create(
    model: type[models.Model],
    *,
    actor: Actor,
    action: str,
    audit: Iterable[str] = (),
    changes: dict[str, Any] | None = None,
    **fields,
):
    """Create a ``model`` row from ``fields`` and audit it as ``action``, the event keeping the fields
    named in ``audit``: a related object by its id (``x`` is read from ``x`` or ``x_id``), a missing one
    as None. ``changes`` adds what the event says beyond the row's own fields (the registration it
    belongs to, the revision it replaces)."""
    obj = model.objects.create(**fields)
    kept = dict(changes or {})
    for name in audit:
        value = fields[name] if name in fields else fields[f"{name}_id"]
        kept[name] = value.pk if isinstance(value, models.Model) else value
    audit_record(actor=actor, obj=obj, action=action, changes=kept)
    return obj


def words_marked_changed(
    changes: dict[str, Any], words: Iterable[str], mark: Any = "changed"
) -> dict[str, Any]:
    """``changes`` (as ``changed_fields`` gives them) with each free-text field named in ``words`` shown
    as ``mark`` instead of its old and new text: the audit trail says which words changed, never what
    they say (a person's reflection, an assessor's notes)."""
    words = set(words)
    return {name: (mark if name in words else value) for name, value in changes.items()}


def audited_update(
    record: V,
    version: int | None,
    conflict: str,
    *,
    actor: Actor,
    action: str,
    changes: dict[str, Any],
    words: Iterable[str] = (),
    mark: Any = "changed",
    stale_without_version: bool = False,
    still: dict[str, Any] | None = None,
    **fields,
) -> V:
    """Write ``fields`` to ``record`` at ``version`` (``asye.records.versioned_update``: if it has moved on,
    Conflict(``conflict``)) and audit ``changes`` as ``action``, the free-text fields named in ``words``
    shown as ``mark`` (``words_marked_changed``). Returns the record as saved; with no ``changes`` nothing
    is written and ``record`` is returned as it is."""
    if not changes:
        return record
    record = versioned_update(
        record, version, conflict, stale_without_version=stale_without_version, still=still, **fields
    )
    audit_record(actor=actor, obj=record, action=action, changes=words_marked_changed(changes, words, mark))
    return record


def audit_record_many(
    *,
    actor: Actor | None,
    action: str,
    objs: Iterable[models.Model],
    changes: Callable[[models.Model], dict[str, Any]] | None = None,
    batch_size: int = 1000,
) -> int:
    """``audit_record`` for many objects changed the same way at once (a nightly job over tens of
    thousands of claims, a statement of hundreds): the same row per object, its employer the object's,
    ``batch_size`` rows to an INSERT, without a model instance per row. ``changes(obj)`` gives each
    object's changed fields. Returns how many were written."""
    meta = AuditEvent._meta
    fixed = (
        actor.user.pk if actor is not None else None,
        actor.label if actor is not None else "system",
        action,
        connection.ops.adapt_datetimefield_value(clock.now()),
    )
    names = ("employer", "object_type", "object_id", "object_repr", "changes")
    names += ("actor_user", "actor_label", "action", "created_at")
    insert = f"INSERT INTO {meta.db_table} ({', '.join(meta.get_field(n).column for n in names)}) "

    def write(rows: list[tuple]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Five arrays a statement: a few parameters, not nine a row.
                cursor.execute(
                    insert  # noqa: S608  (the model's own table and columns; values are parameters)
                    + "SELECT e, t, i, r, c::jsonb, %s, %s, %s, %s FROM unnest(%s::bigint[], "
                    "%s::text[], %s::text[], %s::text[], %s::text[]) AS audited (e, t, i, r, c)",
                    [*fixed, *(list(column) for column in zip(*rows, strict=True))],
                )
            else:
                marks = "(" + ", ".join(["%s"] * len(names)) + ")"
                cursor.execute(
                    insert + "VALUES " + ", ".join([marks] * len(rows)),
                    [value for row in rows for value in (*row, *fixed)],
                )

    written, rows = 0, []
    for obj in objs:
        rows.append(
            (
                getattr(obj, "employer_id", None),
                obj._meta.label_lower,
                str(obj.pk),
                str(obj)[:200],
                json.dumps(_jsonable(changes(obj) if changes is not None else {})),
            )
        )
        if len(rows) == batch_size:
            write(rows)
            written, rows = written + len(rows), []
    if rows:
        write(rows)
    return written + len(rows)
