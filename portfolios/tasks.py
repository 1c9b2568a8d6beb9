"""Portfolio jobs. Thin: ids in, the employer's tenant context, a service call; safe to run twice."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from asye.tenancy.db import tenant_context
from portfolios.feedback_links import feedback_request_send_email


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def feedback_request_email(employer_id: int, feedback_request_id: int, link: str | None = None) -> bool:
    """Send a feedback request's queued email now (once; not if it was answered, cancelled or has expired in
    the meantime). New requests no longer use this task: their email is written to the outbox with them and
    sent by ``asye.notifications.tasks.outbox_send`` (ids only, the link stays in the database). ``link`` is
    for a task already queued by the earlier code."""
    with tenant_context(employer_id):
        return feedback_request_send_email(feedback_request_id=feedback_request_id, link=link)
