"""Tasks travel through the real Redis broker to a real worker, which runs them in tenant context."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from asye.api.models import IdempotencyRecord
from asye.api.tasks import purge_idempotency_records
from asye.celery import app
from tests.factories import EmployerOwnedFactory


class OldIdempotencyRecordFactory(EmployerOwnedFactory):
    class Meta:
        model = IdempotencyRecord

    key = "k"
    method = "POST"
    path = "/api/v1/x/"
    request_fingerprint = "0" * 64
    response_status = 201
    response_body = {}


@pytest.mark.django_db(transaction=True)
def test_a_task_sent_through_redis_is_run_by_a_worker(employer_a, unscoped, settings):
    record = OldIdempotencyRecordFactory(employer=employer_a.employer)
    with unscoped():
        IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            purge_idempotency_records.delay()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with unscoped():
                    if not IdempotencyRecord.objects.filter(pk=record.pk).exists():
                        break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    with unscoped():
        assert not IdempotencyRecord.objects.filter(pk=record.pk).exists()
