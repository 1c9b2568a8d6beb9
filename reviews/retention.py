"""Retention: anonymising the reviews of a registration that ended more than four years ago
(docs/equity-and-retention.md). Called by ``reporting.retention`` inside its transaction, in the system
national context, with set-based UPDATEs: every free text about the NQSW goes (review progress and
comments, practice examples, amendments, support plans and their actions, the final recommendation's
evidence summary, panel decisions' reasons, moderation findings). What stays: the review points, dates,
outcomes and statuses, and the recommendation and decision themselves (the outcome the reports count)."""

from __future__ import annotations

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
    changed += SupportPlanAction.objects.filter(plan__registration_id__in=ids).update(action="")
    changed += FinalRecommendation.objects.filter(registration_id__in=ids).update(evidence_summary="")
    changed += PanelDecision.objects.filter(recommendation__registration_id__in=ids).update(reasons="")
    changed += ModerationCase.objects.filter(portfolio__registration_id__in=ids).update(
        strengths="", areas_for_development="", advice=""
    )
    return changed
