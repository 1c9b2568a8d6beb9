"""What the portfolios app tells a registration's timeline (``programmes.progress``): its direct
observations by number, done once complete (on the day observed), and its learning agreement, done once
the latest revision is signed by all three. Registered from ``PortfoliosConfig.ready()``; two queries for
any number of registrations."""

from __future__ import annotations

from collections.abc import Sequence

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
    latest: set[int] = set()
    agreements = (
        LearningAgreement.objects.filter(portfolio__registration_id__in=registration_ids)
        .order_by("portfolio__registration_id", "-revision")
        .values_list("portfolio__registration_id", "completed_at")
    )
    for registration_id, completed_at in agreements:
        if registration_id in latest:
            continue  # an earlier revision: only the latest one counts
        latest.add(registration_id)
        records.append(
            WorkRecord(
                registration_id=registration_id,
                kind=ItemKind.AGREEMENT,
                key=None,
                done_on=timezone.localdate(completed_at) if completed_at else None,
                url=reverse("portfolios:agreement", args=[registration_id]),
            )
        )
    return records
