"""Registrations over the API: register, list and read, change, correct (with a reason), withdraw.

The viewset holds no rules: it checks the request's shape, calls the same services as the question
pages and the CSV upload, and lets the problem-details handler turn their errors into 400/409.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.decorators import action
from rest_framework.response import Response

from asye.accounts.models import Role
from asye.api.filters import FUNDING_YEAR_PARAM, filter_list
from asye.api.operation_schema import RecordSchema, stale_version_example
from asye.api.schema import Problems, choice_param, problem_response
from asye.api.writes import ServiceWriteViewSet
from programmes.api_reads import registration_api_get, registration_api_queryset
from programmes.corrections import registration_correct
from programmes.eligibility import RegistrationFacts, normalise_swe_number
from programmes.models import FundingStatus, Registration, RegistrationStatus
from programmes.serializers import (
    LIST_COLUMNS,
    RegistrationCorrectSerializer,
    RegistrationCreateSerializer,
    RegistrationDetailSerializer,
    RegistrationSerializer,
    RegistrationUpdateSerializer,
    RegistrationWithdrawSerializer,
)
from programmes.services import registration_create, registration_update, registration_withdraw

PROBLEMS = Problems(
    {
        400: problem_response(
            "A field is not valid: messages by field in `errors`.",
            OpenApiExample(
                "Invalid Social Work England number",
                value={
                    "type": "https://asye.invalid/problems/validation-error",
                    "title": "Your request is not valid",
                    "status": 400,
                    "detail": "Some fields are not valid. See 'errors'.",
                    "instance": "/api/v1/registrations/",
                    "errors": {
                        "swe_number": [
                            "Enter a Social Work England number in the correct format, like SW123456"
                        ]
                    },
                },
                response_only=True,
                status_codes=["400"],
            ),
        ),
        403: problem_response("Your role does not allow this (writes need the co-ordinator role)."),
        404: problem_response("No such registration, or another employer's: the answer is the same."),
        409: problem_response(
            "Someone changed the registration since you read it: read it again and retry with its version.",
            stale_version_example(
                detail="This registration was changed by someone else. Reload it and try again.",
                instance="/api/v1/registrations/42/",
            ),
        ),
    }
)
REGISTRATION_SCHEMA = RecordSchema(
    tags=["registrations"],
    problems=PROBLEMS,
    serializer=RegistrationSerializer,
    detail_serializer=RegistrationDetailSerializer,
)

# What a co-ordinator sends to register Ada, and the registration the API answers with (hours to two places).
NEW_REGISTRATION_EXAMPLE = {
    "first_name": "Ada",
    "last_name": "Okafor",
    "email": "ada.okafor@example.org",
    "swe_number": "SW123456",
    "qualification_date": "2026-07-01",
    "start_date": "2026-09-07",
    "contracted_hours": "37",
    "service_area": "child_and_family",
}
REGISTRATION_EXAMPLE = {
    "id": 42,
    **NEW_REGISTRATION_EXAMPLE,
    "contracted_hours": "37.00",
    "framework": "ASYE: child and family",
    "framework_version": 1,
    "funding_year": "2026-27",
    "funding_status": "awaiting_approval",
    "funding_status_label": "Awaiting national approval",
    "funding_note": "",
    "status": "active",
    "status_label": "In progress",
    "outcome": "",
    "ended_at": None,
    "end_reason": "",
    "extension_days": 0,
    "created_at": "2026-11-23T10:15:00Z",
    "updated_at": "2026-11-23T10:15:00Z",
    "version": 1,
}
DETAIL_EXAMPLE = {
    **REGISTRATION_EXAMPLE,
    "timeline": {
        "end": "2027-09-07",
        "next_due": {"kind": "observation", "label": "Direct observation 1", "due": "2026-12-07"},
        "milestones": [
            {"kind": "observation", "label": "Direct observation 1", "due": "2026-12-07"},
            {"kind": "review", "label": "3-month review", "due": "2026-12-07"},
            {"kind": "observation", "label": "Direct observation 2", "due": "2027-03-07"},
            {"kind": "review", "label": "6-month review", "due": "2027-03-07"},
            {"kind": "observation", "label": "Direct observation 3", "due": "2027-06-07"},
            {"kind": "optional_review", "label": "9-month review (optional)", "due": "2027-06-07"},
            {"kind": "end", "label": "End of programme", "due": "2027-09-07"},
            {"kind": "review", "label": "12-month review", "due": "2027-09-07"},
            {"kind": "final_panel", "label": "Internal moderation panel", "due": "2027-10-05"},
        ],
    },
}


@REGISTRATION_SCHEMA.list_and_read(
    list_summary="List registrations",
    list_description=(
        "The employer's registrations (co-ordinators), or the NQSWs the caller assesses or line manages "
        "(assessors, line managers). Ordered by last name; a sync (`updated_since`) by the time of the "
        "last change."
    ),
    parameters=[
        choice_param("status", RegistrationStatus.choices, "Only registrations with this status."),
        choice_param("funding_status", FundingStatus.choices, "Only registrations with this funding status."),
        FUNDING_YEAR_PARAM,
        OpenApiParameter("swe_number", OpenApiTypes.STR, description="Only this Social Work England number."),
    ],
    list_example=("A page of registrations", REGISTRATION_EXAMPLE),
    read_summary="Read a registration",
    read_description="The registration with its timeline: reviews, observations, the panel and the end.",
    read_example=("A registration", DETAIL_EXAMPLE),
)
@REGISTRATION_SCHEMA.create(
    summary="Register an NQSW",
    description=(
        "Registers an NQSW with the caller's employer under the same rules as the service's pages and "
        "the CSV upload. Co-ordinators only. If the person is already registered or was funded "
        "elsewhere, national staff check it before deciding funding; the answer is the same as for "
        "anyone else (`awaiting_approval`), so nothing about another employer can be told from it."
    ),
    request=RegistrationCreateSerializer,
    examples=[
        OpenApiExample(
            "A full-time NQSW in child and family services", value=NEW_REGISTRATION_EXAMPLE, request_only=True
        ),
        OpenApiExample("Registered", value=DETAIL_EXAMPLE, response_only=True, status_codes=["201"]),
    ],
)
class RegistrationViewSet(ServiceWriteViewSet):
    """Registrations of NQSWs with the caller's employer. Co-ordinators write; assessors and line
    managers read their own NQSWs'."""

    model = Registration
    serializer_class = RegistrationSerializer
    answer_serializer_class = RegistrationDetailSerializer
    read_roles = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
    write_roles = (Role.COORDINATOR,)

    def scope_queryset(self, queryset):
        queryset = registration_api_queryset(queryset, actor=self.actor_or_anonymous())
        if self.action != "list":
            return queryset
        queryset = filter_list(
            self.request,
            queryset.only(*LIST_COLUMNS),
            choices={"status": RegistrationStatus, "funding_status": FundingStatus},
            funding_year="funding_year",
        )
        swe = self.request.query_params.get("swe_number")
        return queryset.filter(swe_number=normalise_swe_number(swe)) if swe else queryset

    def retrieve(self, request, *args, **kwargs):
        # The same rows as get_object() on the scoped queryset, read by SQL compiled once (api_reads).
        registration = registration_api_get(actor=self.actor, pk=self.kwargs["pk"])
        self.check_object_permissions(request, registration)
        return Response(self.get_serializer(registration).data)

    def perform_idempotent_create(self, request, *args, **kwargs):
        facts = RegistrationFacts(**self.body(RegistrationCreateSerializer))
        return self.written(registration_create(actor=self.actor, facts=facts), created=True)

    @REGISTRATION_SCHEMA.change(
        summary="Correct a registration",
        description=(
            "Changes the NQSW's email address or contracted hours (a change of hours re-plans the "
            "timeline). The name, Social Work England number and dates are corrected with a reason: "
            "`POST /registrations/{id}/correct/`. Send the `version` you read: if someone changed the "
            "registration since, the answer is 409 and nothing changes. Co-ordinators only."
        ),
        request=RegistrationUpdateSerializer,
        examples=[
            OpenApiExample(
                "Part-time from now on",
                value={"version": 1, "contracted_hours": "22.5"},
                request_only=True,
            ),
            OpenApiExample("Corrected", value={**DETAIL_EXAMPLE, "version": 2}, response_only=True),
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        return self.write(RegistrationUpdateSerializer, registration_update, registration=self.get_object())

    @REGISTRATION_SCHEMA.change(
        summary="Correct the name, Social Work England number or dates",
        description=(
            "Puts the NQSW's `first_name`, `last_name`, `swe_number`, `qualification_date` or `start_date` "
            "right, with the `reason`, without withdrawing and registering again. Send only what changes, "
            "and the `version` you read. The registration rules run again (the number and dates only while "
            "the registration is in progress or deferred), funding is decided again by the funding rules "
            "(see the registrations guide), and the national duplicate check runs again; the answer never "
            "depends on another employer's registrations. Each corrected detail is kept in `corrections` "
            "with its old and new values. The same values again change nothing. Co-ordinators only."
        ),
        request=RegistrationCorrectSerializer,
        examples=[
            OpenApiExample(
                "Two digits of the number swapped",
                value={"version": 3, "reason": "Two digits swapped", "swe_number": "SW123465"},
                request_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        return self.write(RegistrationCorrectSerializer, registration_correct, registration=self.get_object())

    @REGISTRATION_SCHEMA.change(
        summary="Withdraw an NQSW",
        description=(
            "The NQSW leaves the programme on `date`. The registration is kept as history and stops any "
            "completion funding. Co-ordinators only."
        ),
        request=RegistrationWithdrawSerializer,
        examples=[
            OpenApiExample(
                "Left for another job",
                value={"date": "2027-01-31", "reason": "Left to work for another employer"},
                request_only=True,
            ),
            OpenApiExample(
                "Withdrawn",
                value={
                    **DETAIL_EXAMPLE,
                    "status": "withdrawn",
                    "status_label": "Withdrawn",
                    "ended_at": "2027-01-31",
                    "end_reason": "Left to work for another employer",
                    "version": 2,
                },
                response_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        registration = self.get_object()
        data = self.body(RegistrationWithdrawSerializer)
        registration = registration_withdraw(
            actor=self.actor,
            registration=registration,
            on=data["date"],
            reason=data["reason"],
            version=data.get("version"),
        )
        return self.written(registration)
