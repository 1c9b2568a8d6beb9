"""Retention: anonymising the reviews of a registration that ended more than four years ago
(docs/equity-and-retention.md), reviews' part of the registry (``asye.retention``). Set-based UPDATEs:
every free text about the NQSW goes (review progress and comments, practice examples, amendments, support
plans and their actions and owners, the final recommendation's evidence summary, panel decisions' reasons,
moderation findings). What stays: the review points, dates, outcomes and statuses, and the recommendation
and decision themselves (the outcome the reports count)."""

from __future__ import annotations

from asye.retention import Batch, RetentionPart, counts
from reviews.models import (
    FinalRecommendation,
    ModerationCase,
    PanelDecision,
    PracticeExample,
    Review,
    ReviewAmendment,
    SupportPlan,
    SupportPlanAction,
)


def _querysets(ids: list[int]) -> dict:
    return {
        "reviews_review": Review.objects.filter(registration_id__in=ids),
        "reviews_practiceexample": PracticeExample.objects.filter(review__registration_id__in=ids),
        "reviews_reviewamendment": ReviewAmendment.objects.filter(review__registration_id__in=ids),
        "reviews_supportplan": SupportPlan.objects.filter(registration_id__in=ids),
        "reviews_supportplanaction": SupportPlanAction.objects.filter(plan__registration_id__in=ids),
        "reviews_finalrecommendation": FinalRecommendation.objects.filter(registration_id__in=ids),
        "reviews_paneldecision": PanelDecision.objects.filter(recommendation__registration_id__in=ids),
        "reviews_moderationcase": ModerationCase.objects.filter(portfolio__registration_id__in=ids),
    }


def anonymise_reviews(registration_ids: list[int]) -> int:
    """Returns the rows changed."""
    ids = registration_ids
    changed = Review.objects.filter(registration_id__in=ids).update(
        progress_pcf="", progress_standards="", nqsw_comments="", line_manager_comments=""
    )
    changed += PracticeExample.objects.filter(review__registration_id__in=ids).update(text="")
    changed += ReviewAmendment.objects.filter(review__registration_id__in=ids).update(
        old_value="", new_value="", reason=""
    )
    changed += SupportPlan.objects.filter(registration_id__in=ids).update(concerns="", closing_note="")
    changed += SupportPlanAction.objects.filter(plan__registration_id__in=ids).update(
        action="", owner_name=""
    )
    changed += FinalRecommendation.objects.filter(registration_id__in=ids).update(evidence_summary="")
    changed += PanelDecision.objects.filter(recommendation__registration_id__in=ids).update(reasons="")
    changed += ModerationCase.objects.filter(portfolio__registration_id__in=ids).update(
        strengths="", areas_for_development="", advice=""
    )
    return changed


def anonymise(batch: Batch) -> int:
    return anonymise_reviews(batch.registration_ids)


def preview(batch: Batch) -> dict[str, int]:
    return counts(_querysets(batch.registration_ids))


PARTS = [RetentionPart("reviews", anonymise=anonymise, preview=preview, order=30)]
