"""The guarded API base: every employer-scoped endpoint inherits from these classes.

The base resolves the actor once, at the edge of the view, and scopes the queryset itself. Subclasses
may narrow the scoped queryset (``scope_queryset``) but may not override ``get_queryset`` or
``get_object``: a subclass that tries fails at import time. PostHog added the same refusal after a
checklist failed to stop a leak.
"""

from __future__ import annotations

import hashlib

from django.db import connection
from django.db.models import Model, QuerySet
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from asye.accounts.actor import Actor

PROTECTED_METHODS = ("get_queryset", "get_object")
IDEMPOTENCY_HEADER = "Idempotency-Key"


class ScopedAPIMixin:
    """Resolves ``self.actor`` after authentication and requires an employer to act for."""

    required_roles: tuple[str, ...] = ()
    actor: Actor

    def perform_authentication(self, request):
        super().perform_authentication(request)
        actor: Actor = getattr(request._request, "actor", None) or Actor.anonymous()
        if getattr(request.auth, "is_national", False):
            raise PermissionDenied(
                "A national API token reads only the national endpoints (/api/v1/national/)."
            )
        if actor.is_authenticated and actor.employer_id is None:
            raise PermissionDenied(
                "Choose the employer you are acting for before using the API, or use an API token."
            )
        # No setting to make: TenantMiddleware set the session's employer (the same actor), and token
        # authentication the token's, each in its one round trip.
        self.actor = actor

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.required_roles and not self.actor.has_role(*self.required_roles):
            raise PermissionDenied("Your role does not allow this.")


class ScopedAPIView(ScopedAPIMixin, APIView):
    """A non-model endpoint that still acts for one employer."""


class EmployerScopedViewSet(ScopedAPIMixin, viewsets.GenericViewSet):
    """Base of every model endpoint. Set ``model``; optionally narrow with ``scope_queryset``."""

    model: type[Model]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        overridden = [name for name in PROTECTED_METHODS if name in cls.__dict__]
        if overridden:
            raise TypeError(
                f"{cls.__name__} overrides {', '.join(overridden)}: scope through "
                "EmployerScopedViewSet.scope_queryset instead, so the employer filter cannot be lost."
            )

    def get_queryset(self) -> QuerySet:
        actor = getattr(self, "actor", None) or Actor.anonymous()
        return self.scope_queryset(self.model.objects.visible_to(actor))

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        """Narrow (never widen) the employer's queryset: filters, select_related, ordering."""
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["actor"] = getattr(self, "actor", None)
        return context


class IdempotentCreateMixin:
    """For viewsets that accept POST: the same ``Idempotency-Key`` replays the first response."""

    def create(self, request, *args, **kwargs):
        """POST, replayed rather than repeated when the same ``Idempotency-Key`` comes again."""
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not key:
            return self.perform_idempotent_create(request, *args, **kwargs)
        if len(key) > 200:
            raise ValidationError({IDEMPOTENCY_HEADER: ["Use a key of at most 200 characters."]})
        from asye.api.models import IdempotencyRecord

        fingerprint = hashlib.sha256(request.body).hexdigest()
        if connection.vendor == "postgresql":
            # Two requests with one key wait for each other, so the second replays the first.
            lock = int(hashlib.sha256(f"{self.actor.employer_id}:{key}".encode()).hexdigest()[:15], 16)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        record = (
            IdempotencyRecord.objects.visible_to(self.actor)
            .filter(key=key, method=request.method, path=request.path)
            .first()
        )
        if record is not None:
            if record.request_fingerprint != fingerprint:
                return Response(
                    {
                        "type": "https://asye.invalid/problems/idempotency-key-reused",
                        "title": "Unprocessable request",
                        "status": 422,
                        "detail": "This Idempotency-Key was already used with a different request body.",
                        "instance": request.path,
                    },
                    status=422,
                    content_type="application/problem+json",
                )
            return Response(
                record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"}
            )
        response = self.perform_idempotent_create(request, *args, **kwargs)
        if 200 <= response.status_code < 300:
            IdempotencyRecord.objects.create(
                employer_id=self.actor.employer_id,
                key=key,
                method=request.method,
                path=request.path,
                request_fingerprint=fingerprint,
                response_status=response.status_code,
                response_body=response.data,
            )
        return response

    def perform_idempotent_create(self, request, *args, **kwargs):
        """The create itself; subclasses that accept POST implement it (usually through a service)."""
        return mixins.CreateModelMixin.create(self, request, *args, **kwargs)
