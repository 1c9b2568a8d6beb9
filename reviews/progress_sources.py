"""What the reviews app tells a registration's timeline (``programmes.progress``): its reviews at the
framework's points, done once locked, and the internal panel, done once it endorsed the final
recommendation. Registered from ``ReviewsConfig.ready()``; two queries for any number of registrations."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from portfolios.progress_sources import first_of_each, single_item
from programmes.work_sources import ItemKind, WorkRecord
from reviews.models import FinalRecommendation, PanelDecision, Review


def review_work(registration_ids: Sequence[int]) -> list[WorkRecord]:
    records = [
        WorkRecord(
            registration_id=registration_id,
            kind=ItemKind.REVIEW,
            key=month,
            done_on=timezone.localdate(locked_at) if status == Review.Status.LOCKED and locked_at else None,
            url=reverse("reviews:review", args=[pk]),
        )
        # Extra reviews (set by a support plan) are not timeline points.
        for pk, registration_id, month, status, locked_at in Review.objects.filter(
            registration_id__in=registration_ids, extra=False
        ).values_list("pk", "registration_id", "month", "status", "locked_at")
    ]
    # The panel's item: done on the day it endorsed the recommendation; while a recommendation is in play
    # (being written, with the panel, referred back) it links to it.
    endorsed = {
        recommendation_id: decided_at
        for recommendation_id, decided_at in PanelDecision.objects.filter(
            recommendation__registration_id__in=registration_ids, decision=PanelDecision.Decision.ENDORSE
        ).values_list("recommendation_id", "decided_at")
    }
    in_play = (
        FinalRecommendation.objects.filter(registration_id__in=registration_ids)
        .order_by("registration_id", "-created_at", "-id")
        .values_list("pk", "registration_id", "status")
    )
    for pk, registration_id, status in first_of_each(in_play, registration_at=1):
        decided_at = endorsed.get(pk) if status == FinalRecommendation.Status.ENDORSED else None
        url = reverse("reviews:recommendation", args=[pk])
        records.append(single_item(registration_id, ItemKind.FINAL_PANEL, decided_at, url))
    return records
