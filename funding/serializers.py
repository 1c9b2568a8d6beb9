"""Shapes of claims and payment statements over the API. Read-only; no business rules here."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from asye.api.fields import choice_field, label_field
from asye.api.representation import FieldsBuiltOnce
from funding.models import Claim, ClaimStatus, Instalment, PaymentStatement
from funding.selectors import statement_lines


class ClaimSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A claim as its employer sees it: amounts are strings of pounds and pence, like "1000.00"."""

    reference = serializers.CharField(read_only=True)
    registration = serializers.IntegerField(source="registration_id", read_only=True)
    nqsw = serializers.CharField(source="registration.full_name", read_only=True)
    swe_number = serializers.CharField(source="registration.swe_number", read_only=True)
    instalment_label = label_field(Instalment, source="instalment")
    status_label = label_field(ClaimStatus, source="status")
    funding_year = serializers.CharField(source="funding_year.label", read_only=True)
    rolled_forward_from = serializers.CharField(
        source="rolled_forward_from.label", read_only=True, allow_null=True, default=None
    )
    cohort = serializers.CharField(
        source="registration.funding_year", read_only=True, help_text="The registration's funding year."
    )
    statement = serializers.SerializerMethodField(help_text="The payment statement, once authorised.")
    amount = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True, coerce_to_string=True)
    status = choice_field(ClaimStatus, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "reference",
            "registration",
            "nqsw",
            "swe_number",
            "instalment",
            "instalment_label",
            "amount",
            "funding_year",
            "rolled_forward_from",
            "cohort",
            "status",
            "status_label",
            "reason",
            "claimable_on",
            "submitted_at",
            "decided_at",
            "statement",
            "paid_on",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_statement(self, claim: Claim) -> int | None:
        # A draft statement is national staff's work in progress: the employer sees it once authorised.
        if claim.statement_id and claim.statement.status != PaymentStatement.Status.DRAFT:
            return claim.statement_id
        return None


# What a page of claims reads (``only()``): the claim's own columns and the few of the rows it names.
CLAIM_LIST_COLUMNS = (
    *(name for name in ClaimSerializer.Meta.fields if name not in ClaimSerializer._declared_fields),
    "instalment",
    "status",
    "amount",
    "registration__first_name",
    "registration__last_name",
    "registration__swe_number",
    "registration__funding_year",
    "funding_year__label",
    "rolled_forward_from__label",
    "statement__status",
)


class StatementLineSerializer(FieldsBuiltOnce, serializers.Serializer):
    kind = serializers.ChoiceField(choices=["Claim", "Recovery"], read_only=True)
    reference = serializers.CharField(read_only=True)
    claim = serializers.IntegerField(source="claim_id", read_only=True, allow_null=True)
    nqsw = serializers.CharField(read_only=True)
    swe_number = serializers.CharField(read_only=True)
    programme = serializers.CharField(read_only=True)
    instalment = serializers.CharField(read_only=True)
    funding_year = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(
        max_digits=9, decimal_places=2, read_only=True, help_text="Negative for a recovery."
    )
    note = serializers.CharField(read_only=True)


MONEY = {"max_digits": 9, "decimal_places": 2, "read_only": True}


class StatementSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    status = choice_field(PaymentStatement.Status, read_only=True)
    status_label = label_field(PaymentStatement.Status, source="status")
    total_claims = serializers.DecimalField(**MONEY)
    total_recoveries = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY, help_text="Claims less recoveries.")

    class Meta:
        model = PaymentStatement
        fields = [
            "id",
            "reference",
            "month",
            "status",
            "status_label",
            "total_claims",
            "total_recoveries",
            "total",
            "authorised_at",
            "paid_on",
            "payment_reference",
            "updated_at",
        ]
        read_only_fields = fields


class StatementDetailSerializer(StatementSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    @extend_schema_field(StatementLineSerializer(many=True))
    def get_lines(self, statement: PaymentStatement) -> list[dict]:
        return StatementLineSerializer(statement_lines(statement), many=True).data
