"""Reporting's scheduled work: the nightly retention run (scheduled by migration 0002)."""

from celery import shared_task
from django.db import transaction

from asye import clock
from asye.tenancy.db import system_national_context
from reporting.retention import anonymise_expired


@shared_task(name="reporting.anonymise_expired")
def anonymise_expired_task() -> dict:
    """Anonymise what ended more than four years ago: nightly, in the system national context."""
    with transaction.atomic(), system_national_context():
        return anonymise_expired(today=clock.today())
