"""The surveys' daily task (django-celery-beat; scheduled by migration 0003)."""

from celery import shared_task
from django.db import OperationalError

from surveys.services import survey_emails_send_due


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def send_due_survey_emails() -> dict[str, int]:
    """Send the invitations and reminders due today for every open round. Idempotent: each invitation and
    each reminder is marked on the person's invitation before it is sent, so a rerun sends nothing again."""
    return survey_emails_send_due()
