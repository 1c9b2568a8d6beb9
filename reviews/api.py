"""Reviews and final outcomes over the API.

Readable by the employer's co-ordinators (all), assessors and line managers (their NQSWs'). Recordable by
the employer's systems (an API token, which acts with the co-ordinator's authority) and by the NQSW's own
assessor, through the same services as the pages: a review's report and outcome in draft, and a draft
final recommendation. Signatures, amendments, submitting to the panel and the panel's decisions need a
person in the service: the API refuses them (403). A stale ``version`` is a 409; POST takes an
``Idempotency-Key``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework.exceptions import ValidationError

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.api.filters import filter_list, number_params
from asye.api.operation_schema import RecordSchema, stale_version_example
from asye.api.schema import Problems, choice_param, problem_response
from asye.api.writes import ServiceWriteViewSet
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
from reviews.services.recommendations import final_recommendation_create, final_recommendation_update
from reviews.services.reviews import review_record, review_update

PROBLEMS = Problems(
    {
        400: problem_response("A field is not valid: messages by field in `errors`."),
        403: problem_response(
            "Your role does not allow this, or it needs a person (signing, amending, submitting, panel "
            "decisions)."
        ),
        404: problem_response(
            "No such record, or another employer's, or an NQSW you do not work with: the same answer."
        ),
        409: problem_response(
            "Someone saved the record since you read it (send the version you read), or the review point "
            "has already been written (read it and PATCH it with its version).",
            stale_version_example(
                detail="Someone else saved this review while you were editing it. Your changes have not "
                "been saved: they are still in the form. Check the review as it is now, then save again.",
                instance="/api/v1/reviews/42/",
            ),
        ),
    }
)


def _registration_for(actor: Actor, pk: int):
    """The registration named in a request body, if the caller may see it; a 400 on the field if not."""
    registration = registration_list(actor=actor).filter(pk=pk).first()
    if registration is None:
        raise ValidationError({"registration": ["No registration with this id that you can see."]})
    return registration


class _AssessmentWrites(ServiceWriteViewSet):
    """What reviews and final recommendations share: who reads and writes, the list's filters, and a
    create for a registration named in the body."""

    read_roles = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
    write_roles = (Role.COORDINATOR, Role.ASSESSOR)

    def _create_for_registration(self, serializer_class, service):
        data = self.body(serializer_class)
        data["registration"] = _registration_for(self.actor, data["registration"])
        return self.written(service(actor=self.actor, **data), created=True)


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


REVIEW_SCHEMA = RecordSchema(tags=["reviews"], problems=PROBLEMS, serializer=ReviewSerializer)


@REVIEW_SCHEMA.list_and_read(
    list_summary="List reviews",
    list_description=(
        "The reviews of the registrations the caller may see (co-ordinators: all the employer's; assessors "
        "and line managers: their NQSWs'), by registration and review point; a sync (`updated_since`) by "
        "the time of the last change."
    ),
    parameters=[
        *number_params(
            registration="Only this registration's reviews.", month="Only this review point, like 6."
        ),
        choice_param("outcome", ReviewOutcome.choices, "Only this outcome."),
        choice_param("status", Review.Status.choices, "Only this status."),
    ],
    read_summary="Read a review",
    read_example=("A draft 6-month review", REVIEW_EXAMPLE),
)
@REVIEW_SCHEMA.create(
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
    request=ReviewCreateSerializer,
    codes=(400, 403, 409, 422),
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
class ReviewViewSet(_AssessmentWrites):
    """Reviews at the framework's review points (3, 6 and 12 months for the ASYE, an optional 9, and the
    extra reviews of support plans)."""

    model = Review
    serializer_class = answer_serializer_class = ReviewSerializer

    def scope_queryset(self, queryset):
        queryset = (
            (queryset & review_list(actor=self.actor_or_anonymous()))
            .prefetch_related("practice_examples", "amendments")
            .order_by("registration_id", "month", "extra", "id")
        )
        if self.action == "list":
            queryset = filter_list(
                self.request,
                queryset,
                numbers=("registration", "month"),
                choices={"outcome": ReviewOutcome, "status": Review.Status},
            )
        return queryset

    def perform_idempotent_create(self, request, *args, **kwargs):
        return self._create_for_registration(ReviewCreateSerializer, review_record)

    @REVIEW_SCHEMA.change(
        summary="Change a draft review",
        description=(
            "Changes the report, the date held or the outcome of a review the assessor has not signed. Send "
            "the `version` you read: if someone saved the review since, 409 and nothing changes. `held_on` "
            "must fall in the review's window (400 naming the day it opens). A signed review changes only "
            "by an amendment, made in the service by the person who signed."
        ),
        request=ReviewUpdateSerializer,
        examples=[
            OpenApiExample(
                "Some concerns", value={"version": 3, "outcome": "some_concerns"}, request_only=True
            )
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        return self.write(ReviewUpdateSerializer, review_update, review=self.get_object())


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


FINAL_OUTCOME_SCHEMA = RecordSchema(
    tags=["final outcomes"], problems=PROBLEMS, serializer=FinalOutcomeSerializer
)


@FINAL_OUTCOME_SCHEMA.list_and_read(
    list_summary="List final recommendations and outcomes",
    list_description=(
        "The assessors' final recommendations, the internal moderation panel's decisions on them, and the "
        "outcome on the registration once the panel has endorsed one."
    ),
    parameters=[
        *number_params(registration="Only this registration's."),
        choice_param("status", FinalRecommendation.Status.choices, "Only recommendations with this status."),
    ],
    read_summary="Read a final recommendation and its outcome",
    read_example=("An endorsed pass", FINAL_EXAMPLE),
)
@FINAL_OUTCOME_SCHEMA.create(
    summary="Record a final recommendation",
    description=(
        "Records the assessor's final recommendation (pass or unsuccessful, with the evidence summary) "
        "as a draft, once the record holds the framework's minimum: the final review signed by "
        "everyone and locked, the required direct observations complete and, where the framework asks, "
        "the learning agreement signed by all three. Otherwise 400, every gap listed in "
        "`errors.non_field_errors`. The assessor submits it to the panel in the service; the panel's "
        "decision, dated the day it is recorded, is recorded there too and dates the outcome."
    ),
    request=FinalOutcomeCreateSerializer,
    codes=(400, 403, 409, 422),
)
class FinalOutcomeViewSet(_AssessmentWrites):
    """Final recommendations at the end of the programme, and the outcomes the panel endorsed."""

    model = FinalRecommendation
    serializer_class = answer_serializer_class = FinalOutcomeSerializer

    def scope_queryset(self, queryset):
        queryset = (
            (queryset & final_recommendation_list(actor=self.actor_or_anonymous()))
            .prefetch_related("decisions__panel")
            .order_by("registration_id", "created_at", "id")
        )
        if self.action == "list":
            queryset = filter_list(
                self.request,
                queryset,
                numbers=("registration",),
                choices={"status": FinalRecommendation.Status},
            )
        return queryset

    def perform_idempotent_create(self, request, *args, **kwargs):
        return self._create_for_registration(FinalOutcomeCreateSerializer, final_recommendation_create)

    @FINAL_OUTCOME_SCHEMA.change(
        summary="Change a draft final recommendation",
        description=(
            "Changes a draft recommendation, or revises one the panel referred back. Send the `version` you "
            "read: if someone saved it since, 409 and nothing changes."
        ),
        request=FinalOutcomeUpdateSerializer,
    )
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        unchanged = {"recommendation": item.recommendation, "evidence_summary": item.evidence_summary}
        return self.write(
            FinalOutcomeUpdateSerializer, final_recommendation_update, item=item, defaults=unchanged
        )
