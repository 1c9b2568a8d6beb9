"""Taking the snapshots of equality figures that pages show: the nightly job's work, and a group's first
snapshot, taken when its co-ordinator first opens the page.

What is stored is only what may be shown (``equality.disclosure.publish``), never a raw count.

**When.** The nightly task runs at 23:30 London time (django-celery-beat, scheduled by migration 0002).
A snapshot taken on a day is shown from the next day (``taken_on`` is before today), so an answer never
shows on the day it was given, and what a page shows changes only at midnight.

**Whether.** A group's shown figures are replaced only when at least the minimum number of its answers
(``EqualityDisclosureRule.minimum_answers``, 10) have been given or changed since the snapshot now shown
was taken; or when it has none yet; or when it shows tables though fewer than the minimum have now
answered (the tables then go). So two days' figures always differ by at least that many people's
answers, never by one person's: comparing them cannot single anyone out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.db import system_national_context, tenant_settings
from equality.dimensions import DIMENSIONS
from equality.disclosure import DEFAULT_MINIMUM_ANSWERS, publish
from equality.models import (
    EqualityDisclosureRule,
    EqualityMonitoring,
    EqualityNationalSnapshot,
    EqualitySnapshot,
)
from programmes.models import Registration


def disclosure_minimum() -> int:
    """The minimum national staff set. The rule's table is national-only; reading one number from it is
    the system's read, not a person's."""
    with system_national_context():
        rule = EqualityDisclosureRule.objects.order_by("pk").first()
    return rule.minimum_answers if rule else DEFAULT_MINIMUM_ANSWERS


def count_answers(answers: QuerySet[EqualityMonitoring], *, changed_since: datetime.datetime | None) -> dict:
    """One SQL statement: how many answered, how many answers were given or changed after
    ``changed_since``, and for every answer to every question its count (COUNT(*) FILTER (WHERE ...)).
    A single row of numbers comes back, never a person's row."""
    aggregates = {"answered": Count("pk")}
    if changed_since is not None:
        aggregates["changed"] = Count("pk", filter=Q(updated_at__gt=changed_since))
    keys = {}
    for field, _, choices in DIMENSIONS:
        for value in choices.values:
            alias = f"n{len(keys)}"
            keys[alias] = (field, value)
            aggregates[alias] = Count("pk", filter=Q(**{field: value}))
    row = answers.order_by().aggregate(**aggregates)
    counts = {keys[alias]: row[alias] for alias in keys}
    counts["answered"] = row["answered"]
    counts["changed"] = row.get("changed")
    return counts


@dataclass(frozen=True)
class _Group:
    """The NQSWs of one employer (or everyone) in one funding year, and where their snapshots live."""

    answers: QuerySet
    registrations: QuerySet
    model: type[EqualitySnapshot] | type[EqualityNationalSnapshot]
    key: dict  # what names the group's snapshots, besides the day
    counting: Callable[[], AbstractContextManager]

    @property
    def snapshots(self) -> QuerySet:
        return self.model.objects.filter(**self.key)


def _employer_group(employer_id: int, funding_year: str) -> _Group:
    return _Group(
        answers=EqualityMonitoring.objects.for_employer(employer_id).filter(
            registration__funding_year=funding_year
        ),
        registrations=Registration.objects.for_employer(employer_id).filter(funding_year=funding_year),
        model=EqualitySnapshot,
        key={"employer_id": employer_id, "funding_year": funding_year},
        # The employer's requests see no equality row; counting turns the aggregate flag on for it alone.
        counting=lambda: tenant_settings(equality_aggregate=True),
    )


def _national_group(funding_year: str) -> _Group:
    return _Group(
        answers=EqualityMonitoring.objects.filter(registration__funding_year=funding_year),
        registrations=Registration.objects.filter(funding_year=funding_year),
        model=EqualityNationalSnapshot,
        key={"funding_year": funding_year},
        counting=nullcontext,  # already in the system's national context
    )


def _due(shown, counts: dict, minimum: int) -> bool:
    if counts["changed"] >= minimum:
        return True
    return bool(shown.figures.get("tables_shown")) and counts["answered"] < minimum


def _take(group: _Group, *, now: datetime.datetime) -> bool:
    """Take the group's snapshot for today if one is due (see the module docstring). True if taken.

    A snapshot already taken today is not shown yet, so it is simply taken again. Snapshots older than
    the one shown are deleted: nobody sees them again.
    """
    today = timezone.localdate(now)
    shown = group.snapshots.filter(taken_on__lt=today).order_by("-taken_on").first()
    pending = group.snapshots.filter(taken_on=today).exists()
    if shown is not None:
        group.snapshots.filter(taken_on__lt=shown.taken_on).delete()
    minimum = disclosure_minimum()
    with group.counting():
        counts = count_answers(group.answers, changed_since=shown.taken_at if shown else None)
    if shown is not None and not pending and not _due(shown, counts, minimum):
        return False
    figures = publish(
        tables=[
            (field, [(value, counts[(field, value)]) for value in choices.values])
            for field, _, choices in DIMENSIONS
        ],
        answered=counts["answered"],
        registered=group.registrations.count(),
        minimum=minimum,
    )
    group.model.objects.update_or_create(
        **group.key,
        taken_on=today,
        defaults={"taken_at": now, "minimum_answers": minimum, "figures": figures},
    )
    return True


def equality_snapshots_take(*, employer_id: int, now: datetime.datetime | None = None) -> int:
    """Take the employer's snapshots that are due, one per funding year it has registrations in. Runs in
    the employer's tenant context (the nightly task's). Returns how many were taken."""
    now = now or clock.now()
    years = (
        Registration.objects.for_employer(employer_id)
        .order_by()
        .values_list("funding_year", flat=True)
        .distinct()
    )
    return sum(_take(_employer_group(employer_id, year), now=now) for year in list(years))


def equality_snapshot_ensure(*, actor: Actor, funding_year: str) -> bool:
    """The employer's first snapshot for a funding year, if it has none: taken now, so that it is shown
    from tomorrow even if the nightly job has not reached it. Co-ordinators only. True if taken."""
    actor.require(Role.COORDINATOR)
    if EqualitySnapshot.objects.visible_to(actor).filter(funding_year=funding_year).exists():
        return False
    if not Registration.objects.visible_to(actor).filter(funding_year=funding_year).exists():
        return False
    return _take(_employer_group(actor.employer_id, funding_year), now=clock.now())


def equality_snapshot_employer_ids() -> list[int]:
    """Every employer with a registration: the nightly task takes each one's snapshots."""
    with system_national_context():
        return sorted(set(Registration.objects.order_by().values_list("employer_id", flat=True)))


def equality_national_snapshots_take(*, now: datetime.datetime | None = None) -> int:
    """Take the national snapshots that are due, one per funding year. System work (no person reads
    anything here): national staff read the result through ``equality_aggregates_national``, audited."""
    now = now or clock.now()
    with system_national_context():
        years = list(Registration.objects.order_by().values_list("funding_year", flat=True).distinct())
        return sum(_take(_national_group(year), now=now) for year in years)
