"""The 360 evaluation over the API (``/api/v1/evaluation-cycles/``): the employer's cycles and, once a
cycle has closed, its report, for the employer's co-ordinators (their API tokens).

Only aggregates leave: each statement's average and count, by respondent type only for types with at least
``MIN_GROUP`` responses (a type with fewer is named in ``hidden_types`` with its count, as on the page),
each cell hidden below ``MIN_GROUP`` ratings; never a response or a rating. The report is not given while
the cycle is open (figures that move as each response arrives would tell who answered what). Another
employer's cycle is a 404 whatever the address.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from asye.accounts.models import Role
from asye.api.operation_schema import RecordSchema
from asye.api.schema import Problems, problem_response
from asye.tenancy.api import EmployerScopedViewSet
from evaluations import selectors
from evaluations.models import EvaluationCycle, RespondentType
from evaluations.scoring import MIN_GROUP, one_place, rag

TAGS = ["evaluation"]
TYPE_CHOICES = RespondentType.choices

PROBLEMS = Problems(
    {
        400: problem_response("A filter is not valid."),
        403: problem_response("Your role does not allow this (the 360 evaluation is the co-ordinators')."),
        404: problem_response(
            "No such cycle, another employer's (the answer is the same), or, for the report, a cycle that "
            "has not closed yet."
        ),
    }
)


class EvaluationCycleSerializer(serializers.ModelSerializer):
    year_label = serializers.CharField(read_only=True, help_text="The evaluation year, like 2025-26.")
    status = serializers.SerializerMethodField(help_text="`open` until it closes, then `closed`.")
    invited = serializers.IntegerField(read_only=True, help_text="People invited to answer.")
    answered = serializers.IntegerField(read_only=True, help_text="Of them, how many have answered.")
    framework = serializers.CharField(source="framework.code", read_only=True)

    class Meta:
        model = EvaluationCycle
        fields = [
            "id",
            "year",
            "year_label",
            "framework",
            "opened_on",
            "closes_on",
            "closed_on",
            "status",
            "invited",
            "answered",
        ]
        read_only_fields = fields

    def get_status(self, cycle) -> str:
        return "open" if selectors.cycle_is_open(cycle) else "closed"


class EvaluationTypeFigureSerializer(serializers.Serializer):
    respondent_type = serializers.ChoiceField(choices=TYPE_CHOICES)
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    ratings = serializers.IntegerField(allow_null=True, help_text="Null when hidden (fewer than 3 ratings).")
    hidden = serializers.BooleanField()


class EvaluationStatementSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    rag = serializers.ChoiceField(choices=["red", "amber", "green"], allow_null=True)
    ratings = serializers.IntegerField()
    by_type = EvaluationTypeFigureSerializer(many=True)
    national = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    last_year = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)


class EvaluationThemeSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    rag = serializers.ChoiceField(choices=["red", "amber", "green"], allow_null=True)
    national = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    last_year = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    statements = EvaluationStatementSerializer(many=True)


class EvaluationResponseCountSerializer(serializers.Serializer):
    respondent_type = serializers.ChoiceField(choices=TYPE_CHOICES)
    responses = serializers.IntegerField()


class EvaluationReportSerializer(serializers.Serializer):
    cycle = EvaluationCycleSerializer()
    min_group = serializers.IntegerField(help_text="Breakdowns by type and cells need at least this many.")
    columns = EvaluationResponseCountSerializer(
        many=True, help_text="The respondent types shown, with responses."
    )
    hidden_types = EvaluationResponseCountSerializer(
        many=True, help_text="Types with too few responses to show."
    )
    national_label = serializers.CharField(help_text="Which year's national figures `national` gives.")
    last_year_label = serializers.CharField(help_text="The employer's previous cycle, if any.")
    themes = EvaluationThemeSerializer(many=True)


def report_data(result: selectors.EmployerReport) -> dict:
    """The report as plain figures: only what the report page shows (rounded to one place)."""
    figures = result.figures

    def by_type(statement) -> list[dict]:
        cells = []
        for column in figures.columns:
            cell = statement.by_type.get(column)
            hidden = cell is None or cell.hidden
            cells.append(
                {
                    "respondent_type": column,
                    "average": None if hidden else one_place(cell.average),
                    "ratings": None if hidden else cell.count,
                    "hidden": hidden,
                }
            )
        return cells

    return {
        "cycle": result.cycle,
        "min_group": MIN_GROUP,
        "columns": [
            {"respondent_type": column, "responses": figures.responses.get(column, 0)}
            for column in figures.columns
        ],
        "hidden_types": [
            {"respondent_type": t, "responses": figures.responses[t]} for t in figures.hidden_types
        ],
        "national_label": result.national_label,
        "last_year_label": result.last_year_label,
        "themes": [
            {
                "number": theme.number,
                "title": theme.title,
                "average": one_place(theme.overall),
                "rag": rag(theme.overall),
                "national": one_place(theme.national),
                "last_year": one_place(theme.last_year),
                "statements": [
                    {
                        "number": statement.number,
                        "text": statement.text,
                        "average": one_place(statement.overall.shown),
                        "rag": statement.overall.rag,
                        "ratings": statement.overall.count,
                        "by_type": by_type(statement),
                        "national": one_place(statement.national),
                        "last_year": one_place(statement.last_year),
                    }
                    for statement in theme.statements
                ],
            }
            for theme in figures.themes
        ],
    }


CYCLE_EXAMPLE = {
    "id": 7,
    "year": 2025,
    "year_label": "2025-26",
    "framework": "asye-360-2023",
    "opened_on": "2025-10-01",
    "closes_on": "2026-01-31",
    "closed_on": "2026-01-31",
    "status": "closed",
    "invited": 24,
    "answered": 17,
}


CYCLE_SCHEMA = RecordSchema(tags=TAGS, problems=PROBLEMS, serializer=EvaluationCycleSerializer)


@CYCLE_SCHEMA.list_and_read(
    list_summary="List 360 evaluation cycles",
    list_description="The employer's 360 evaluation cycles, latest year first. Co-ordinators only.",
    list_example=("A page of cycles", CYCLE_EXAMPLE),
    read_summary="Read a 360 evaluation cycle",
    read_example=("A cycle", CYCLE_EXAMPLE),
)
class EvaluationCycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EmployerScopedViewSet):
    """The employer's 360 evaluation cycles and their reports. Co-ordinators only; read-only."""

    model = EvaluationCycle
    serializer_class = EvaluationCycleSerializer
    required_roles = (Role.COORDINATOR,)

    def scope_queryset(self, queryset):
        return (
            queryset.select_related("framework", "employer")
            .annotate(
                invited=Count("invitations", distinct=True),
                answered=Count("invitations", filter=Q(invitations__used=True), distinct=True),
            )
            .order_by("-year", "pk")
        )

    @extend_schema(
        tags=TAGS,
        summary="Read a 360 evaluation cycle's report",
        description=(
            "Once the cycle has closed: each statement's and theme's average (to one place) with its "
            "red/amber/green code (1.0-1.9 red, 2.0-3.9 amber, 4.0-5.0 green), the national average and the "
            "employer's previous year; by respondent type only for types with at least `min_group` "
            "responses, each cell hidden below `min_group` ratings. Never a response or a rating. A 404 "
            "while the cycle is open. Co-ordinators only."
        ),
        responses=PROBLEMS.responses({200: EvaluationReportSerializer}, 403, 404),
        examples=[
            OpenApiExample(
                "A report (one statement shown)",
                value={
                    "cycle": CYCLE_EXAMPLE,
                    "min_group": 3,
                    "columns": [
                        {"respondent_type": "self", "responses": 1},
                        {"respondent_type": "nqsw", "responses": 9},
                    ],
                    "hidden_types": [{"respondent_type": "line_manager", "responses": 2}],
                    "national_label": "2024-25",
                    "last_year_label": "2024-25",
                    "themes": [
                        {
                            "number": 1,
                            "title": "Strategic leadership",
                            "average": "3.9",
                            "rag": "amber",
                            "national": "3.8",
                            "last_year": "3.6",
                            "statements": [
                                {
                                    "number": 1,
                                    "text": "The employer has a clear ASYE policy.",
                                    "average": "4.1",
                                    "rag": "green",
                                    "ratings": 10,
                                    "by_type": [
                                        {
                                            "respondent_type": "self",
                                            "average": "4.0",
                                            "ratings": 1,
                                            "hidden": False,
                                        },
                                        {
                                            "respondent_type": "nqsw",
                                            "average": "4.1",
                                            "ratings": 9,
                                            "hidden": False,
                                        },
                                    ],
                                    "national": "3.9",
                                    "last_year": "3.8",
                                }
                            ],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        cycle = self.get_object()
        if not selectors.report_available(cycle):
            raise Http404("The report is ready once the evaluation closes.")
        data = report_data(selectors.cycle_report(cycle))
        return Response(EvaluationReportSerializer(data, context=self.get_serializer_context()).data)
