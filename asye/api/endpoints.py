"""The foundation's API endpoints: who am I, my employer, its people and its audit trail."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from asye.accounts.models import Membership, Role
from asye.api.serializers import AuditEventSerializer, EmployerSerializer, MembershipSerializer, MeSerializer
from asye.audit.models import AuditEvent
from asye.tenancy.api import EmployerScopedViewSet, ScopedAPIView

UPDATED_SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, description="Only records changed at or after this ISO 8601 time."
)


def parse_updated_since(request):
    raw = request.query_params.get("updated_since")
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise ValidationError(
            {"updated_since": ["Give an ISO 8601 date and time, like 2026-04-01T00:00:00Z."]}
        )
    return value


class MeView(ScopedAPIView):
    """The person (or token) calling, the employer they act for and their roles there."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve", tags=["account"])
    def get(self, request):
        actor = self.actor
        return Response(
            MeSerializer(
                {
                    "email": actor.user.email,
                    "full_name": actor.user.full_name,
                    "employer": actor.employer,
                    "roles": sorted(actor.roles),
                    "api_token": actor.api_token_id is not None,
                }
            ).data
        )


class EmployerView(ScopedAPIView):
    """The employer the caller acts for."""

    @extend_schema(responses=EmployerSerializer, operation_id="employer_retrieve", tags=["account"])
    def get(self, request):
        return Response(EmployerSerializer(self.actor.employer).data)


@extend_schema_view(
    list=extend_schema(
        tags=["people"],
        parameters=[
            OpenApiParameter("role", OpenApiTypes.STR, enum=Role.values, description="Only this role."),
        ],
    ),
    retrieve=extend_schema(tags=["people"]),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EmployerScopedViewSet):
    """The employer's people and their current roles. Co-ordinators only."""

    model = Membership
    serializer_class = MembershipSerializer
    required_roles = (Role.COORDINATOR,)

    def scope_queryset(self, queryset):
        queryset = queryset.active().select_related("user").order_by("user__email", "role")
        role = self.request.query_params.get("role")
        if role:
            queryset = queryset.filter(role=role)
        return queryset


@extend_schema_view(
    list=extend_schema(
        tags=["audit"],
        parameters=[
            OpenApiParameter("action", OpenApiTypes.STR, description="Only actions starting with this."),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="Only events at or after this time."
            ),
        ],
    ),
    retrieve=extend_schema(tags=["audit"]),
)
class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EmployerScopedViewSet):
    """The employer's audit trail, newest first. Co-ordinators only."""

    model = AuditEvent
    serializer_class = AuditEventSerializer
    required_roles = (Role.COORDINATOR,)

    def scope_queryset(self, queryset):
        action = self.request.query_params.get("action")
        if action:
            queryset = queryset.filter(action__startswith=action)
        raw_since = self.request.query_params.get("since")
        if raw_since:
            since = parse_datetime(raw_since)
            if since is None:
                raise ValidationError(
                    {"since": ["Give an ISO 8601 date and time, like 2026-04-01T00:00:00Z."]}
                )
            queryset = queryset.filter(created_at__gte=since)
        return queryset
