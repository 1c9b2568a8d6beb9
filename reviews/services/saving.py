"""What every write about reviews shares: the length limits, trimming text, and the versioned save
(``claim``) that raises ``Conflict`` with each kind of record's own message."""

from __future__ import annotations

import datetime

from asye import clock
from asye.errors import Conflict
from reviews.models import FinalRecommendation, ModerationPanel, Review, SupportPlan

MAX_REPORT_LENGTH = 20_000


MAX_COMMENT_LENGTH = 10_000


MAX_REASON_LENGTH = 2_000


MAX_NAME_LENGTH = 200


REVIEW_CONFLICT = (
    "Someone else saved this review while you were editing it. Your changes have not been saved: they are "
    "still in the form. Check the review as it is now, then save again."
)


RECOMMENDATION_CONFLICT = (
    "Someone else saved this recommendation while you were editing it. Your changes have not been saved: "
    "they are still in the form. Check the recommendation as it is now, then save again."
)


PANEL_CONFLICT = (
    "Someone else changed this panel or recorded a decision while you were working on it. Your decision "
    "has not been saved. Check the panel as it is now, then record it again."
)


PLAN_CONFLICT = (
    "Someone else saved this support plan while you were editing it. Your changes have not been saved: "
    "they are still in the form. Check the plan as it is now, then save again."
)


CONFLICTS = {
    Review: REVIEW_CONFLICT,
    FinalRecommendation: RECOMMENDATION_CONFLICT,
    ModerationPanel: PANEL_CONFLICT,
    SupportPlan: PLAN_CONFLICT,
}


def format_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def clean_text(errors: dict, name: str, value: str, *, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[name] = [f"{label} must be {limit:,} characters or fewer"]
    return value


def claim(record: Review | SupportPlan | FinalRecommendation | ModerationPanel, version: int, **changes):
    """Write ``changes`` if the record is still at ``version``; else ``Conflict`` (its kind's message in
    ``CONFLICTS``), and nothing is written."""
    updated = (
        type(record)
        .objects.filter(pk=record.pk, version=version)
        .update(version=version + 1, updated_at=clock.now(), **changes)
    )
    if not updated:
        raise Conflict(CONFLICTS[type(record)])
    record.refresh_from_db()
    return record
