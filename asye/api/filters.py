"""Query parameters shared by list endpoints: ``filter_list`` applies a list's filters in one go, each
parameter checked (one 400 names every malformed one). ``updated_since`` and ``cursor`` are the
pagination's (``asye.api.pagination.SyncPagination``)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

FUNDING_YEAR_PARAM = OpenApiParameter(
    "funding_year", OpenApiTypes.STR, description="Only this funding year, like `2026-27`."
)
DATETIME_HELP = "Give an ISO 8601 date and time, like 2026-04-01T00:00:00Z."
FUNDING_YEAR = re.compile(r"^[0-9]{4}-[0-9]{2}$")


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


# The list filters below collect what is malformed in ``errors`` (parameter: messages), so the endpoint
# answers one 400 naming every bad parameter; each gives None (or "") for a parameter absent or malformed.


def one_of_param(request, name: str, choices, errors: dict) -> str | None:
    """A query parameter that must be one of a TextChoices' values (or of a sequence of values); given but
    empty is not one of them (the schema's enum says so)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    values = list(getattr(choices, "values", choices))
    if raw not in values:
        errors[name] = [f"Use one of: {', '.join(values)}."]
        return None
    return raw


def whole_number_param(request, name: str, errors: dict, message: str = "Give a whole number.") -> int | None:
    """A query parameter that must be a whole number, such as an id."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):  # "²" is a digit to Python, and no number to int()
        errors[name] = [message]
        return None
    return int(raw)


def funding_year_param(request, errors: dict) -> str:
    """``funding_year``, like ``2026-27``."""
    year = request.query_params.get("funding_year", "")
    if year and not FUNDING_YEAR.match(year):
        errors["funding_year"] = ["Give a funding year like 2026-27."]
        return ""
    return year


def filter_list(
    request,
    queryset: QuerySet,
    *,
    choices: Mapping[str, object] | None = None,
    numbers: Mapping[str, str] | Iterable[str] = (),
    funding_year: str | None = None,
) -> QuerySet:
    """``queryset`` narrowed by the list's query parameters: each of ``choices`` (name: its TextChoices or
    values) and each whole number of ``numbers`` (names, or name: message) filters the field of its name;
    ``funding_year``, when given, is the lookup the ``funding_year`` parameter filters. Malformed parameters
    are one 400 problem naming each."""
    errors: dict = {}
    lookups: dict = {}
    for name, options in (choices or {}).items():
        value = one_of_param(request, name, options, errors)
        if value:
            lookups[name] = value
    messages = numbers if isinstance(numbers, Mapping) else dict.fromkeys(numbers, "Give a whole number.")
    for name, message in messages.items():
        value = whole_number_param(request, name, errors, message)
        if value is not None:
            lookups[name] = value
    if funding_year:
        year = funding_year_param(request, errors)
        if year:
            lookups[funding_year] = year
    if errors:
        raise ValidationError(errors)
    return queryset.filter(**lookups)


def number_params(**descriptions: str) -> list[OpenApiParameter]:
    """Whole-number query parameters for the schema (name: description)."""
    return [OpenApiParameter(name, OpenApiTypes.INT, description=text) for name, text in descriptions.items()]
