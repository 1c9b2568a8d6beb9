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
def feedback_request_email(employer_id: int, feedback_request_id: int, link: str) -> bool:
    """Email a feedback request's link to the person it is for (once; not if it was answered, cancelled or
    has expired in the meantime). The link carries the secret, which the database does not keep, so it
    travels with the task."""
    with tenant_context(employer_id):
        return feedback_request_send_email(feedback_request_id=feedback_request_id, link=link)
