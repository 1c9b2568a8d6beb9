"""The one outbox: every email the platform sends is written here, in the transaction of the change that
causes it, and sent after that transaction commits.

- ``email_queue()`` renders the plain-text and HTML bodies from templates and writes the row; on commit it
  hands the row's id (nothing else) to ``tasks.outbox_send``. A change that rolls back leaves no row, so
  nothing is sent.
- ``outbox_deliver()`` sends one row at most once: it locks the row (``SELECT ... FOR UPDATE SKIP
  LOCKED``) while still pending and due, sends, and marks it sent in the same transaction; a redelivered
  or concurrent task finds it locked or no longer pending and does nothing. A failure leaves it pending
  with ``next_attempt_at`` moved on by an exponential backoff, until ``MAX_ATTEMPTS``, then failed.
- ``outbox_flush()`` (every minute, from beat) sends whatever is due: the database, not the broker, is the
  source of truth, so an email whose task Redis lost still goes.
- Only a transient failure is tried again (``is_transient``: the relay down or busy, a 4xx reply); a
  permanent one (a 5xx reply, an address the relay refuses) fails at once.
- A flow that shows people what became of its email (the invitation's "Sent" or "Not sent") registers an
  outcome hook for its kind (``outbox_on_outcome``), called in the transaction that records each attempt.

The sender reads rows in the system's national context (every employer's outbox).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

from asye import clock
from asye.notifications.models import OutboxEmail
from asye.tenancy.db import system_national_context

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = datetime.timedelta(minutes=1)
BACKOFF_CAP = datetime.timedelta(hours=6)


# What an outcome hook is called with: the row as just recorded, whether it went, and whether it is
# final (sent, or failed for good) or will be tried again.
OutcomeHook = Callable[..., None]
_outcome_hooks: dict[str, OutcomeHook] = {}


def outbox_on_outcome(kind: str, hook: OutcomeHook) -> None:
    """Call ``hook(email, sent=, final=)`` after each attempt to send an email of ``kind``, in the same
    transaction (the system's national context). Registered once, by the app that owns the kind, in its
    ``AppConfig.ready``; a second registration for a kind replaces the first."""
    _outcome_hooks[kind] = hook


# Refusals that sending again will not change: the relay's 5xx replies (a refused address, a bad
# sender, a message it will not take) and a message that cannot be written at all.
_PERMANENT = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPNotSupportedError,
    ValueError,
)


def is_transient(error: BaseException) -> bool:
    """Whether sending again later may work: the relay down, busy or disconnecting, a timeout, a 4xx
    reply. A 5xx reply or a refused address is permanent (the email fails at once)."""
    if isinstance(error, smtplib.SMTPConnectError):
        return True  # could not reach the relay: it may be back later
    if isinstance(error, smtplib.SMTPResponseException):
        return not 500 <= error.smtp_code < 600
    return not isinstance(error, _PERMANENT)


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4, 8... minutes, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def about_of(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def render_bodies(template: str, context: dict) -> tuple[str, str]:
    """The plain-text body (``<template>.txt``) and the HTML one: ``<template>.html`` if there is one,
    else the text set in the GOV.UK-style email layout."""
    context = {"service_name": settings.ASYE_SERVICE_NAME, **context}
    text = render_to_string(f"{template}.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:  # the layout wraps the text
        html = html_in_layout(text, context)
    return text, html


def html_in_layout(text: str, context: dict | None = None) -> str:
    """A plain-text body set in the GOV.UK-style email layout (its links made links)."""
    return render_to_string(
        "notifications/email/layout.html",
        # urlize escapes the text (and marks it safe); linebreaks then adds the paragraphs.
        {
            "service_name": settings.ASYE_SERVICE_NAME,
            **(context or {}),
            "body": mark_safe(linebreaks(urlize(text, nofollow=True, autoescape=True))),  # noqa: S308
        },
    )


def email_queue(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    kind: str,
    employer_id: int | None = None,
    person_id: int | None = None,
    about: models.Model | None = None,
    contains_secret: bool = False,
) -> OutboxEmail:
    """Write one email to the outbox in the caller's transaction (and tenant context); send it after the
    transaction commits. Returns the row."""
    text, html = render_bodies(template, context)
    return email_queue_rendered(
        to=to,
        subject=subject,
        text=text,
        html=html,
        kind=kind,
        employer_id=employer_id,
        person_id=person_id,
        about=about,
        contains_secret=contains_secret,
    )


def secret_link_email_queue(
    *, to: str, about: models.Model, subject: str, template: str, context: dict, kind: str
) -> OutboxEmail:
    """Queue an email whose body carries a single-use link (an invitation's): to ``to``, about ``about``
    and for its employer, kept as a secret (blanked once sent). Returns the row."""
    return email_queue(
        to=to,
        subject=subject,
        template=template,
        context=context,
        kind=kind,
        employer_id=about.employer_id,
        about=about,
        contains_secret=True,
    )


def email_queue_rendered(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    kind: str,
    employer_id: int | None = None,
    person_id: int | None = None,
    about: models.Model | None = None,
    contains_secret: bool = False,
    send_on_commit: bool = True,
) -> OutboxEmail:
    now = clock.now()
    about_type, about_id = about_of(about)
    email = OutboxEmail.objects.create(
        employer_id=employer_id,
        to_person_id=person_id,
        to_address=to,
        kind=kind,
        about_type=about_type,
        about_id=about_id,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        contains_secret=contains_secret,
        next_attempt_at=now,
        created_at=now,
    )
    if send_on_commit:
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id: int, countdown: float | None = None) -> None:
    try:
        outbox_send.apply_async((email_id,), countdown=countdown)
    except Exception as error:  # the broker is down: the minute sweep sends it from the database
        logger.warning("Outbox %s: could not enqueue (%r); the sweep will send it", email_id, error)


def outbox_cancel(*, about: models.Model, kind: str | None = None) -> int:
    """Stop the pending emails about a record (a cancelled feedback request, an invitation sent again with
    a new link), in the caller's transaction. Returns how many."""
    about_type, about_id = about_of(about)
    pending = OutboxEmail.objects.filter(
        about_type=about_type, about_id=about_id, status=OutboxEmail.Status.PENDING
    )
    if kind:
        pending = pending.filter(kind=kind)
    return pending.update(status=OutboxEmail.Status.CANCELLED, last_error="Cancelled")


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=email.subject, body=email.body_text, to=[email.to_address])
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _send_locked(email: OutboxEmail, *, retry: bool = True) -> bool:
    """Send a row locked by the caller and record the outcome on it. True if it went."""
    now = clock.now()
    email.attempts += 1
    try:
        _message(email).send()
    except Exception as error:  # any backend's failure: SMTP refusals, connection errors...
        logger.warning("Outbox %s: attempt %s failed: %r", email.pk, email.attempts, error)
        email.last_error = f"{type(error).__name__}: {error}"[:300]
        if retry and email.attempts < MAX_ATTEMPTS and is_transient(error):
            email.next_attempt_at = now + backoff(email.attempts)
        else:
            email.status = OutboxEmail.Status.FAILED
        email.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
        _outcome(email, sent=False)
        return False
    email.status = OutboxEmail.Status.SENT
    email.sent_at = now
    email.last_error = ""
    fields = ["attempts", "status", "sent_at", "last_error"]
    if email.contains_secret:
        email.body_text = email.body_html = ""
        fields += ["body_text", "body_html"]
    email.save(update_fields=fields)
    _outcome(email, sent=True)
    return True


def _outcome(email: OutboxEmail, *, sent: bool) -> None:
    hook = _outcome_hooks.get(email.kind)
    if hook is not None:
        hook(email, sent=sent, final=email.status != OutboxEmail.Status.PENDING)


def outbox_deliver(*, email_id: int) -> str:
    """Send one outbox email if it is still pending and due: "sent", "failed" (it will be tried again, or
    has failed for good), "not_due" or "skipped" (already sent, cancelled, or being sent by another
    worker). Safe to run any number of times: a sent email is never sent again."""
    with system_national_context(), transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return "skipped"
        if email.next_attempt_at > clock.now():
            return "not_due"
        return "sent" if _send_locked(email) else "failed"


def outbox_send_now(email: OutboxEmail, *, retry: bool = False) -> bool:
    """Send a row inside the caller's transaction, from a task that already runs off the web request (the
    feedback link's task queued by earlier code). With ``retry`` False a failure is final."""
    locked = OutboxEmail.objects.select_for_update().get(pk=email.pk)
    if locked.status != OutboxEmail.Status.PENDING:
        return locked.status == OutboxEmail.Status.SENT
    return _send_locked(locked, retry=retry)


def outbox_due_ids(limit: int = 500) -> list[int]:
    """The pending emails whose next attempt is due, oldest first (system national context)."""
    with system_national_context():
        return list(
            OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING, next_attempt_at__lte=clock.now())
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )


def outbox_flush(limit: int = 500) -> dict[str, int]:
    """Send every due email (the minute sweep, and the reminders command)."""
    counts: dict[str, int] = {}
    for email_id in outbox_due_ids(limit):
        outcome = outbox_deliver(email_id=email_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="asye.notifications.tasks.outbox_send",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=8,
)
def outbox_send(email_id: int) -> str:
    """Send one outbox email (by id: the body is read from the database, never carried by the task). A
    failure is tried again after the row's backoff, by a task scheduled for then and by the minute sweep.
    (Defined here, with the outbox that enqueues it; ``asye.notifications.tasks`` lists it.)"""
    outcome = outbox_deliver(email_id=email_id)
    if outcome == "failed" and not outbox_send.app.conf.task_always_eager:
        with system_national_context():
            due = (
                OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.PENDING)
                .values_list("next_attempt_at", flat=True)
                .first()
            )
        if due is not None:
            _enqueue(email_id, countdown=max((due - clock.now()).total_seconds(), 1))
    return outcome
