"""Writes for the NQSW's side of feedback requests: asking someone for feedback (a single-use link,
emailed through the outbox if they give an address) and cancelling a request not yet answered."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, audited_create
from asye.notifications.outbox import outbox_cancel
from portfolios.access import is_owner
from portfolios.feedback_links import (
    FEEDBACK_EMAIL,
    FEEDBACK_LINK_DAYS,
    feedback_request_email_queue,
    feedback_secret_hash,
)
from portfolios.models import FeedbackRequest
from portfolios.record_writes import (
    MAX_NAME,
    MAX_SHORT_TEXT,
    checked_text,
    portfolio_for_write,
    refuse_unless,
)
from programmes.models import Registration


@dataclass(frozen=True)
class IssuedFeedbackRequest:
    """A new request and its link's secret, which is not stored anywhere: show it once."""

    feedback_request: FeedbackRequest
    secret: str


@transaction.atomic
def feedback_request_create(
    *,
    actor: Actor,
    registration: Registration,
    kind: str,
    recipient_name: str,
    context: str,
    recipient_email: str = "",
    link_builder: Callable[[str], str] | None = None,
    now: datetime.datetime | None = None,
) -> IssuedFeedbackRequest:
    """The NQSW asks someone they worked with for feedback: a single-use link, valid for
    ``FEEDBACK_LINK_DAYS`` days, that needs no account. Only the SHA-256 of its secret is kept. With an
    email address (and a ``link_builder`` making the full address from the secret) the link is emailed
    after the transaction commits; either way the NQSW is shown the link once, to copy or hand over."""
    actor.require(Role.NQSW, employer=registration.employer_id)
    refuse_unless(is_owner(actor, registration), "Only the NQSW asks for feedback on their practice.")
    portfolio = portfolio_for_write(actor, registration)
    errors: dict[str, list[str]] = {}
    if kind not in FeedbackRequest.Kind.values:
        errors["kind"] = ["Select who you are asking for feedback"]
    recipient_name = checked_text(
        errors,
        "recipient_name",
        recipient_name,
        required="Enter their first name, so you can recognise their answer",
        max_length=MAX_NAME,
        what="Their name",
    )
    recipient_email = (recipient_email or "").strip()
    if recipient_email:
        try:
            validate_email(recipient_email)
        except ValidationError:
            errors["recipient_email"] = [
                "Enter an email address in the correct format, like name@example.org"
            ]
    context = checked_text(
        errors,
        "context",
        context,
        required="Enter what you would like feedback about",
        max_length=MAX_SHORT_TEXT,
        what="What the feedback is about",
    )
    if errors:
        raise ValidationError(errors)
    now = now or clock.now()
    secret = secrets.token_urlsafe(32)
    emailed = bool(recipient_email and link_builder)
    # The person's name and email address stay out of the audit trail.
    feedback_request = audited_create(
        FeedbackRequest,
        actor=actor,
        action="feedback_request.created",
        audit=("kind", "expires_at"),
        changes={"registration": registration.pk, "emailed": emailed},
        employer_id=registration.employer_id,
        portfolio=portfolio,
        kind=kind,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        context=context,
        token_hash=feedback_secret_hash(secret),
        expires_at=now + datetime.timedelta(days=FEEDBACK_LINK_DAYS),
        created_by=actor.user,
    )
    if emailed:
        # Written to the outbox with the request, sent once it commits; the link stays in the database.
        feedback_request_email_queue(feedback_request=feedback_request, link=link_builder(secret))
    return IssuedFeedbackRequest(feedback_request=feedback_request, secret=secret)


@transaction.atomic
def feedback_request_cancel(*, actor: Actor, feedback_request: FeedbackRequest) -> FeedbackRequest:
    """The NQSW cancels a request that has not been answered: its link stops working at once. Harmless
    to repeat; an answered request cannot be cancelled."""
    registration = feedback_request.portfolio.registration
    actor.require(Role.NQSW, employer=feedback_request.employer_id)
    refuse_unless(is_owner(actor, registration), "Only the NQSW who asked cancels a feedback request.")
    if feedback_request.status == FeedbackRequest.Status.CANCELLED:
        return feedback_request
    portfolio_for_write(actor, registration)
    cancelled = FeedbackRequest.objects.filter(
        pk=feedback_request.pk, status=FeedbackRequest.Status.SENT
    ).update(status=FeedbackRequest.Status.CANCELLED)
    feedback_request.refresh_from_db()
    if not cancelled:
        raise ValidationError("This request has been answered, so it cannot be cancelled.")
    outbox_cancel(about=feedback_request, kind=FEEDBACK_EMAIL)
    audit_record(
        actor=actor,
        obj=feedback_request,
        action="feedback_request.cancelled",
        changes={"status": [FeedbackRequest.Status.SENT, FeedbackRequest.Status.CANCELLED]},
    )
    return feedback_request
