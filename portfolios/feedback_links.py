"""A feedback link as its holder meets it: its secret's hash and state, finding a request by the secret,
emailing the link (run by ``portfolios.tasks``), and the answer given through it, once, by anyone holding
it, with no account."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.models import AuditEvent
from asye.audit.services import audit_record
from asye.notifications.models import OutboxEmail
from asye.notifications.outbox import email_queue_rendered, outbox_cancel, outbox_send_now, render_bodies
from asye.tenancy.db import apply_settings, tenant_context
from portfolios.models import (
    FeedbackRequest,
    Portfolio,
)
from portfolios.record_writes import checked_text
from programmes.models import RegistrationStatus

OPEN_STATUSES = (RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED)
# How long a feedback link works. A setting, so an employer's data protection officer can shorten it.
FEEDBACK_LINK_DAYS = getattr(settings, "ASYE_FEEDBACK_LINK_DAYS", 28)
MAX_FEEDBACK_ANSWER = 3_000
# The outbox's kind for the email of a feedback link.
FEEDBACK_EMAIL = "feedback_request"

LISTENED_CHOICES = {
    # value: (wording for adults and professionals, wording for children and young people)
    "yes": ("Yes", "Yes, a lot"),
    "sometimes": ("Some of the time", "A bit"),
    "no": ("No", "No"),
    "not_sure": ("I'd rather not say", "I'm not sure"),
}


def feedback_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class FeedbackLinkNotUsable(Exception):
    """A feedback link that cannot be answered: ``reason`` is unknown, answered, cancelled, expired or
    closed (the portfolio was submitted for moderation, or the programme ended)."""

    def __init__(self, reason: str, feedback_request: FeedbackRequest | None = None):
        super().__init__(reason)
        self.reason = reason
        self.feedback_request = feedback_request


def feedback_state(feedback_request: FeedbackRequest, now: datetime.datetime | None = None) -> str:
    """waiting, answered, cancelled or expired (a request still "sent" after its expiry)."""
    if feedback_request.status == FeedbackRequest.Status.SENT:
        return "expired" if feedback_request.expires_at <= (now or clock.now()) else "waiting"
    return feedback_request.status


def feedback_link_state(feedback_request: FeedbackRequest, now: datetime.datetime | None = None) -> str:
    """The state as the person holding the link meets it: ``feedback_state``, or closed for a request
    still waiting whose portfolio can no longer change. Reads the portfolio in its employer's context."""
    state = feedback_state(feedback_request, now)
    if state != "waiting":
        return state
    with tenant_context(feedback_request.employer_id):
        still_open = Portfolio.objects.filter(
            pk=feedback_request.portfolio_id,
            submitted_at__isnull=True,
            registration__status__in=OPEN_STATUSES,
        ).exists()
    return "waiting" if still_open else "closed"


def _email_context(feedback_request: FeedbackRequest, link: str) -> dict:
    registration = feedback_request.portfolio.registration
    return {
        "feedback_request": feedback_request,
        "link": link,
        "nqsw_name": registration.full_name,
        "nqsw_first_name": registration.first_name,
        "employer_name": registration.employer.name,
        "expires_on": timezone.localtime(feedback_request.expires_at).date(),
        "for_child": feedback_request.kind == FeedbackRequest.Kind.CHILD,
        "service_name": settings.ASYE_SERVICE_NAME,
    }


def feedback_request_email_queue(
    *, feedback_request: FeedbackRequest, link: str, send_on_commit: bool = True
) -> OutboxEmail:
    """Write the email of a request's link to the outbox, in the caller's transaction (the request's own):
    sent once that commits. The link carries the secret, so it lives only in the outbox row, never in a
    task's arguments, and the row's body is blanked once sent."""
    registration = feedback_request.portfolio.registration
    text, html = render_bodies("portfolios/feedback/email", _email_context(feedback_request, link))
    return email_queue_rendered(
        to=feedback_request.recipient_email,
        subject=f"{registration.first_name} would like your feedback",
        text=text,
        html=html,
        kind=FEEDBACK_EMAIL,
        employer_id=feedback_request.employer_id,
        about=feedback_request,
        contains_secret=True,
        send_on_commit=send_on_commit,
    )


def feedback_request_send_email(*, feedback_request_id: int, link: str | None = None) -> bool:
    """Send a waiting request's email now, once (in the employer's tenant context): the one queued in the
    outbox, or, for a request that has none yet and a ``link`` given (the old task's call), one made now.
    Returns whether an email was sent: not for a request that was answered, cancelled or has expired in
    the meantime (its queued email is cancelled), nor a second time."""
    with transaction.atomic():
        feedback_request = (
            FeedbackRequest.objects.select_for_update()
            .select_related("portfolio__registration__employer")
            .filter(pk=feedback_request_id)
            .first()
        )
        if feedback_request is None or not feedback_request.recipient_email:
            return False
        if feedback_link_state(feedback_request) != "waiting":
            outbox_cancel(about=feedback_request, kind=FEEDBACK_EMAIL)
            return False
        emails = OutboxEmail.objects.filter(
            kind=FEEDBACK_EMAIL,
            about_type=FeedbackRequest._meta.label_lower,
            about_id=str(feedback_request.pk),
        )
        email = emails.filter(status=OutboxEmail.Status.PENDING).order_by("pk").first()
        if email is None:
            already = AuditEvent.objects.filter(
                action="feedback_request.emailed",
                object_type=FeedbackRequest._meta.label_lower,
                object_id=str(feedback_request.pk),
            )
            if not link or emails.filter(status=OutboxEmail.Status.SENT).exists() or already.exists():
                return False
            email = feedback_request_email_queue(
                feedback_request=feedback_request, link=link, send_on_commit=False
            )
        sent = outbox_send_now(email, retry=True)
        if sent:
            audit_record(actor=None, obj=feedback_request, action="feedback_request.emailed")
    return sent


def feedback_request_find(*, secret: str) -> FeedbackRequest | None:
    """The request whose link carries ``secret``, whatever its state; None for an unknown secret.

    Row-level security shows this one row to whoever holds the secret (``app.feedback_hash``), before any
    employer is known; the setting is cleared again straight after."""
    if not secret or len(secret) > 200:
        return None
    token_hash = feedback_secret_hash(secret)
    apply_settings({"app.feedback_hash": token_hash})
    try:
        return FeedbackRequest.objects.filter(token_hash=token_hash).first()
    finally:
        apply_settings({"app.feedback_hash": None})


def _check_answers(kind: str, answers: dict[str, str]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    for_child = kind == FeedbackRequest.Kind.CHILD
    listened = (answers.get("felt_listened_to") or "").strip()
    if listened not in LISTENED_CHOICES:
        errors["felt_listened_to"] = [
            "Choose an answer to “did they listen to you?”"
            if for_child
            else "Select whether you felt listened to"
        ]
    cleaned = {"felt_listened_to": listened}
    for name in ("what_went_well", "what_could_be_better", "anything_else"):
        cleaned[name] = checked_text(
            errors, name, answers.get(name), max_length=MAX_FEEDBACK_ANSWER, what="Your answer"
        )
    if for_child:
        # The children's form asks fewer questions, and only the first must be answered.
        cleaned["anything_else"] = ""
    elif not errors and not (cleaned["what_went_well"] or cleaned["what_could_be_better"]):
        errors["what_went_well"] = ["Tell us what went well or what could be better"]
    if errors:
        raise ValidationError(errors)
    return cleaned


def feedback_request_answer(
    *, secret: str, answers: dict[str, str], now: datetime.datetime | None = None
) -> FeedbackRequest:
    """Store the answer given through a feedback link, once. Raises FeedbackLinkNotUsable for an unknown,
    answered, cancelled or expired link (and changes nothing), ValidationError for answers that need
    correcting. Two answers sent at the same moment cannot both be stored: the write is conditional on
    the request still waiting, and the database lets one of them through."""
    now = now or clock.now()
    with transaction.atomic():
        found = feedback_request_find(secret=secret)
        if found is None:
            raise FeedbackLinkNotUsable("unknown")
        state = feedback_link_state(found, now)
        if state != "waiting":
            raise FeedbackLinkNotUsable(state, found)
        cleaned = _check_answers(found.kind, answers)
        # The answer belongs to the NQSW's employer: write it in that employer's tenant context.
        with tenant_context(found.employer_id):
            # The portfolio is locked while it is still open, so it cannot be submitted under the answer.
            still_open = (
                Portfolio.objects.select_for_update(of=("self",))
                .filter(
                    pk=found.portfolio_id,
                    submitted_at__isnull=True,
                    registration__status__in=OPEN_STATUSES,
                )
                .values_list("pk", flat=True)
                .first()
                is not None
            )
            # Conditional on the row itself (no join, so PostgreSQL re-checks it after waiting for a
            # concurrent answer's lock): of two answers sent at once, exactly one is stored.
            stored = still_open and FeedbackRequest.objects.filter(
                pk=found.pk, status=FeedbackRequest.Status.SENT, expires_at__gt=now
            ).update(status=FeedbackRequest.Status.ANSWERED, answered_at=now, **cleaned)
            if not stored:
                found.refresh_from_db()
                raise FeedbackLinkNotUsable(feedback_link_state(found, now), found)
            found.refresh_from_db()
            outbox_cancel(about=found, kind=FEEDBACK_EMAIL)  # answered before its email went
            audit_record(
                actor=Actor.anonymous(),
                obj=found,
                action="feedback_request.answered",
                changes={"status": [FeedbackRequest.Status.SENT, FeedbackRequest.Status.ANSWERED]},
            )
    return found
