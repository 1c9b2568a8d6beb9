"""Writes over the API through a service: the one way a viewset creates and changes records.

``ServiceWriteViewSet`` is the guarded base (``EmployerScopedViewSet``) for endpoints that list, read,
create (POST, replayed for a repeated ``Idempotency-Key``) and change (PATCH) records. Its viewsets hold
no rules: ``body`` checks the request's shape with a serializer, a service does the write, and ``written``
answers with the record as it now is. The service's errors are left to the problem-details handler
(``asye.api.problems``): ``Conflict`` (a stale ``version`` in the body) is a 409, a ``ValidationError`` a
400 naming the fields, ``PermissionDenied`` a 403; the request's transaction is then rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from asye.accounts.actor import Actor
from asye.api.pagination import SyncPagination
from asye.tenancy.api import EmployerScopedViewSet, IdempotentCreateMixin

READ_ACTIONS = ("list", "retrieve")


class ServiceWriteViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    EmployerScopedViewSet,
):
    """Lists and reads with ``read_roles``; creates and changes with ``write_roles``, through services.

    Set ``model`` (with an ``updated_at``, for the sync), ``serializer_class`` (the list's shape),
    ``answer_serializer_class`` (what a read and a write answer with), ``read_roles`` and ``write_roles``;
    implement ``perform_idempotent_create`` and ``partial_update`` with ``write`` (or ``body`` and
    ``written``)."""

    read_roles: tuple[str, ...] = ()
    write_roles: tuple[str, ...] = ()
    answer_serializer_class: type[serializers.BaseSerializer]
    # PUT would replace the whole record; changes are partial (PATCH) and carry a version.
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Lists page by number, and a sync (``updated_since``, ``cursor``) by keyset on (updated_at, id).
    pagination_class = SyncPagination

    @property
    def required_roles(self) -> tuple[str, ...]:
        return self.read_roles if self.action in READ_ACTIONS else self.write_roles

    def get_serializer_class(self):
        return self.serializer_class if self.action == "list" else self.answer_serializer_class

    def actor_or_anonymous(self) -> Actor:
        """The caller, for ``scope_queryset``: anonymous while the schema is generated (no request)."""
        return getattr(self, "actor", None) or Actor.anonymous()

    def body(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The request body as ``serializer_class`` validates it (a 400 problem naming the fields if not)."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def written(self, record: Model, *, created: bool = False) -> Response:
        """The record as it now is, read again through the caller's scoped queryset: 201 with its
        ``Location`` when ``created``, else 200."""
        record = self.get_queryset().get(pk=record.pk)
        data = self.answer_serializer_class(record, context=self.get_serializer_context()).data
        if not created:
            return Response(data, status=status.HTTP_200_OK)
        location = f"{self.request.path.rstrip('/')}/{record.pk}/"
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})

    def write(
        self,
        serializer_class: type[serializers.Serializer],
        service: Callable[..., Model],
        *,
        created: bool = False,
        defaults: dict[str, Any] | None = None,
        **arguments: Any,
    ) -> Response:
        """Runs ``service(actor=..., **arguments, **body)`` with the body ``serializer_class`` validates
        (``version`` included: the service refuses a stale one with ``Conflict``) and answers with what it
        wrote. ``defaults`` stand for the body's optional fields it leaves out; ``arguments`` (the record
        from ``get_object()``) are not the body's to give: a field of the same name is a programming error."""
        body = {**(defaults or {}), **self.body(serializer_class)}
        return self.written(service(actor=self.actor, **arguments, **body), created=created)
