"""Pagination for list endpoints.

- ``Pagination``: pages by number; ``page`` and ``page_size`` are checked, not silently ignored.
- ``SyncPagination``: the same, and, for a sync (``updated_since`` or ``cursor`` given), keyset pages on
  ``(updated_at, id)``. A sync covers the records changed from ``updated_since`` up to ``sync_until``, the
  moment its first page was read, and never past it: a record changed while the client pages through
  moves past ``sync_until`` (it comes in the next sync, which starts there), so no page skips or repeats a
  record however records change between pages, and the next sync misses nothing. The cursor is the
  position of the last record sent (its ``updated_at`` and ``id``) and ``sync_until``; it holds no
  employer and no filter: the query is scoped and filtered as any list's.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections import OrderedDict

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from asye import clock
from asye.api.filters import parse_datetime_param

UPDATED_SINCE = "updated_since"
CURSOR = "cursor"
SYNC_PAGE_HELP = "A sync pages with cursor (the next link), not page."
CURSOR_HELP = "This cursor is not one the API gave: start the sync again from updated_since."


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """``page_size`` from 1 to ``max_page_size``; anything else is a 400 problem naming it (it used to
        fall back to the default quietly, so a client never learned its page was not what it asked)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "A page number from 1; past the last page is 404 (Invalid page.)."
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
                parameter["description"] = (
                    f"Results per page, 1 to {self.max_page_size} (default {self.page_size}); else 400."
                )
        return parameters


def encode_cursor(updated_at: datetime.datetime, pk: int, until: datetime.datetime) -> str:
    raw = json.dumps([updated_at.isoformat(), pk, until.isoformat()], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int, datetime.datetime]:
    """The position and ``sync_until`` a cursor holds; a 400 naming ``cursor`` for anything else."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        updated_at, pk, until = raw
        position = datetime.datetime.fromisoformat(updated_at)
        until_moment = datetime.datetime.fromisoformat(until)
        if type(pk) is not int or position.tzinfo is None or until_moment.tzinfo is None:
            raise ValueError
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValidationError({CURSOR: [CURSOR_HELP]}) from None
    return position, pk, until_moment


class SyncPagination(Pagination):
    """Pages by number, or by keyset on ``(updated_at, id)`` for a sync (``updated_since`` or ``cursor``)."""

    sync = False

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        params = request.query_params
        self.sync = UPDATED_SINCE in params or CURSOR in params
        if not self.sync:
            return super().paginate_queryset(queryset, request, view)
        if self.page_query_param in params:
            raise ValidationError({self.page_query_param: [SYNC_PAGE_HELP]})
        self.request = request
        since = parse_datetime_param(request, UPDATED_SINCE)
        if since is not None:
            queryset = queryset.filter(updated_at__gte=since)
        cursor = params.get(CURSOR)
        if cursor is not None:
            position, pk, self.until = decode_cursor(cursor)
            # (updated_at, id) > position, written so the (employer, updated_at) index bounds the scan.
            queryset = queryset.filter(updated_at__gte=position).exclude(updated_at=position, pk__lte=pk)
        else:
            self.until = clock.now()
        size = self.get_page_size(request)
        rows = list(queryset.filter(updated_at__lt=self.until).order_by("updated_at", "pk")[: size + 1])
        self.has_next = len(rows) > size
        self.rows = rows[:size]
        return self.rows

    def get_next_link(self):
        if not self.sync:
            return super().get_next_link()
        if not self.has_next:
            return None
        last = self.rows[-1]
        url = remove_query_param(self.request.build_absolute_uri(), UPDATED_SINCE)
        return replace_query_param(url, CURSOR, encode_cursor(last.updated_at, last.pk, self.until))

    def get_paginated_response(self, data):
        if not self.sync:
            return super().get_paginated_response(data)
        return Response(
            OrderedDict(
                [
                    ("next", self.get_next_link()),
                    ("sync_until", self.until.isoformat().replace("+00:00", "Z")),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["next", "results"]
        answer["description"] = (
            "A page by number (`count`, `next`, `previous`, `results`), or, for a sync (`updated_since` or "
            "`cursor`), a keyset page (`next`, `sync_until`, `results`) ordered by `updated_at` then `id`."
        )
        answer["properties"]["count"]["description"] = "Pages by number only: how many records match."
        answer["properties"]["sync_until"] = {
            "type": "string",
            "format": "date-time",
            "example": "2026-11-23T10:15:00.123456Z",
            "description": (
                "A sync only: it covers records changed before this moment. Start the next sync with "
                "`updated_since` set to it."
            ),
        }
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": UPDATED_SINCE,
                "required": False,
                "in": "query",
                "description": (
                    "Start a sync: only records changed at or after this ISO 8601 time, oldest change "
                    "first, in keyset pages (see `cursor`). A time without an offset is London time."
                ),
                "schema": {"type": "string", "format": "date-time"},
            },
            {
                "name": CURSOR,
                "required": False,
                "in": "query",
                "description": (
                    "Continue a sync: the `cursor` in the previous page's `next` link (follow the link). "
                    "Not with `page`."
                ),
                "schema": {"type": "string"},
            },
        ]
