"""The 360 evaluation's national composite for national staff's systems
(``/api/v1/national/evaluation-composite/``, national API tokens only): the same figures as the national
page and its exports (``evaluations.selectors.composite_for_year``), read in the audited national scope
(``asye.api.national``). Figures only: each statement's national average, minimum and maximum across the
included employers, never an employer's name or a response."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from asye.api.national import YEAR_PARAM, NationalReadView, year_param
from asye.api.operation_schema import national_read_schema
from asye.api.schema import Problems, problem_response
from evaluations import composite as composite_figures
from evaluations import selectors
from evaluations.models import EvaluationCycle

PROBLEMS = Problems(
    {
        400: problem_response("`year` is not a year with a national composite (the message lists them)."),
        404: problem_response("There is no national composite yet (no year has figures)."),
        403: problem_response("Not a national API token: an employer's token is refused."),
    }
)


def _score():
    return serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)


class CompositeStatementSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    average = _score()
    minimum = _score()
    maximum = _score()
    rag = serializers.ChoiceField(
        choices=["red", "amber", "green"],
        allow_null=True,
        help_text="red 1.0 to 1.9, amber 2.0 to 3.9, green 4.0 to 5.0.",
    )
    employers = serializers.IntegerField(help_text="Employers with a score for the statement.")
    last_average = _score()
    last_minimum = _score()
    last_maximum = _score()


class CompositeThemeSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    statements = CompositeStatementSerializer(many=True)


class CompositeCountsSerializer(serializers.Serializer):
    included = serializers.IntegerField(help_text="Employers that met the minimum of data.")
    no_data = serializers.IntegerField(help_text="Employers registered for the year without data.")
    below_minimum = serializers.IntegerField(help_text="Employers with some data, below the minimum.")


class CompositeSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    year_label = serializers.CharField(help_text="Like 2025-26.")
    last_year_label = serializers.CharField()
    source = serializers.ChoiceField(
        choices=["platform", "published"],
        help_text="`platform`: computed from the platform's cycles; `published`: the figures published "
        "before the platform (the seed report's).",
    )
    last_year_source = serializers.CharField(
        allow_blank=True,
        help_text="Where last year's figures come from: `platform`, `published`, or empty for none.",
    )
    counts = CompositeCountsSerializer()
    themes = CompositeThemeSerializer(many=True)


def composite_data(result: composite_figures.Composite, *, published: bool) -> dict:
    return {
        "year": result.year,
        "year_label": result.label,
        "last_year_label": result.last_label,
        "source": "published" if published else "platform",
        "last_year_source": result.last_year_source,
        "counts": {
            "included": result.counts[composite_figures.INCLUDED],
            "no_data": result.counts[composite_figures.NO_DATA],
            "below_minimum": result.counts[composite_figures.BELOW_MINIMUM],
        },
        "themes": [
            {"number": number, "title": title, "statements": rows} for number, title, rows in result.themes
        ],
    }


STATEMENT_EXAMPLE = {
    "number": 1,
    "text": "The organisation has a clear vision for the ASYE programme.",
    "average": "4.1",
    "minimum": "2.9",
    "maximum": "5.0",
    "rag": "green",
    "employers": 63,
    "last_average": "4.0",
    "last_minimum": "2.5",
    "last_maximum": "5.0",
}


@national_read_schema(
    summary="The 360 evaluation's national composite",
    description=(
        "For a year (by default the latest with figures): each statement's national average, minimum and "
        "maximum across the employers that met the minimum of data, its colour, last year's figures, and "
        "the counts of employers included, registered without data and below the minimum: the national "
        "page's figures. National API tokens only."
    ),
    parameters=[YEAR_PARAM],
    answer=CompositeSerializer,
    problems=PROBLEMS,
    example=(
        "A year's composite",
        {
            "year": 2025,
            "year_label": "2025-26",
            "last_year_label": "2024-25",
            "source": "platform",
            "last_year_source": "published",
            "counts": {"included": 63, "no_data": 20, "below_minimum": 12},
            "themes": [{"number": 1, "title": "Leadership", "statements": [STATEMENT_EXAMPLE]}],
        },
    ),
)
class EvaluationCompositeView(NationalReadView):
    serializer_class = CompositeSerializer
    pagination_class = None

    def read(self, request):
        years = selectors.composite_years()
        year = year_param(request, years=years)
        if year is None:
            if not years:
                raise NotFound("There is no national composite yet.")
            year = years[0]
        result = selectors.composite_for_year(year)
        published = not EvaluationCycle.objects.filter(year=year).exists() and bool(result.themes)
        return Response(CompositeSerializer(composite_data(result, published=published)).data)
