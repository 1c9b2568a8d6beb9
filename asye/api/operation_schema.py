"""How an endpoint's operations describe themselves in the schema: a record's viewset (its list and read,
``asye.api.schema.list_and_read_schema``, and its writes: create, change) and the national reads, each
described alike everywhere so that an app's ``api.py`` states only what differs."""

from __future__ import annotations

from collections.abc import Sequence

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view

from asye.api.national import NATIONAL_TAG
from asye.api.schema import (
    IDEMPOTENCY_KEY,
    IDEMPOTENCY_KEY_REUSED,
    Problems,
    list_and_read_schema,
    problem_response,
)

# What a change answers besides the record: a bad field, a role that may not, no such record, a stale version.
CHANGE_PROBLEMS = (400, 403, 404, 409)


def stale_version_example(*, detail: str, instance: str) -> OpenApiExample:
    """The 409 problem details a write with a stale ``version`` gets, as the schema's example: ``detail``
    is the service's ``Conflict`` message, ``instance`` the record's address."""
    return OpenApiExample(
        "Stale version",
        value={
            "type": "https://asye.invalid/problems/conflict",
            "title": "Conflict",
            "status": 409,
            "detail": detail,
            "instance": instance,
        },
        response_only=True,
        status_codes=["409"],
    )


class RecordSchema:
    """The schema of a viewset of one kind of record: every operation is tagged ``tags`` and describes its
    problems from ``problems`` (a create's 422, an ``Idempotency-Key`` used again with another body, unless
    ``problems`` describes it). A list gives each record as ``serializer``; a read and every write answer
    with ``detail_serializer`` (else ``serializer``)."""

    def __init__(self, *, tags: list[str], problems: Problems, serializer, detail_serializer=None):
        self.tags = tags
        self.problems = Problems({422: problem_response(IDEMPOTENCY_KEY_REUSED), **problems.by_status})
        self.serializer = serializer
        self.answer = detail_serializer or serializer

    def list_and_read(self, **described):
        """For the viewset's class: its list and read (``list_and_read_schema``), ``described`` by their
        summaries, descriptions, filter parameters and examples."""
        return list_and_read_schema(
            tags=self.tags,
            problems=self.problems,
            serializer=self.serializer,
            detail_serializer=self.answer,
            **described,
        )

    def create(
        self,
        *,
        summary: str,
        description: str,
        request,
        codes: Sequence[int] = (400, 403, 422),
        examples: Sequence[OpenApiExample] = (),
    ):
        """For the viewset's class: its POST that creates the record (``ServiceWriteViewSet.create``) takes
        an ``Idempotency-Key`` and answers 201 with the record, or the problem details of ``codes``."""
        creating = extend_schema(
            tags=self.tags,
            summary=summary,
            description=description,
            parameters=[IDEMPOTENCY_KEY],
            request=request,
            responses=self.problems.responses({201: self.answer}, *codes),
            examples=list(examples),
        )
        return extend_schema_view(create=creating)

    def change(
        self,
        *,
        summary: str,
        description: str,
        request,
        codes: Sequence[int] = CHANGE_PROBLEMS,
        examples: Sequence[OpenApiExample] = (),
    ):
        """A PATCH, or an action's POST, that changes the record: 200 with the record as it now is, or the
        problem details of ``codes`` (``CHANGE_PROBLEMS``; an action on a record without a version has no
        409)."""
        return extend_schema(
            tags=self.tags,
            summary=summary,
            description=description,
            request=request,
            responses=self.problems.responses({200: self.answer}, *codes),
            examples=list(examples),
        )


def national_read_schema(
    *,
    summary: str,
    description: str,
    answer,
    problems: Problems,
    example: tuple[str, dict],
    parameters: Sequence[OpenApiParameter] = (),
):
    """A national endpoint's GET (``asye.api.national``), tagged ``national``: 200 with ``answer``, every
    status of ``problems`` in order, the filter ``parameters``, and one example answer ``(name, value)``."""
    name, value = example
    return extend_schema(
        tags=[NATIONAL_TAG],
        summary=summary,
        description=description,
        parameters=list(parameters),
        responses=problems.responses({200: answer}, *sorted(problems.by_status)),
        examples=[OpenApiExample(name, value=value, response_only=True)],
    )
