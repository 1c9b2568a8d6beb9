"""How the OpenAPI schema describes the platform's API: token authentication, problem details, the
Idempotency-Key header and choice parameters, shared by every app's ``api.py``."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
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
            "description": "An employer-scoped token created by an ASYE co-ordinator under 'API tokens'.",
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


def choice_param(name: str, choices, description: str) -> OpenApiParameter:
    """A query parameter that takes one of a TextChoices' values."""
    return OpenApiParameter(
        name, OpenApiTypes.STR, enum=[value for value, _ in choices], description=description
    )
