"""POST with an Idempotency-Key: a repeat replays the first response instead of acting twice."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework import status
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from asye.accounts.actor import build_actor
from asye.api.models import IdempotencyRecord
from asye.api.services import api_token_create
from asye.api.tasks import purge_idempotency_records
from asye.audit.models import AuditEvent
from asye.audit.services import audit_record
from asye.tenancy.api import EmployerScopedViewSet, IdempotentCreateMixin
from asye.tenancy.db import tenant_context, tenant_settings

pytestmark = pytest.mark.django_db


class NoteViewSet(IdempotentCreateMixin, EmployerScopedViewSet):
    """A stand-in endpoint whose create writes one audit event."""

    model = AuditEvent

    def perform_idempotent_create(self, request, *args, **kwargs):
        event = audit_record(actor=self.actor, action="test.note", changes={"text": request.data.get("text")})
        return Response({"id": event.pk}, status=status.HTTP_201_CREATED)


@pytest.fixture
def post(employer_a):
    with tenant_settings(user_id=employer_a.coordinator.pk):
        actor = build_actor(employer_a.coordinator, employer_id=employer_a.employer.pk)
    with tenant_context(employer_a.employer.pk):
        secret = api_token_create(actor=actor, name="test").secret
    view = NoteViewSet.as_view({"post": "create"})
    factory = APIRequestFactory()

    def send(body, key=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        response = view(factory.post("/api/v1/notes/", body, format="json", **headers))
        response.render()
        return response

    return send


def test_same_key_replays_and_acts_once(post, employer_a, unscoped):
    first = post({"text": "hello"}, key="abc-123")
    second = post({"text": "hello"}, key="abc-123")
    assert first.status_code == second.status_code == 201
    assert first.data == second.data
    assert second["Idempotent-Replayed"] == "true"
    with unscoped():
        assert AuditEvent.objects.filter(action="test.note").count() == 1


def test_same_key_with_a_different_body_is_refused(post):
    post({"text": "hello"}, key="abc-123")
    response = post({"text": "goodbye"}, key="abc-123")
    assert response.status_code == 422
    assert response.data["type"].endswith("idempotency-key-reused")


def test_without_a_key_each_post_acts(post, unscoped):
    post({"text": "one"})
    post({"text": "one"})
    with unscoped():
        assert AuditEvent.objects.filter(action="test.note").count() == 2


def test_purge_forgets_old_records_only(post, unscoped):
    post({"text": "old"}, key="old")
    post({"text": "new"}, key="new")
    with unscoped():
        IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(days=2))
    assert purge_idempotency_records.delay().get() == 1
    with unscoped():
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_purge_is_scheduled_in_the_database():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="asye.api.tasks.purge_idempotency_records", enabled=True).exists()
