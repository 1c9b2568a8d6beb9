"""Query parameters shared by list endpoints."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

UPDATED_SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, description="Only records changed at or after this ISO 8601 time."
)
DATETIME_HELP = "Give an ISO 8601 date and time, like 2026-04-01T00:00:00Z."


def parse_datetime_param(request, name: str) -> datetime.datetime | None:
    """An ISO 8601 date-time query parameter as an aware UTC moment, or None when absent.

    Anything that is not a real moment is a 400 problem naming the parameter: text that is not ISO 8601,
    impossible values (month 13, 30 February, hour 25, an offset of 24 hours) and moments outside what
    the calendar can hold once moved to UTC. A time without an offset is London time. The value is moved
    to UTC here, so the database never sees an offset it cannot store (PostgreSQL refuses 16 hours)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None  # absent; present but empty is not a moment, so a 400 like any other
    try:
        value = parse_datetime(raw)
    except ValueError:  # well formed but impossible: month 13, hour 25, +24:00
        value = None
    if value is None:
        raise ValidationError({name: [DATETIME_HELP]})
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise ValidationError({name: [DATETIME_HELP]}) from None
