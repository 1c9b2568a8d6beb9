"""The portfolio's daily reminders: evidence waiting for the assessor, feedback links not answered.
Listed in ``settings.ASYE_CONTRIBUTIONS["reminders"]`` (``asye.notifications.reminders`` runs them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import numpy as np
from django.urls import reverse
from django.utils import timezone

from asye.notifications.reminders import DAILY, Due, Scan
from portfolios.models import Evidence, FeedbackRequest
from programmes.models import RegistrationStatus

# Evidence shared with the assessor and not responded to for more than this many working days.
EVIDENCE_WAITING_WORKING_DAYS = 10
# A feedback link not answered this many days after it was sent is reminded to the NQSW, once.
FEEDBACK_UNANSWERED_DAYS = 7


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end``."""
    return int(np.busday_count(start + datetime.timedelta(days=1), end + datetime.timedelta(days=1)))


def evidence_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """Evidence waiting for the assessor for more than 10 working days, to the NQSW's assessor."""
    shared = (
        Evidence.objects.filter(
            employer_id=employer_id,
            status=Evidence.Status.SHARED,
            shared_at__date__lt=today - datetime.timedelta(days=EVIDENCE_WAITING_WORKING_DAYS),
            portfolio__registration__status=RegistrationStatus.ACTIVE,
            portfolio__registration__assessor__isnull=False,
        )
        .select_related("portfolio__registration__assessor")
        .order_by("pk")
    )
    for evidence in shared:
        shared_on = timezone.localtime(evidence.shared_at).date()
        waited = working_days_between(shared_on, today)
        if waited <= EVIDENCE_WAITING_WORKING_DAYS:
            continue
        registration = evidence.portfolio.registration
        assessor = registration.assessor
        if not assessor.is_active:
            continue
        text = (
            f"Evidence “{evidence.title}” from {registration.full_name} has waited {waited} working days "
            "for your response"
        )
        yield Due(
            assessor,
            "evidence.waiting",
            evidence,
            shared_on,
            text,
            reverse("portfolios:evidence", args=[evidence.pk]),
        )


def feedback_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """Feedback links still unanswered a week after they were sent, to the NQSW who asked (they may
    chase or ask someone else before the link expires)."""
    waiting = (
        FeedbackRequest.objects.filter(
            employer_id=employer_id,
            status=FeedbackRequest.Status.SENT,
            created_at__date__lte=today - datetime.timedelta(days=FEEDBACK_UNANSWERED_DAYS),
            expires_at__date__gt=today,
            portfolio__registration__status=RegistrationStatus.ACTIVE,
            portfolio__registration__nqsw__isnull=False,
        )
        .select_related("portfolio__registration__nqsw")
        .order_by("pk")
    )
    for request in waiting:
        registration = request.portfolio.registration
        expires = timezone.localtime(request.expires_at).date()
        text = (
            f"Your feedback request to {request.recipient_name} has not been answered yet; the link works "
            f"until {expires:%-d %B %Y}"
        )
        link = reverse("portfolios:feedback_request", args=[request.pk])
        yield Due(registration.nqsw, "feedback.unanswered", request, expires, text, link)


SCANS = [
    Scan(
        "portfolios.evidence",
        DAILY,
        "Evidence waiting for the assessor for more than 10 working days (the assessor)",
        evidence_reminders,
    ),
    Scan(
        "portfolios.feedback",
        DAILY,
        "Feedback links unanswered a week after they were sent (the NQSW), once per link",
        feedback_reminders,
    ),
]
