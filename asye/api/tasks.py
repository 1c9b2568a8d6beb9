"""Housekeeping for the API. Tasks are thin: they set the context and call a service."""

from celery import shared_task
from django.db import OperationalError

from asye.api.services import idempotency_records_purge
from asye.tenancy.db import system_national_context


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def purge_idempotency_records() -> int:
    """Forget stored POST responses older than the replay window, for every employer. Idempotent."""
    with system_national_context():
        return idempotency_records_purge()
