"""Query parameters shared by list endpoints."""

from __future__ import annotations

from datetime import datetime

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

UPDATED_SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, description="Only records changed at or after this ISO 8601 time."
)


def parse_datetime_param(request, name: str) -> datetime | None:
    """An ISO 8601 date-time query parameter, or None when absent; a 400 problem when malformed."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise ValidationError({name: ["Give an ISO 8601 date and time, like 2026-04-01T00:00:00Z."]})
    return value
