"""The nightly equality snapshots (django-celery-beat, 23:30 London; scheduled by migration 0002).

Thin: the beat task hands each employer to a task of its own, which takes its snapshots in that
employer's tenant context; the national snapshots are system work in the national context. Each is
idempotent: a snapshot taken today is taken again, and nobody sees it before tomorrow.
"""

from celery import shared_task
from django.db import OperationalError

from asye.tenancy.db import tenant_context
from equality.snapshots import (
    equality_national_snapshots_take,
    equality_snapshot_employer_ids,
    equality_snapshots_take,
)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def take_equality_snapshots() -> int:
    """Take every employer's snapshots that are due, and the national ones. Returns how many employers."""
    employer_ids = equality_snapshot_employer_ids()
    for employer_id in employer_ids:
        take_employer_equality_snapshots.delay(employer_id)
    take_national_equality_snapshots.delay()
    return len(employer_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def take_employer_equality_snapshots(employer_id: int) -> int:
    with tenant_context(employer_id):
        return equality_snapshots_take(employer_id=employer_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def take_national_equality_snapshots() -> int:
    return equality_national_snapshots_take()
