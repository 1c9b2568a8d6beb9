"""How the OpenAPI schema describes the platform's API: token authentication, problem details, the
Idempotency-Key header and choice parameters, shared by every app's ``api.py``."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers

from asye.tenancy.api import IDEMPOTENCY_HEADER


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "asye.api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "asye_…",
            "description": (
                "An employer-scoped token created by an ASYE co-ordinator under 'API tokens' (`asye_…`), or, "
                "for the national endpoints only (`/api/v1/national/…`), a national token national staff "
                "create for themselves under 'National API tokens' (`asyenat_…`)."
            ),
        }


# --- Pieces every domain app's API describes itself with ------------------------------------------------

PROBLEM_JSON = "application/problem+json"

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string of up to 200 characters (a UUID). Sending the same key again within 24 hours "
        "replays the first response (with `Idempotent-Replayed: true`) instead of creating twice; the "
        "same key with a different body is refused with 422."
    ),
)


class ProblemSerializer(serializers.Serializer):
    """An error as RFC 9457 problem details (``application/problem+json``), for the schema."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: messages by field.",
    )


def problem_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    """A problem-details response for ``extend_schema(responses={(status, PROBLEM_JSON): ...})``."""
    return OpenApiResponse(ProblemSerializer, description=description, examples=list(examples))


IDEMPOTENCY_KEY_REUSED = "This Idempotency-Key was already used with a different request body."


class Problems:
    """The problem-details answers a family of operations gives, by status, each described in its own words
    (``problem_response``), so each operation states its answers in one line with ``responses``."""

    def __init__(self, by_status: dict[int, OpenApiResponse]):
        self.by_status = dict(by_status)

    def but(self, by_status: dict[int, OpenApiResponse]) -> Problems:
        """The same answers, with these statuses described otherwise."""
        return Problems({**self.by_status, **by_status})

    def responses(self, ok: dict, *codes: int) -> dict:
        """For ``extend_schema(responses=...)``: the success answers ``ok`` ({status: serializer}), then
        the problem details of each of ``codes``, in that order."""
        return {**ok, **{(code, PROBLEM_JSON): self.by_status[code] for code in codes}}


def page_example(name: str, item: dict) -> OpenApiExample:
    """A list's example answer: one page holding ``item``."""
    return OpenApiExample(
        name, value={"count": 1, "next": None, "previous": None, "results": [item]}, response_only=True
    )


def choice_param(name: str, choices, description: str) -> OpenApiParameter:
    """A query parameter that takes one of a TextChoices' values."""
    return OpenApiParameter(
        name, OpenApiTypes.STR, enum=[value for value, _ in choices], description=description
    )


def list_and_read_schema(
    *,
    tags: list[str],
    problems: Problems,
    serializer,
    list_summary: str,
    list_description: str,
    read_summary: str,
    parameters: list[OpenApiParameter] = (),
    detail_serializer=None,
    read_description: str | None = None,
    list_example: tuple[str, dict] | None = None,
    read_example: tuple[str, dict] | None = None,
):
    """The ``extend_schema_view`` of a viewset's list and read operations, described alike everywhere: a
    list (a page of ``serializer``; 400 for a bad filter, 403) with its filter ``parameters`` and an example
    page, and a read (``detail_serializer``, else ``serializer``; 403, 404) with its example."""
    listing = {"parameters": list(parameters)}
    if list_example:
        listing["examples"] = [page_example(*list_example)]
    reading = {"description": read_description} if read_description else {}
    if read_example:
        reading["examples"] = [OpenApiExample(read_example[0], value=read_example[1], response_only=True)]
    listing = extend_schema(
        tags=tags,
        summary=list_summary,
        description=list_description,
        responses=problems.responses({200: serializer(many=True)}, 400, 403),
        **listing,
    )
    reading = extend_schema(
        tags=tags,
        summary=read_summary,
        responses=problems.responses({200: detail_serializer or serializer}, 403, 404),
        **reading,
    )
    return extend_schema_view(list=listing, retrieve=reading)


# --- What every operation can answer, and fields as they really come back -------------------------------

PROBLEM_SCHEMA_NAME = "Problem"
COMMON_RESPONSES = {
    "400": "A parameter or field is not valid (a bad filter, `page_size` or body): messages in `errors`.",
    "401": "No API token, or one that is unknown, revoked or malformed.",
    "403": "Your role does not allow this.",
    "404": "No such record (or another employer's: the same answer), or a page past the last "
    "(`Invalid page.`).",
    "406": "The `Accept` header asks for something other than JSON.",
    "409": "Someone saved the record since you read it: send the `version` you read.",
    "415": "The body is not JSON.",
    "413": "The body is larger than the API accepts (`limit`, in bytes); nothing of it was read.",
    "422": IDEMPOTENCY_KEY_REUSED,
    "429": "Too many requests: wait `retry_after_seconds` (also in `Retry-After`).",
}


def _codes_for(path: str, method: str, operation: dict) -> list[str]:
    codes = ["401", "403", "406", "429"]
    has_id = "{" in path
    if method == "get" and not has_id:
        codes += ["400", "404"]  # filters and page_size; a page past the last
    if has_id:
        codes.append("404")
    if method in ("post", "patch", "put"):
        codes += ["400", "413", "415"]
    if method in ("patch", "put"):
        codes.append("409")
    if method == "post" and any(p.get("name") == IDEMPOTENCY_HEADER for p in operation.get("parameters", [])):
        codes.append("422")
    return codes


def document_every_status(result, generator, request, public):
    """Postprocessing hook: every operation documents the problem-details answers the shared API layer can
    give it (authentication, roles, throttling, content negotiation, validation, paging, not found,
    stale versions, reused idempotency keys), unless the operation describes that status itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(PROBLEM_SCHEMA_NAME, _problem_component())
    problem = {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in _codes_for(path, method, operation):
                operation["responses"].setdefault(
                    code, {"description": COMMON_RESPONSES[code], "content": problem}
                )
    return result


def _problem_component() -> dict:
    text = {"type": "string"}
    return {
        "type": "object",
        "description": "An error as RFC 9457 problem details (`application/problem+json`).",
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": text,
            "status": {"type": "integer"},
            "detail": text,
            "instance": text,
            "errors": {"type": "object", "additionalProperties": True},
            "retry_after_seconds": {"type": "integer"},
        },
        "required": ["type", "title", "status", "detail"],
    }


def _model_field(field):
    """The model field a serializer field reads, following dotted sources; None when there is none."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*":
        return None
    parts = source.split(".")
    try:
        for part in parts[:-1]:
            model = model._meta.get_field(part).related_model
        return model._meta.get_field(parts[-1])
    except Exception:  # a property or method, not a field
        return None


class AsyeAutoSchema(AutoSchema):
    """drf-spectacular's schema, telling the truth about read-only model fields: DRF builds them without
    ``allow_blank``/``allow_null``, so a ``blank=True`` choice or email field that comes back as ``""``
    and a ``null=True`` one that comes back as ``null`` were described as if they never could."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        model_field = _model_field(field)
        if model_field is None or not getattr(field, "read_only", False):
            return schema
        if getattr(model_field, "blank", False) and isinstance(
            field, serializers.CharField | serializers.ChoiceField
        ):
            if "enum" in schema and "" not in schema["enum"]:
                schema = {**schema, "enum": [*schema["enum"], ""]}
            elif "format" in schema:
                fmt = {key: schema[key] for key in ("type", "format")}
                rest = {key: value for key, value in schema.items() if key not in ("type", "format")}
                schema = {"anyOf": [fmt, {"type": "string", "maxLength": 0}], **rest}
        return schema

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        model_field = _model_field(field)
        if getattr(field, "read_only", False) and getattr(model_field, "null", False):
            meta["nullable"] = True
        return meta
