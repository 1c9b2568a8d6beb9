"""The programme's rules for reviews and the end of the year, in one place, read from the framework version
(data), the registration's timeline and the records. Services enforce them, pages and the API show them:

- **Review windows.** A review point opens ``FrameworkVersion.review_window_weeks`` weeks before it is due
  on the registration's timeline (``programmes.selectors.registration_timeline``: part-time hours stretch
  it, a deferral moves it, an extension moves the end; the final review is due at the end of the
  programme). Before it opens the assessor cannot sign the review, and it cannot be recorded as held
  (nor held in the future). The extra review of a support plan is set by the plan: it has no window.
- **Order.** A review is locked (its last signature) only when every earlier required review point of the
  framework (``review_months`` below it; for an extra review, its own month too) is locked.
- **The minimum record.** A final recommendation is made and submitted only with the final review locked,
  the framework's number of direct observations complete and, when the framework says so, the learning
  agreement signed by all three (the latest revision complete, with the people it names still the
  registration's: ``portfolios.agreements.agreement_needs_new_revision``).
- **The panel.** The internal moderation panel decides a recommendation that was submitted, on the day the
  decision is recorded: not before the panel meets, and not at a panel that met before the recommendation
  was submitted. That day is the outcome date (and so the certificate's date and the completion claim's).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from asye import clock
from portfolios.agreements import agreement_needs_new_revision
from portfolios.models import LearningAgreement, Observation
from programmes.models import Registration
from programmes.selectors import registration_timeline
from reviews.models import FinalRecommendation, ModerationPanel, Review


def long_date(day: datetime.date) -> str:
    """7 September 2027."""
    return f"{day.day} {day:%B %Y}"


def _months(months: list[int]) -> str:
    """3-month, or 3-month and 6-month, or 3-month, 6-month and 9-month."""
    names = [f"{m}-month" for m in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- Review windows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewWindow:
    """When a review point is due on the registration's timeline and when it opens."""

    month: int
    due: datetime.date
    opens: datetime.date
    final: bool
    weeks: int

    def is_open(self, day: datetime.date) -> bool:
        return day >= self.opens

    @property
    def opens_message(self) -> str:
        """What the review page says before the window opens."""
        if self.final:
            when = f"{self.weeks} weeks before the end of the programme on {long_date(self.due)}"
        else:
            when = f"{self.weeks} weeks before it is due on {long_date(self.due)}"
        return f"This review opens on {long_date(self.opens)}, {when}."


def review_windows(
    registration: Registration, *, today: datetime.date | None = None
) -> dict[int, ReviewWindow]:
    """Every review point of the registration (required and optional), by month."""
    version = registration.framework_version
    weeks = version.review_window_weeks
    timeline = registration_timeline(registration=registration, today=today, include_supervision=False)
    windows = {}
    for milestone in timeline.milestones:
        if milestone.kind in ("review", "optional_review") and milestone.month is not None:
            month = int(milestone.month)
            windows[month] = ReviewWindow(
                month=month,
                due=milestone.due,
                opens=milestone.due - datetime.timedelta(weeks=weeks),
                final=month == version.length_months,
                weeks=weeks,
            )
    return windows


def review_window(
    registration: Registration, month: int, *, today: datetime.date | None = None
) -> ReviewWindow | None:
    return review_windows(registration, today=today).get(month)


def review_opens_on(
    registration: Registration, month: int, *, today: datetime.date | None = None
) -> datetime.date | None:
    """The day the registration's ``month`` review point opens (None: the framework has no such point)."""
    window = review_window(registration, month, today=today)
    return window.opens if window else None


def window_of(review: Review, *, today: datetime.date | None = None) -> ReviewWindow | None:
    """The review's window; None for the extra review of a support plan (the plan sets its date)."""
    if review.extra:
        return None
    return review_window(review.registration, review.month, today=today)


def held_on_error(review: Review, held_on: datetime.date, *, today: datetime.date) -> str:
    """Why ``held_on`` cannot be the date the review was held ("" when it can)."""
    if held_on > today:
        return "The date the review was held must be today or in the past"
    window = window_of(review, today=today)
    if window is not None and held_on < window.opens:
        return (
            "The date the review was held must be on or after "
            f"{long_date(window.opens)}, when the review opens"
        )
    return ""


def sign_refusal(review: Review, *, today: datetime.date) -> str:
    """Why the assessor cannot sign the review today ("" when they can)."""
    window = window_of(review, today=today)
    if window is None or window.is_open(today):
        return ""
    return f"{window.opens_message} It cannot be signed before then."


# --- The order reviews lock in ------------------------------------------------------------------------------


def earlier_reviews_not_locked(review: Review) -> list[int]:
    """The months of the required review points before this review that are not locked yet."""
    last = review.month if review.extra else review.month - 1
    required = sorted(m for m in review.registration.framework_version.review_months if m <= last)
    if not required:
        return []
    locked = set(
        Review.objects.filter(
            registration_id=review.registration_id,
            extra=False,
            month__in=required,
            status=Review.Status.LOCKED,
        ).values_list("month", flat=True)
    )
    return [month for month in required if month not in locked]


def _earlier_waiting(review: Review) -> str:
    """The earlier review points not locked yet, as a sentence's subject: "the 3-month review is", "the
    3-month and 6-month reviews are" ("" when none)."""
    waiting = earlier_reviews_not_locked(review)
    if not waiting:
        return ""
    return f"the {_months(waiting)} review{'s are' if len(waiting) > 1 else ' is'}"


def lock_waits_message(review: Review) -> str:
    """What the review page says while an earlier review point is not locked ("" when none is)."""
    waiting = _earlier_waiting(review)
    if not waiting:
        return ""
    return f"This review can be locked only after {waiting} locked: the last signature waits until then."


def lock_refusal(review: Review) -> str:
    """Why the last signature cannot lock the review yet ("" when it can)."""
    waiting = _earlier_waiting(review)
    if not waiting:
        return ""
    return (
        f"You cannot sign yet: {waiting} not signed by everyone. Your signature would lock this review, and "
        "a review is locked only after the earlier ones. Save your comments now and sign once the earlier "
        "reviews are locked."
    )


# --- The minimum record for a final recommendation --------------------------------------------------


def final_review_month(registration: Registration) -> int:
    """The review point the final recommendation follows: the one at the end of the programme."""
    return registration.framework_version.length_months


def final_review_locked(registration: Registration) -> bool:
    return Review.objects.filter(
        registration=registration,
        extra=False,
        month=final_review_month(registration),
        status=Review.Status.LOCKED,
    ).exists()


def observations_complete(registration: Registration) -> int:
    return Observation.objects.filter(
        portfolio__registration=registration, status=Observation.Status.COMPLETE
    ).count()


def agreement_signed(registration: Registration) -> bool:
    """The learning agreement in force is signed by the NQSW, the assessor and the line manager: its latest
    revision is complete, and neither the people it names nor the registration (a new assessor since) ask
    for a new revision. Read from the records, not from the registration's flag alone."""
    latest = (
        LearningAgreement.objects.filter(portfolio__registration=registration).order_by("-revision").first()
    )
    if latest is None or latest.completed_at is None:
        return False
    current = Registration.objects.get(pk=registration.pk)
    return not agreement_needs_new_revision(latest, current)


def recommendation_gaps(registration: Registration, *, today: datetime.date | None = None) -> list[str]:
    """Everything missing before a final recommendation can be made or submitted (empty: nothing)."""
    today = today or clock.today()
    version = registration.framework_version
    gaps = []
    month = final_review_month(registration)
    window = review_window(registration, month, today=today)
    waiting = window is not None and not window.is_open(today)
    if not final_review_locked(registration):
        opens = f" (it opens on {long_date(window.opens)})" if waiting else ""
        gaps.append(
            f"The {month}-month review must be signed by the assessor, the NQSW and the line manager{opens}"
        )
    elif waiting:
        # Signed in its window, then the programme was extended (or deferred): the end moved, and with it
        # the day the year can be decided.
        gaps.append(final_window_message(window))
    required = version.direct_observations
    done = observations_complete(registration)
    if done < required:
        gaps.append(
            f"{required} direct observation{'s' if required != 1 else ''} must be complete: "
            f"{done} {'is' if done == 1 else 'are'}"
        )
    if version.requires_signed_agreement and not agreement_signed(registration):
        gaps.append("The learning agreement must be signed by the NQSW, the assessor and the line manager")
    return gaps


def require_recommendation_record(registration: Registration, *, today: datetime.date | None = None) -> None:
    """Refuse, listing every gap, unless the registration's record supports a final recommendation."""
    gaps = recommendation_gaps(registration, today=today)
    if gaps:
        raise ValidationError(gaps)


# --- The panel ----------------------------------------------------------------------------------------------


def submitted_on(item: FinalRecommendation) -> datetime.date | None:
    """The day (in London) the recommendation was submitted to the panel."""
    return timezone.localtime(item.submitted_at).date() if item.submitted_at else None


def submitted_by_end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in London: recommendations submitted before it were there that day."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def panel_refusal(panel: ModerationPanel, item: FinalRecommendation, *, today: datetime.date) -> str:
    """Why the panel cannot decide the recommendation today ("" when it can)."""
    if panel.held_on > today:
        return f"Decisions can be recorded from the day the panel meets, {long_date(panel.held_on)}."
    if item.status != FinalRecommendation.Status.SUBMITTED or item.submitted_at is None:
        return "This recommendation is not waiting for the panel."
    submitted = submitted_on(item)
    if panel.held_on < submitted:
        return (
            f"This panel met on {long_date(panel.held_on)}, before the recommendation was submitted on "
            f"{long_date(submitted)}: record the decision at a panel held on or after that day."
        )
    if today < submitted:
        return f"The recommendation was submitted on {long_date(submitted)}: it cannot be decided earlier."
    window = review_window(item.registration, final_review_month(item.registration), today=today)
    if window is not None and not window.is_open(today):
        return final_window_message(window)
    return ""


def final_window_message(window: ReviewWindow) -> str:
    """Why the year cannot be decided yet: its end moved after the final review was signed."""
    return (
        "The programme now ends later: the final recommendation and the panel's decision can be made from "
        f"{long_date(window.opens)}, when the final review window opens"
    )
