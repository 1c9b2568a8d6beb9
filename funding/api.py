"""Claims and payment statements over the API, read-only, for the employer's co-ordinators.

An employer's systems (finance, HR) read what is claimable, claimed, approved and paid, and the payment
statements once national staff have authorised them. Writes happen in the service's pages."""

from __future__ import annotations

from rest_framework import mixins

from asye.accounts.models import Role
from asye.api.filters import FUNDING_YEAR_PARAM, filter_list, number_params
from asye.api.operation_schema import RecordSchema
from asye.api.pagination import SyncPagination
from asye.api.schema import Problems, choice_param, problem_response
from asye.tenancy.api import EmployerScopedViewSet
from funding.models import Claim, ClaimStatus, Instalment, PaymentStatement
from funding.selectors import EMPLOYER_STATEMENT_STATUSES
from funding.serializers import (
    CLAIM_LIST_COLUMNS,
    ClaimSerializer,
    StatementDetailSerializer,
    StatementSerializer,
)

READ_ROLES = (Role.COORDINATOR,)

CLAIM_PROBLEMS = Problems(
    {
        400: problem_response("A filter is not valid: messages by parameter in `errors`."),
        403: problem_response("Claims and statements need the co-ordinator role."),
        404: problem_response("No such claim, or another employer's: the answer is the same."),
    }
)
STATEMENT_PROBLEMS = CLAIM_PROBLEMS.but(
    {
        404: problem_response(
            "No such statement, another employer's, or one not yet authorised: the answer is the same."
        )
    }
)
CLAIM_SCHEMA = RecordSchema(tags=["funding"], problems=CLAIM_PROBLEMS, serializer=ClaimSerializer)
STATEMENT_SCHEMA = RecordSchema(
    tags=["funding"],
    problems=STATEMENT_PROBLEMS,
    serializer=StatementSerializer,
    detail_serializer=StatementDetailSerializer,
)

CLAIM_EXAMPLE = {
    "id": 7,
    "reference": "C000007",
    "registration": 42,
    "nqsw": "Ada Okafor",
    "swe_number": "SW123456",
    "instalment": "registration",
    "instalment_label": "Registration",
    "amount": "1000.00",
    "funding_year": "2026-27",
    "rolled_forward_from": None,
    "cohort": "2026-27",
    "status": "approved",
    "status_label": "Approved",
    "reason": "",
    "claimable_on": "2026-10-01",
    "submitted_at": "2026-10-02T09:30:00Z",
    "decided_at": "2026-10-09T14:00:00Z",
    "statement": None,
    "paid_on": None,
    "created_at": "2026-10-01T11:00:00Z",
    "updated_at": "2026-10-09T14:00:00Z",
    "version": 3,
}
STATEMENT_EXAMPLE = {
    "id": 3,
    "reference": "ASYE-2026-11-12",
    "month": "2026-11-01",
    "status": "paid",
    "status_label": "Paid",
    "total_claims": "2000.00",
    "total_recoveries": "0.00",
    "total": "2000.00",
    "authorised_at": "2026-11-20T10:00:00Z",
    "paid_on": "2026-11-23",
    "payment_reference": "BACS-2026-11-0012",
    "updated_at": "2026-11-23T09:00:00Z",
}


@CLAIM_SCHEMA.list_and_read(
    list_summary="List claims",
    list_description=(
        "The employer's claims: one per registration and instalment (registration, completion). `draft` is "
        "claimable and not yet claimed. Co-ordinators only. Amounts are strings of pounds and pence."
    ),
    parameters=[
        choice_param("status", ClaimStatus.choices, "Only claims with this status."),
        choice_param("instalment", Instalment.choices, "Only this instalment."),
        FUNDING_YEAR_PARAM,
        *number_params(registration="Only the claims of this registration."),
    ],
    list_example=("A page of claims", CLAIM_EXAMPLE),
    read_summary="Read a claim",
    read_example=("A claim", CLAIM_EXAMPLE),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EmployerScopedViewSet):
    """The employer's funding claims. Co-ordinators only; read-only."""

    model = Claim
    serializer_class = ClaimSerializer
    required_roles = READ_ROLES
    pagination_class = SyncPagination

    def scope_queryset(self, queryset):
        queryset = queryset.select_related(
            "registration", "funding_year", "rolled_forward_from", "statement"
        ).order_by("pk")
        if self.action != "list":
            return queryset
        return filter_list(
            self.request,
            queryset.only(*CLAIM_LIST_COLUMNS),
            choices={"status": ClaimStatus, "instalment": Instalment},
            numbers={"registration": "Give a registration id."},
            funding_year="funding_year__label",
        )


@STATEMENT_SCHEMA.list_and_read(
    list_summary="List payment statements",
    list_description=(
        "The employer's payment statements once national staff have authorised them: each pays the month's "
        "approved claims less any recoveries. Co-ordinators only."
    ),
    parameters=[
        choice_param(
            "status",
            [(value, label) for value, label in PaymentStatement.Status.choices if value != "draft"],
            "Only statements with this status.",
        ),
    ],
    list_example=("A page of statements", STATEMENT_EXAMPLE),
    read_summary="Read a payment statement",
    read_description=(
        "The statement with its lines: claims (positive) and recoveries (negative), each as it was when the "
        "statement was authorised (a later change to the NQSW's name or SWE number does not change it)."
    ),
)
class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EmployerScopedViewSet):
    """The employer's authorised and paid payment statements. Co-ordinators only; read-only."""

    model = PaymentStatement
    serializer_class = StatementSerializer
    required_roles = READ_ROLES
    pagination_class = SyncPagination

    def get_serializer_class(self):
        return StatementDetailSerializer if self.action == "retrieve" else StatementSerializer

    def scope_queryset(self, queryset):
        queryset = queryset.filter(status__in=EMPLOYER_STATEMENT_STATUSES).order_by("-month", "pk")
        if self.action != "list":
            return queryset
        return filter_list(self.request, queryset, choices={"status": EMPLOYER_STATEMENT_STATUSES})
