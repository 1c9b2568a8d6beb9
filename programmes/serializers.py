"""Shapes of registrations over the API. No business rules here: the services decide what is valid."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from asye.api.fields import label_field
from asye.api.representation import FieldsBuiltOnce
from asye.tenancy.models import ServiceArea
from programmes.corrections import CORRECTABLE_FIELDS
from programmes.models import FundingStatus, Registration, RegistrationCorrection, RegistrationStatus
from programmes.selectors import registration_timeline

# What the services accept, stated in the schema (#12: the schema tells the truth) while the services keep
# their own messages: spaces anywhere and either case (``sw 123456`` is stored as ``SW123456``).
SWE_NUMBER_SCHEMA_PATTERN = r"^\s*[Ss]\s*[Ww](?:\s*[0-9]){1,10}\s*$"
# 1 to 48 hours a week, to two decimal places.
CONTRACTED_HOURS_SCHEMA_PATTERN = r"^(?:(?:[1-9]|[1-3][0-9]|4[0-7])(?:\.[0-9]{1,2})?|48(?:\.0{1,2})?)$"


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 20,
        "pattern": SWE_NUMBER_SCHEMA_PATTERN,
        "description": "Social Work England number, like SW123456 (spaces and case do not matter).",
    }
)
class SweNumberField(serializers.CharField):
    """A Social Work England number as typed: checked and normalised by the services."""


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": CONTRACTED_HOURS_SCHEMA_PATTERN,
        "description": "Contracted hours a week, between 1 and 48, like 37 or 22.5.",
    }
)
class ContractedHoursField(serializers.DecimalField):
    """Contracted hours a week: the range (1 to 48) is the services' rule, with their message."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=5, decimal_places=2, **kwargs)


class RegistrationCreateSerializer(serializers.Serializer):
    """What a new registration needs. Types only: a missing value is left to `registration_validate`,
    so the API gives the same messages as the question pages and the CSV upload."""

    first_name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    last_name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    swe_number = SweNumberField(max_length=20, allow_blank=True, required=False, default="")
    qualification_date = serializers.DateField(required=False, allow_null=True, default=None)
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    contracted_hours = ContractedHoursField(required=False, allow_null=True, default=None)
    service_area = serializers.ChoiceField(choices=ServiceArea.choices, required=False, default="")


CORRECT_WITH_A_REASON = (
    "Correct the name, Social Work England number and dates with POST /api/v1/registrations/{id}/correct/ "
    "and a reason"
)


class RegistrationUpdateSerializer(serializers.Serializer):
    """A change of the email address or contracted hours. ``version`` is the one you read: if someone
    changed the record since, 409. The name, number and dates are corrected with a reason (``correct``)."""

    version = serializers.IntegerField(min_value=1, help_text="The registration's version as you read it.")
    email = serializers.EmailField(required=False, allow_blank=True)
    contracted_hours = ContractedHoursField(required=False)

    def validate(self, attrs):
        corrected = [name for name in CORRECTABLE_FIELDS if name in getattr(self, "initial_data", {})]
        if corrected:
            raise serializers.ValidationError({name: [CORRECT_WITH_A_REASON] for name in corrected})
        return attrs


class RegistrationCorrectSerializer(serializers.Serializer):
    """A correction of the name, Social Work England number or dates, with the reason. Send only what
    changes. Types only: the rules are ``registration_correct``'s, the same as the correction page's."""

    version = serializers.IntegerField(min_value=1, help_text="The registration's version as you read it.")
    reason = serializers.CharField(
        allow_blank=True, max_length=2000, help_text="Why the details are corrected (kept in the history)."
    )
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    swe_number = SweNumberField(max_length=20, required=False, allow_blank=True)
    qualification_date = serializers.DateField(required=False)
    start_date = serializers.DateField(required=False)


class CorrectionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """One corrected detail: its old and new values (dates as ISO dates), the reason, and when."""

    field = serializers.ChoiceField(choices=list(CORRECTABLE_FIELDS), read_only=True)

    class Meta:
        model = RegistrationCorrection
        fields = ["field", "old_value", "new_value", "reason", "corrected_at"]
        read_only_fields = fields


class RegistrationWithdrawSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day the NQSW left the programme.")
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="Optional: refuse (409) if the registration changed since."
    )


class MilestoneSerializer(FieldsBuiltOnce, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["agreement", "review", "optional_review", "observation", "final_panel", "end"],
        read_only=True,
    )
    label = serializers.CharField(read_only=True)
    due = serializers.DateField(read_only=True)


class TimelineSerializer(FieldsBuiltOnce, serializers.Serializer):
    end = serializers.DateField(read_only=True, help_text="When the programme ends, after pauses.")
    next_due = MilestoneSerializer(read_only=True, allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)


class RegistrationSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A registration as its employer sees it. Nothing here comes from another employer."""

    service_area = serializers.CharField(source="framework_version.framework.service_area", read_only=True)
    framework = serializers.CharField(source="framework_version.framework.name", read_only=True)
    framework_version = serializers.IntegerField(source="framework_version.version", read_only=True)
    status_label = label_field(RegistrationStatus, source="status")
    funding_status_label = label_field(FundingStatus, source="funding_status")

    class Meta:
        model = Registration
        # The facts given at registration, then what the service derives and keeps.
        fields = [
            "id",
            *RegistrationCreateSerializer._declared_fields,
            "framework",
            "framework_version",
            "funding_year",
            "funding_status",
            "funding_status_label",
            "funding_note",
            "status",
            "status_label",
            "outcome",
            "ended_at",
            "end_reason",
            "extension_days",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


# What a page of the list reads: the serializer's own columns and the framework's three (``only()``).
LIST_COLUMNS = (
    *(
        field
        for field in RegistrationSerializer.Meta.fields
        if field not in RegistrationSerializer._declared_fields
    ),
    "framework_version__version",
    "framework_version__framework__name",
    "framework_version__framework__service_area",
)


class RegistrationDetailSerializer(RegistrationSerializer):
    """A registration with its timeline (reviews, observations, the panel and the end; no supervision) and
    its corrections, oldest first."""

    timeline = serializers.SerializerMethodField()
    corrections = CorrectionSerializer(many=True, read_only=True)

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "timeline", "corrections"]
        read_only_fields = fields

    @extend_schema_field(TimelineSerializer)
    def get_timeline(self, registration: Registration) -> dict:
        timeline = registration_timeline(registration=registration, include_supervision=False)
        return TIMELINE.to_representation(
            {"end": timeline.end, "next_due": timeline.next_due, "milestones": timeline.milestones}
        )


# The timeline's shape depends on the timeline alone (FieldsBuiltOnce): one serializer writes every one.
TIMELINE = TimelineSerializer()
