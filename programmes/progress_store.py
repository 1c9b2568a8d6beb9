"""The copy of each registration's progress kept on the registration, so that lists filter, count and page
in SQL: what is due next and each flag, as ``programmes.progress`` works them out, and ``progress_on``, the
day they were worked out.

It is written with ``.update()`` (the registration's ``version`` and ``updated_at`` stay as they are: this
is a reading of the records, not a change anyone made) by:
- every service that records work or changes the dates, at its end, in its own transaction
  (``progress_refresh(registration=...)``), so recording the work clears the flag everywhere at once;
- the nightly job, for what the date alone changes (``programmes.nightly``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from asye import clock
from programmes.models import Registration, RegistrationStatus
from programmes.progress import registration_progress
from programmes.progress_items import FLAG_LABELS, Flag, Progress

OPEN_STATUSES = (RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED)

# Each stored flag: the dashboard flag it is, and its field.
FLAG_FIELDS = {
    Flag.REVIEW_DUE: "flag_review_due",
    Flag.WORK_OVERDUE: "flag_work_overdue",
    Flag.OVERDUE: "flag_supervision_overdue",
    Flag.PROTECTED_TIME_BELOW_TARGET: "flag_protected_time",
    Flag.CASELOAD_OVER_CAP: "flag_caseload",
}
STORED_FIELDS = (
    "next_due_kind",
    "next_due_label",
    "next_due_on",
    *FLAG_FIELDS.values(),
    "progress_on",
)
BATCH = 500


def stored_values(progress: Progress) -> dict:
    item = progress.next_item
    values = {
        "next_due_kind": item.kind if item else "",
        "next_due_label": item.label[:120] if item else "",
        "next_due_on": item.due if item else None,
        "progress_on": progress.today,
    }
    values.update({name: flag in progress.flags for flag, name in FLAG_FIELDS.items()})
    return values


def progress_refresh(
    *,
    registration: Registration | None = None,
    registration_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> int:
    """Work out the progress of one registration (or of several, by id) as of ``today`` and keep it on the
    registration: in the caller's transaction and tenant context. Writes only what changed; returns how
    many registrations it wrote."""
    today = today or clock.today()
    ids = list(registration_ids or [])
    if registration is not None:
        ids.append(registration.pk)
    changed = 0
    written: dict[int, dict] = {}
    for start in range(0, len(ids), BATCH):
        batch = list(
            Registration.objects.select_related("framework_version").filter(pk__in=ids[start : start + BATCH])
        )
        progress = registration_progress(batch, today=today)
        stale = []
        for row in batch:
            values = written[row.pk] = stored_values(progress[row.pk])
            if any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                stale.append(row)
        if len(stale) == 1:
            Registration.objects.filter(pk=stale[0].pk).update(**written[stale[0].pk])
        elif stale:
            Registration.objects.bulk_update(stale, STORED_FIELDS)
        changed += len(stale)
    if registration is not None and registration.pk in written:
        # The caller's copy shows what was stored, as a fresh read would.
        for name, value in written[registration.pk].items():
            setattr(registration, name, value)
    return changed


def progress_catch_up(registrations: QuerySet[Registration], *, today: datetime.date | None = None) -> int:
    """Work out, now, the progress of any open registration of ``registrations`` not yet worked out today
    (the nightly job has not run, or the registration was imported): a list then never shows yesterday's
    flags. One query when everything is up to date."""
    today = today or clock.today()
    stale = list(
        registrations.filter(status__in=OPEN_STATUSES)
        .filter(Q(progress_on__isnull=True) | Q(progress_on__lt=today))
        .values_list("pk", flat=True)
    )
    return progress_refresh(registration_ids=stale, today=today) if stale else 0


@dataclass(frozen=True)
class StoredProgress:
    """What a list shows of one registration, read from the stored fields (no query)."""

    flags: list[str]
    next_due_label: str
    next_due: datetime.date | None

    @property
    def tags(self) -> list[tuple[str, str]]:
        return [FLAG_LABELS[flag] for flag in self.flags]


def stored_progress(registration: Registration) -> StoredProgress:
    shown = registration.is_open and registration.next_due_on is not None
    return StoredProgress(
        flags=stored_flags(registration),
        next_due_label=registration.next_due_label if shown else "",
        next_due=registration.next_due_on if shown else None,
    )


def stored_flags(registration: Registration) -> list[str]:
    """The dashboard flags kept on the registration, in the order the dashboards show them."""
    if not registration.is_open:
        return []
    flags = [Flag.DEFERRED] if registration.status == RegistrationStatus.DEFERRED else []
    flags += [flag for flag, name in FLAG_FIELDS.items() if getattr(registration, name)]
    return flags or [Flag.ON_TRACK]


def flag_filter(flag: str) -> Q:
    """The registrations a dashboard flag is shown for, as a query on the stored fields."""
    if flag == Flag.DEFERRED:
        return Q(status=RegistrationStatus.DEFERRED)
    if flag == Flag.ON_TRACK:
        return Q(status=RegistrationStatus.ACTIVE, **dict.fromkeys(FLAG_FIELDS.values(), False))
    return Q(status__in=OPEN_STATUSES, **{FLAG_FIELDS[flag]: True})
