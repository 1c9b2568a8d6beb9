"""What the records that services write have in common: the foreign key by which a record names a person
(``person_field``); who made one and when (``Authored``), the version a stale save is refused on
(``Versioned``), the who-and-when of a decision (``Decided``) and a submission (``Submitted``), the times and
version of records whose services stamp them from ``asye.clock`` (``ClockVersioned``,
``ClockCreatedVersioned``), and the row that keeps a change to a record someone relied on (``Amendment``);
the one conditional update that refuses it
(``versioned_update``), the row locked for a change only while it is at the version read (``locked_at``), the
bump a change to a record's parts gives it (``version_bump``), and a row made unless a unique constraint says
someone just made it (``created_unless_taken``).

Abstract models add no table and no migration: a model that inherits them has the same columns it spelled
out before.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F

from asye import clock
from asye.errors import Conflict


def person_field(*, optional: bool = False) -> models.ForeignKey:
    """The foreign key by which a record names a person (who recorded, signed, decided or owns it).

    PROTECT: nobody a record names can be deleted, only made inactive. No reverse accessor
    (``related_name="+"``): a person's records are read through their own tables, never from the person.
    ``optional``: empty until someone is named (a signature still to come, an assessor not yet allocated).
    """
    if optional:
        return models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
        )
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Authored(models.Model):
    """Who made the record, and when."""

    created_by = person_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Created(models.Model):
    """When the record was made (the record itself names by whom, if anyone)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A record people change: when it last changed and its version, which a save must name (else 409)."""

    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class AuthoredVersioned(Authored, Versioned):
    """Who made it and when, when it last changed and its version: the common case."""

    class Meta:
        abstract = True


class CreatedVersioned(Created, Versioned):
    """When it was made (by whoever the record itself names), when it last changed and its version."""

    class Meta:
        abstract = True


class Decided(models.Model):
    """A decision taken on the record (approved or rejected, accepted or declined): by whom and when,
    both empty until it is decided."""

    decided_by = person_field(optional=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Submitted(models.Model):
    """The record was submitted (to national staff, to a panel): by whom and when, both empty until then."""

    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = person_field(optional=True)

    class Meta:
        abstract = True


class ClockVersioned(models.Model):
    """When the record last changed, as its service stamped it from ``asye.clock`` (no database default,
    unlike ``asye.records.Versioned``), and its version, which a save must name (``versioned_update``)."""

    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class ClockCreatedVersioned(ClockVersioned):
    """``ClockVersioned``, and when the record was made, stamped by its service from ``asye.clock`` too."""

    created_at = models.DateTimeField()

    class Meta:
        abstract = True


class Amendment(models.Model):
    """A change to a record someone relied on (a locked review, an assessed observation): which field, its
    old and new value as people read them, by whom and when. Never edited. Each kind adds the record it
    changes and the reason, which it requires or not."""

    field = models.CharField(max_length=50)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    amended_by = person_field()
    amended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["amended_at", "id"]


V = TypeVar("V", bound=Versioned)
M = TypeVar("M", bound=models.Model)


def versioned_update(
    record: V,
    version: int | None,
    conflict: str,
    *,
    stale_without_version: bool = False,
    still: dict[str, Any] | None = None,
    **changes,
) -> V:
    """Write ``changes`` to ``record`` if it is still at ``version``, moving the version on and stamping
    ``updated_at``; otherwise raise Conflict(``conflict``). Returns the record as saved.

    ``version`` None stands for the version ``record`` was read at (a change no page showed a version for),
    unless ``stale_without_version``: then a missing version is refused as stale, like a wrong one.
    ``still`` names what else the row must still be for the write (``{"status": DRAFT}``): otherwise
    Conflict too."""
    expected = record.version if version is None and not stale_without_version else version
    updated = (
        type(record)
        .objects.filter(pk=record.pk, version=expected, **(still or {}))
        .update(version=F("version") + 1, updated_at=clock.now(), **changes)
    )
    if not updated:
        raise Conflict(conflict)
    record.refresh_from_db()
    return record


def locked_at(rows: models.QuerySet[M] | models.Manager[M], pk: int, version: int | None, conflict: str) -> M:
    """The row ``pk`` of ``rows``, locked (SELECT ... FOR UPDATE) for the rest of the transaction; raise
    Conflict(``conflict``) if it has moved on from ``version`` (None: whatever version it is at now)."""
    row = rows.select_for_update().get(pk=pk)
    if version is not None and row.version != version:
        raise Conflict(conflict)
    return row


def version_bump(record: Versioned) -> None:
    """Move ``record``'s version on without changing its fields: adding or changing one of its parts (a
    review's practice example, a plan's action) is a save of the whole, so a form open on it elsewhere
    must reload rather than overwrite."""
    type(record).objects.filter(pk=record.pk).update(version=F("version") + 1, updated_at=clock.now())


def created_unless_taken(model: type[M], **fields) -> M | None:
    """A new ``model`` row from ``fields``, made in a savepoint; None if a unique constraint shows someone
    made it a moment ago (the caller then refuses, or reads theirs). The caller's transaction goes on."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None
