"""Programmes' scheduled jobs (django-celery-beat; scheduled by migration 0005). Thin: the nightly job
finds the employers with open registrations and runs each one's night in its own tenant context."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.db.models import Q

from asye import clock
from asye.tenancy.db import system_national_context, tenant_context
from programmes.models import Registration
from programmes.nightly import programme_dates_apply
from programmes.progress_store import OPEN_STATUSES


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def programme_dates_nightly() -> int:
    """Queue each employer's night (one task each, so one employer's failure holds up nobody else's).
    Returns how many employers were queued."""
    with system_national_context():
        employer_ids = sorted(
            set(
                Registration.objects.filter(Q(status__in=OPEN_STATUSES) | Q(progress_on__isnull=True))
                .values_list("employer_id", flat=True)
                .distinct()
            )
        )
    for employer_id in employer_ids:
        programme_dates_for_employer.delay(employer_id)
    return len(employer_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def programme_dates_for_employer(employer_id: int) -> dict[str, int]:
    """Deferrals and scheduled ends that take effect today, and every open registration's progress worked
    out for today, for one employer. Idempotent."""
    with tenant_context(employer_id):
        return programme_dates_apply(today=clock.today())
