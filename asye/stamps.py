"""Who did something to a record, and when: the foreign key by which every record names a person
(``person_field``), the who-and-when pairs that many records carry alike, a decision (``Decided``) and a
submission (``Submitted``), the times and version of records whose services stamp their times from
``asye.clock`` (``ClockVersioned``, ``ClockCreatedVersioned``), and the row that keeps a change to a record
someone relied on (``Amendment``).

``person_field`` returns a plain ``ForeignKey`` and the mixins are abstract models: a model that uses them
has the same columns, with the same definitions, as when it spelled them out, so no migration follows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
