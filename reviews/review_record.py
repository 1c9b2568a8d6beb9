"""Every review of a registration as a reader of the whole record sees it: the internal moderation panel,
the NQAP moderator and the portfolio pack. For each review (the framework's review points and the extra
reviews of support plans, in month order): its month, status, due and held dates, outcome, the assessor's
report, the practice examples, the NQSW's and the line manager's comments, the three signatures and every
amendment (what changed, from what, to what, why, by whom and when).

Actor-free, like ``portfolios.selectors.portfolio_contents``: call it only from code that has already
decided the reader may see the registration, in a tenant context (the employer's, or the national scope)
that can read its rows. A fixed number of queries, whatever the number of reviews.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from programmes.models import Registration
from reviews.models import PracticeExample, Review, ReviewAmendment, ReviewOutcome

# Whose part of the review each field is, as people read it.
FIELD_LABELS = {
    "held_on": "Date the review was held",
    "progress_pcf": "Progress against the PCF",
    "progress_standards": "Progress against the standards",
    "outcome": "Outcome",
    "nqsw_comments": "NQSW's comments",
    "line_manager_comments": "Line manager's comments",
}


def shown(field: str, value: str) -> str:
    """An amendment's stored value as people read it: outcomes by their label, dates written out."""
    if not value:
        return ""
    if field == "outcome":
        return ReviewOutcome(value).label if value in ReviewOutcome.values else value
    if field == "held_on":
        day = datetime.date.fromisoformat(value)
        return f"{day.day} {day:%B %Y}"
    return value


@dataclass(frozen=True)
class AmendmentLine:
    label: str
    old: str
    new: str
    reason: str
    by: object
    at: datetime.datetime


def amendment_line(amendment: ReviewAmendment) -> AmendmentLine:
    return AmendmentLine(
        label=FIELD_LABELS.get(amendment.field, amendment.field),
        old=shown(amendment.field, amendment.old_value),
        new=shown(amendment.field, amendment.new_value),
        reason=amendment.reason,
        by=amendment.amended_by,
        at=amendment.amended_at,
    )


@dataclass(frozen=True)
class Signature:
    role: str
    signed_by: object | None
    signed_at: datetime.datetime | None


@dataclass(frozen=True)
class ReviewRecord:
    review: Review
    title: str
    examples: list[PracticeExample]
    signatures: list[Signature]
    amendments: list[AmendmentLine]


def _title(review: Review) -> str:
    if review.extra:
        return f"Extra review after the {review.month}-month review"
    return f"{review.month}-month review"


def review_records(registration: Registration) -> list[ReviewRecord]:
    """Every review of the registration, in month order (an extra review after the one it follows)."""
    reviews = (
        Review.objects.filter(registration_id=registration.pk)
        .select_related("assessor_signed_by", "nqsw_signed_by", "line_manager_signed_by")
        .prefetch_related(
            Prefetch(
                "practice_examples",
                queryset=PracticeExample.objects.select_related(
                    "evidence", "observation", "statement__capability_set"
                ).order_by("id"),
            ),
            Prefetch(
                "amendments",
                queryset=ReviewAmendment.objects.select_related("amended_by").order_by("amended_at", "id"),
            ),
        )
        .order_by("month", "extra", "id")
    )
    return [
        ReviewRecord(
            review=review,
            title=_title(review),
            examples=list(review.practice_examples.all()),
            signatures=[
                Signature("Assessor", review.assessor_signed_by, review.assessor_signed_at),
                Signature("NQSW", review.nqsw_signed_by, review.nqsw_signed_at),
                Signature("Line manager", review.line_manager_signed_by, review.line_manager_signed_at),
            ],
            amendments=[amendment_line(a) for a in review.amendments.all()],
        )
        for review in reviews
    ]
