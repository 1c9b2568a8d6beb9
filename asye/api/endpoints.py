"""The foundation's API endpoints: who am I, my employer, its people and its audit trail."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from asye.accounts.models import EMPLOYER_ROLES, Membership, Role
from asye.api.filters import parse_datetime_param
from asye.api.serializers import AuditEventSerializer, EmployerSerializer, MembershipSerializer, MeSerializer
from asye.audit.models import AuditEvent
from asye.tenancy.api import EmployerScopedViewSet, ScopedAPIView


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


def _list_and_read(tag: str, *parameters: OpenApiParameter):
    """A read-only viewset's list, with its filter ``parameters``, and its read, both tagged ``tag``."""
    return extend_schema_view(
        list=extend_schema(tags=[tag], parameters=list(parameters)), retrieve=extend_schema(tags=[tag])
    )


@_list_and_read(
    "people",
    OpenApiParameter(
        "role", OpenApiTypes.STR, enum=sorted(EMPLOYER_ROLES), description="Only people with this role."
    ),
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
            if role not in EMPLOYER_ROLES:
                raise ValidationError({"role": [f"Use one of: {', '.join(sorted(EMPLOYER_ROLES))}."]})
            queryset = queryset.filter(role=role)
        return queryset


@_list_and_read(
    "audit",
    OpenApiParameter("action", OpenApiTypes.STR, description="Only actions starting with this."),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Only events at or after this time."),
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
        since = parse_datetime_param(self.request, "since")
        if since is not None:
            queryset = queryset.filter(created_at__gte=since)
        return queryset
