"""Scheduled funding jobs (django-celery-beat; scheduled by migration 0004)."""

from celery import shared_task
from django.db import OperationalError

from funding.claimable_services import claims_roll_forward


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def roll_forward_claims() -> int:
    """Move claims not submitted by their year's deadline to the next year's claim, in batches each
    committed on its own. Idempotent, and a retry after a failure part-way finishes the job: a claim
    already moved is in a year whose deadline has not passed."""
    return claims_roll_forward(actor=None)
