from rest_framework import serializers

from asye.accounts.models import Membership, Role
from asye.api.fields import label_field
from asye.api.representation import FieldsBuiltOnce
from asye.audit.models import AuditEvent
from asye.tenancy.models import Employer, EmployerType, Region


class EmployerSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    employer_type_label = label_field(EmployerType, source="employer_type")
    region_label = label_field(Region, source="region")

    class Meta:
        model = Employer
        fields = [
            "id",
            "name",
            "employer_type",
            "employer_type_label",
            "region",
            "region_label",
            "serves_child_and_family",
            "serves_adults",
            "primary_contact_name",
            "primary_contact_email",
            "primary_contact_phone",
            "updated_at",
        ]
        read_only_fields = fields


class MeSerializer(FieldsBuiltOnce, serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    employer = EmployerSerializer()
    roles = serializers.ListField(child=serializers.CharField())
    api_token = serializers.BooleanField(help_text="Whether this call was made with an API token.")


class MembershipSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    role_label = label_field(Role, source="role")

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "role_label", "created_at", "ended_at"]
        read_only_fields = fields


class AuditEventSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "action", "object_type", "object_id", "object_repr", "changes"]
        read_only_fields = fields
