"""Reviews and final outcomes over the API.

Readable by the employer's co-ordinators (all), assessors and line managers (their NQSWs'). Recordable by
the employer's systems (an API token, which acts with the co-ordinator's authority) and by the NQSW's own
assessor, through the same services as the pages: a review's report and outcome in draft, and a draft
final recommendation. Signatures, amendments, submitting to the panel and the panel's decisions need a
person in the service: the API refuses them (403). A stale ``version`` is a 409; POST takes an
``Idempotency-Key``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.api.filters import UPDATED_SINCE, parse_datetime_param
from asye.api.schema import IDEMPOTENCY_KEY, PROBLEM_JSON, problem_response
from asye.tenancy.api import EmployerScopedViewSet, IdempotentCreateMixin
from programmes.selectors import registration_list
from reviews.models import FinalRecommendation, Review, ReviewOutcome
from reviews.selectors import final_recommendation_list, review_list
from reviews.serializers import (
    FinalOutcomeCreateSerializer,
    FinalOutcomeSerializer,
    FinalOutcomeUpdateSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
    ReviewUpdateSerializer,
)
from reviews.services import (
    final_recommendation_create,
    final_recommendation_update,
    review_record,
    review_update,
)

READ_ROLES = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
WRITE_ROLES = (Role.COORDINATOR, Role.ASSESSOR)
READ_ACTIONS = ("list", "retrieve")


PROBLEM_400 = problem_response("A field is not valid: messages by field in `errors`.")
PROBLEM_403 = problem_response(
    "Your role does not allow this, or it needs a person (signing, amending, submitting, panel decisions)."
)
PROBLEM_404 = problem_response(
    "No such record, or another employer's, or an NQSW you do not work with: the same answer."
)
PROBLEM_409 = problem_response(
    "Someone saved the record since you read it (send the version you read), or the review point has already "
    "been written (read it and PATCH it with its version).",
    OpenApiExample(
        "Stale version",
        value={
            "type": "https://asye.invalid/problems/conflict",
            "title": "Conflict",
            "status": 409,
            "detail": "Someone else saved this review while you were editing it. Your changes have not been "
            "saved: they are still in the form. Check the review as it is now, then save again.",
            "instance": "/api/v1/reviews/42/",
        },
        response_only=True,
        status_codes=["409"],
    ),
)
PROBLEM_422 = problem_response("This Idempotency-Key was already used with a different request body.")


def _int_param(request, name: str, errors: dict) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    if not raw.isdigit():
        errors[name] = ["Give a whole number."]
        return None
    return int(raw)


def _choice(request, name: str, choices, errors: dict) -> str | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    if raw not in choices.values:
        errors[name] = [f"Use one of: {', '.join(choices.values)}."]
        return None
    return raw


def _registration_for(actor: Actor, pk: int):
    """The registration named in a request body, if the caller may see it; a 400 on the field if not."""
    registration = registration_list(actor=actor).filter(pk=pk).first()
    if registration is None:
        raise ValidationError({"registration": ["No registration with this id that you can see."]})
    return registration


class _ScopedWrites(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    EmployerScopedViewSet,
):
    # PUT would replace the whole record; changes are partial (PATCH) and carry a version.
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def required_roles(self) -> tuple[str, ...]:
        return READ_ROLES if self.action in READ_ACTIONS else WRITE_ROLES

    def _actor(self) -> Actor:
        return getattr(self, "actor", None) or Actor.anonymous()

    def _filter(self, queryset, *, numbers: tuple[str, ...], choices: dict):
        """The list's query parameters: whole ``numbers`` and ``choices`` (name: choices) filter the field
        of that name, ``updated_since`` the time of the last change. Malformed ones are a 400 naming each."""
        errors: dict = {}
        values = {name: _int_param(self.request, name, errors) for name in numbers}
        values |= {name: _choice(self.request, name, options, errors) for name, options in choices.items()}
        since = parse_datetime_param(self.request, "updated_since")
        if errors:
            raise ValidationError(errors)
        for name, value in values.items():
            if value is not None:
                queryset = queryset.filter(**{name: value})
        if since is not None:
            queryset = queryset.filter(updated_at__gte=since)
        return queryset


REVIEW_EXAMPLE = {
    "id": 42,
    "registration": 7,
    "month": 6,
    "extra": False,
    "due_on": "2027-03-07",
    "held_on": "2027-03-04",
    "progress_pcf": "Values and ethics: ...",
    "progress_standards": "PQS 3: ...",
    "outcome": "on_track",
    "outcome_label": "On track",
    "nqsw_comments": "",
    "line_manager_comments": "",
    "status": "draft",
    "status_label": "Being written",
    "assessor_signed_at": None,
    "nqsw_signed_at": None,
    "line_manager_signed_at": None,
    "locked_at": None,
    "practice_examples": [],
    "amendments": [],
    "created_at": "2026-09-07T09:00:00Z",
    "updated_at": "2027-03-04T16:20:00Z",
    "version": 3,
}


@extend_schema_view(
    list=extend_schema(
        tags=["reviews"],
        summary="List reviews",
        description=(
            "The reviews of the registrations the caller may see (co-ordinators: all the employer's; "
            "assessors and line managers: their NQSWs'), by registration and review point."
        ),
        parameters=[
            OpenApiParameter(
                "registration", OpenApiTypes.INT, description="Only this registration's reviews."
            ),
            OpenApiParameter("month", OpenApiTypes.INT, description="Only this review point, like 6."),
            OpenApiParameter(
                "outcome", OpenApiTypes.STR, enum=ReviewOutcome.values, description="Only this outcome."
            ),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=Review.Status.values, description="Only this status."
            ),
            UPDATED_SINCE,
        ],
        responses={
            200: ReviewSerializer(many=True),
            (400, PROBLEM_JSON): PROBLEM_400,
            (403, PROBLEM_JSON): PROBLEM_403,
        },
    ),
    retrieve=extend_schema(
        tags=["reviews"],
        summary="Read a review",
        responses={200: ReviewSerializer, (403, PROBLEM_JSON): PROBLEM_403, (404, PROBLEM_JSON): PROBLEM_404},
        examples=[OpenApiExample("A draft 6-month review", value=REVIEW_EXAMPLE, response_only=True)],
    ),
)
class ReviewViewSet(_ScopedWrites):
    """Reviews at the framework's review points (3, 6 and 12 months for the ASYE, an optional 9, and the
    extra reviews of support plans)."""

    model = Review
    serializer_class = ReviewSerializer

    def scope_queryset(self, queryset):
        queryset = (
            (queryset & review_list(actor=self._actor()))
            .prefetch_related("practice_examples", "amendments")
            .order_by("registration_id", "month", "extra", "id")
        )
        if self.action == "list":
            queryset = self._filter(
                queryset,
                numbers=("registration", "month"),
                choices={"outcome": ReviewOutcome, "status": Review.Status},
            )
        return queryset

    def _detail(self, review: Review, status_code: int = status.HTTP_200_OK, **kwargs) -> Response:
        review = self.get_queryset().get(pk=review.pk)
        return Response(ReviewSerializer(review).data, status=status_code, **kwargs)

    @extend_schema(
        tags=["reviews"],
        summary="Record a review's report",
        description=(
            "Records the assessor's report and outcome on a registration's review point (the scheduled "
            "3-, 6- or 12-month review, or the optional 9-month one), as a draft, under the same rules as "
            "the service's pages. Only onto a review nobody has written yet: otherwise 409 (PATCH it with "
            "its version). `held_on` must fall in the review's window: not before the review opens (the "
            "framework's `review_window_weeks` before it is due on the registration's timeline; the final "
            "review before the end of the programme) and not in the future, else 400 naming the day it "
            "opens. The employer's systems (API tokens) and the NQSW's assessor may record; the assessor "
            "signs in the service, because a signature needs a person."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=ReviewCreateSerializer,
        responses={
            201: ReviewSerializer,
            (400, PROBLEM_JSON): PROBLEM_400,
            (403, PROBLEM_JSON): PROBLEM_403,
            (409, PROBLEM_JSON): PROBLEM_409,
            (422, PROBLEM_JSON): PROBLEM_422,
        },
        examples=[
            OpenApiExample(
                "The 6-month review, on track",
                value={
                    "registration": 7,
                    "month": 6,
                    "held_on": "2027-03-04",
                    "progress_pcf": "Values and ethics: ...",
                    "progress_standards": "PQS 3: ...",
                    "outcome": "on_track",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_idempotent_create(self, request, *args, **kwargs):
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        registration = _registration_for(self.actor, data.pop("registration"))
        month = data.pop("month")
        review = review_record(actor=self.actor, registration=registration, month=month, **data)
        return self._detail(
            review, status.HTTP_201_CREATED, headers={"Location": f"{request.path.rstrip('/')}/{review.pk}/"}
        )

    @extend_schema(
        tags=["reviews"],
        summary="Change a draft review",
        description=(
            "Changes the report, the date held or the outcome of a review the assessor has not signed. Send "
            "the `version` you read: if someone saved the review since, 409 and nothing changes. `held_on` "
            "must fall in the review's window (400 naming the day it opens). A signed review changes only "
            "by an amendment, made in the service by the person who signed."
        ),
        request=ReviewUpdateSerializer,
        responses={
            200: ReviewSerializer,
            (400, PROBLEM_JSON): PROBLEM_400,
            (403, PROBLEM_JSON): PROBLEM_403,
            (404, PROBLEM_JSON): PROBLEM_404,
            (409, PROBLEM_JSON): PROBLEM_409,
        },
        examples=[
            OpenApiExample(
                "Some concerns", value={"version": 3, "outcome": "some_concerns"}, request_only=True
            )
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        review = self.get_object()
        serializer = ReviewUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        review = review_update(actor=self.actor, review=review, version=version, **changes)
        return self._detail(review)


FINAL_EXAMPLE = {
    "id": 5,
    "registration": 7,
    "recommendation": "pass",
    "evidence_summary": "The portfolio shows ...",
    "status": "endorsed",
    "status_label": "Endorsed",
    "submitted_at": "2027-09-20T10:00:00Z",
    "decisions": [
        {
            "id": 3,
            "panel": 2,
            "panel_held_on": "2027-10-05",
            "panel_chair": "Principal social worker",
            "decision": "endorse",
            "reasons": "",
            "decided_at": "2027-10-05T14:00:00Z",
        }
    ],
    "outcome": "passed",
    "outcome_date": "2027-10-05",
    "created_at": "2027-09-15T09:00:00Z",
    "updated_at": "2027-10-05T14:00:00Z",
    "version": 3,
}


@extend_schema_view(
    list=extend_schema(
        tags=["final outcomes"],
        summary="List final recommendations and outcomes",
        description=(
            "The assessors' final recommendations, the internal moderation panel's decisions on them, and "
            "the outcome on the registration once the panel has endorsed one."
        ),
        parameters=[
            OpenApiParameter("registration", OpenApiTypes.INT, description="Only this registration's."),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=FinalRecommendation.Status.values,
                description="Only recommendations with this status.",
            ),
            UPDATED_SINCE,
        ],
        responses={
            200: FinalOutcomeSerializer(many=True),
            (400, PROBLEM_JSON): PROBLEM_400,
            (403, PROBLEM_JSON): PROBLEM_403,
        },
    ),
    retrieve=extend_schema(
        tags=["final outcomes"],
        summary="Read a final recommendation and its outcome",
        responses={
            200: FinalOutcomeSerializer,
            (403, PROBLEM_JSON): PROBLEM_403,
            (404, PROBLEM_JSON): PROBLEM_404,
        },
        examples=[OpenApiExample("An endorsed pass", value=FINAL_EXAMPLE, response_only=True)],
    ),
)
class FinalOutcomeViewSet(_ScopedWrites):
    """Final recommendations at the end of the programme, and the outcomes the panel endorsed."""

    model = FinalRecommendation
    serializer_class = FinalOutcomeSerializer

    def scope_queryset(self, queryset):
        queryset = (
            (queryset & final_recommendation_list(actor=self._actor()))
            .prefetch_related("decisions__panel")
            .order_by("registration_id", "created_at", "id")
        )
        if self.action == "list":
            queryset = self._filter(
                queryset, numbers=("registration",), choices={"status": FinalRecommendation.Status}
            )
        return queryset

    def _detail(self, item: FinalRecommendation, status_code: int = status.HTTP_200_OK, **kwargs) -> Response:
        item = self.get_queryset().get(pk=item.pk)
        return Response(FinalOutcomeSerializer(item).data, status=status_code, **kwargs)

    @extend_schema(
        tags=["final outcomes"],
        summary="Record a final recommendation",
        description=(
            "Records the assessor's final recommendation (pass or unsuccessful, with the evidence summary) "
            "as a draft, once the record holds the framework's minimum: the final review signed by "
            "everyone and locked, the required direct observations complete and, where the framework asks, "
            "the learning agreement signed by all three. Otherwise 400, every gap listed in "
            "`errors.non_field_errors`. The assessor submits it to the panel in the service; the panel's "
            "decision, dated the day it is recorded, is recorded there too and dates the outcome."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=FinalOutcomeCreateSerializer,
        responses={
            201: FinalOutcomeSerializer,
            (400, PROBLEM_JSON): PROBLEM_400,
            (403, PROBLEM_JSON): PROBLEM_403,
            (409, PROBLEM_JSON): PROBLEM_409,
            (422, PROBLEM_JSON): PROBLEM_422,
        },
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_idempotent_create(self, request, *args, **kwargs):
        serializer = FinalOutcomeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        registration = _registration_for(self.actor, data["registration"])
        item = final_recommendation_create(
            actor=self.actor,
            registration=registration,
            recommendation=data["recommendation"],
            evidence_summary=data["evidence_summary"],
        )
        return self._detail(
            item, status.HTTP_201_CREATED, headers={"Location": f"{request.path.rstrip('/')}/{item.pk}/"}
        )

    @extend_schema(
        tags=["final outcomes"],
        summary="Change a draft final recommendation",
        description=(
            "Changes a draft recommendation, or revises one the panel referred back. Send the `version` you "
            "read: if someone saved it since, 409 and nothing changes."
        ),
        request=FinalOutcomeUpdateSerializer,
        responses={
            200: FinalOutcomeSerializer,
            (400, PROBLEM_JSON): PROBLEM_400,
            (403, PROBLEM_JSON): PROBLEM_403,
            (404, PROBLEM_JSON): PROBLEM_404,
            (409, PROBLEM_JSON): PROBLEM_409,
        },
    )
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = FinalOutcomeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = final_recommendation_update(
            actor=self.actor,
            item=item,
            version=data["version"],
            recommendation=data.get("recommendation", item.recommendation),
            evidence_summary=data.get("evidence_summary", item.evidence_summary),
        )
        return self._detail(item)
