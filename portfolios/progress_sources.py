"""What the portfolios app tells a registration's timeline (``programmes.progress``): its direct
observations by number, done once complete (on the day observed), and its learning agreement, done once
the latest revision is signed by all three. Registered from ``PortfoliosConfig.ready()``; two queries for
any number of registrations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence

from django.urls import reverse
from django.utils import timezone

from portfolios.models import LearningAgreement, Observation
from programmes.work_sources import ItemKind, WorkRecord


def portfolio_work(registration_ids: Sequence[int]) -> list[WorkRecord]:
    records = [
        WorkRecord(
            registration_id=registration_id,
            kind=ItemKind.OBSERVATION,
            key=number,
            done_on=observed_on if status == Observation.Status.COMPLETE else None,
            url=reverse("portfolios:observation", args=[pk]),
        )
        for pk, registration_id, number, status, observed_on in Observation.objects.filter(
            portfolio__registration_id__in=registration_ids
        ).values_list("pk", "portfolio__registration_id", "number", "status", "observed_on")
    ]
    agreements = (
        LearningAgreement.objects.filter(portfolio__registration_id__in=registration_ids)
        .order_by("portfolio__registration_id", "-revision")
        .values_list("portfolio__registration_id", "completed_at")
    )
    # Only the latest revision counts.
    for registration_id, completed_at in first_of_each(agreements, registration_at=0):
        url = reverse("portfolios:agreement", args=[registration_id])
        records.append(single_item(registration_id, ItemKind.AGREEMENT, completed_at, url))
    return records


def first_of_each(rows: Iterable[tuple], *, registration_at: int) -> Iterator[tuple]:
    """Of ``rows`` ordered by registration, latest first within each, the first of each registration (the
    latest revision, the recommendation in play); ``registration_at`` is the registration id's place."""
    seen: set[int] = set()
    for row in rows:
        if row[registration_at] not in seen:
            seen.add(row[registration_at])
            yield row


def single_item(registration_id: int, kind: str, done_at: datetime.datetime | None, url: str) -> WorkRecord:
    """The timeline item a registration has one of (its agreement, its panel): done on the local day of
    ``done_at``, if any."""
    return WorkRecord(
        registration_id=registration_id,
        kind=kind,
        key=None,
        done_on=timezone.localdate(done_at) if done_at else None,
        url=url,
    )
