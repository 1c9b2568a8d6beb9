"""Shapes of reviews and final outcomes over the API. No business rules here: the services decide what is
valid, and ids in request bodies are looked up through the caller's scoped selectors, never here."""

from __future__ import annotations

from rest_framework import serializers

from asye.api.fields import choice_field as choice
from asye.api.fields import label_field
from asye.api.representation import FieldsBuiltOnce
from reviews.models import (
    FinalRecommendation,
    PanelDecision,
    PracticeExample,
    Recommendation,
    Review,
    ReviewAmendment,
    ReviewOutcome,
)


class PracticeExampleSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = PracticeExample
        fields = ["id", "text", "evidence", "observation", "statement"]
        read_only_fields = fields


class ReviewAmendmentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = ReviewAmendment
        fields = ["field", "old_value", "new_value", "reason", "amended_at"]
        read_only_fields = fields


class ReviewSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A review as its employer sees it: the assessor's report, the comments, who has signed, and the
    amendments made after signing."""

    outcome = choice(ReviewOutcome, allow_blank=True, read_only=True)
    outcome_label = label_field(ReviewOutcome, source="outcome")
    status = choice(Review.Status, read_only=True)
    status_label = label_field(Review.Status, source="status")
    practice_examples = PracticeExampleSerializer(many=True, read_only=True)
    amendments = ReviewAmendmentSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "registration",
            "month",
            "extra",
            "due_on",
            "held_on",
            "progress_pcf",
            "progress_standards",
            "outcome",
            "outcome_label",
            "nqsw_comments",
            "line_manager_comments",
            "status",
            "status_label",
            "assessor_signed_at",
            "nqsw_signed_at",
            "line_manager_signed_at",
            "locked_at",
            "practice_examples",
            "amendments",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ReviewReportFields(serializers.Serializer):
    """The assessor's part of a review; every field optional, blank allowed in a draft."""

    held_on = serializers.DateField(required=False, allow_null=True, help_text="When the review was held.")
    progress_pcf = serializers.CharField(
        required=False, allow_blank=True, help_text="Progress against the PCF."
    )
    progress_standards = serializers.CharField(
        required=False, allow_blank=True, help_text="Progress against the PQS or KSS."
    )
    outcome = choice(ReviewOutcome, required=False, allow_blank=True)


class ReviewCreateSerializer(ReviewReportFields):
    """Record the report of a registration's review point (as the assessor would, in draft)."""

    registration = serializers.IntegerField(min_value=1, help_text="The registration's id.")
    month = serializers.IntegerField(min_value=1, max_value=60, help_text="The review point, like 6.")


class ReviewUpdateSerializer(ReviewReportFields):
    """A change to a draft review. ``version`` is the one you read: if someone saved since, 409."""

    version = serializers.IntegerField(min_value=1, help_text="The review's version as you read it.")


class PanelDecisionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    decision = choice(PanelDecision.Decision, read_only=True)
    panel_held_on = serializers.DateField(source="panel.held_on", read_only=True)
    panel_chair = serializers.CharField(source="panel.chair", read_only=True)

    class Meta:
        model = PanelDecision
        fields = ["id", "panel", "panel_held_on", "panel_chair", "decision", "reasons", "decided_at"]
        read_only_fields = fields


class FinalOutcomeSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """The assessor's final recommendation, the panel's decisions on it, and the outcome on the
    registration once the panel has endorsed it."""

    recommendation = choice(Recommendation, read_only=True)
    status = choice(FinalRecommendation.Status, read_only=True)
    status_label = label_field(FinalRecommendation.Status, source="status")
    decisions = PanelDecisionSerializer(many=True, read_only=True)
    outcome = serializers.CharField(
        source="registration.outcome", read_only=True, help_text="passed, unsuccessful or empty."
    )
    outcome_date = serializers.DateField(source="registration.outcome_date", read_only=True, allow_null=True)

    class Meta:
        model = FinalRecommendation
        fields = [
            "id",
            "registration",
            "recommendation",
            "evidence_summary",
            "status",
            "status_label",
            "submitted_at",
            "decisions",
            "outcome",
            "outcome_date",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class FinalOutcomeCreateSerializer(serializers.Serializer):
    registration = serializers.IntegerField(min_value=1, help_text="The registration's id.")
    recommendation = choice(Recommendation)
    evidence_summary = serializers.CharField(allow_blank=True)


class FinalOutcomeUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The recommendation's version as you read it.")
    recommendation = choice(Recommendation, required=False)
    evidence_summary = serializers.CharField(required=False, allow_blank=True)
