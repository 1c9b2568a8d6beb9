"""National staff's 360 evaluation pages: the national composite of a year (the seed's theme tables:
average, minimum, maximum, colour and last year; the count of employers included, registered without
data and below the minimum) and its CSV and XLSX exports. Read in the audited national scope."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from asye import clock
from asye.tenancy.national import national_view
from evaluations import composite as composite_figures
from evaluations import exports, selectors
from evaluations.models import EvaluationCycle, year_label


def _chosen_year(raw: str | None, years: list[int]) -> int:
    current = selectors.evaluation_year(clock.today())
    if raw and raw.isascii() and raw.isdigit() and int(raw) in years:
        return int(raw)
    return current if current in years or not years else years[0]


@national_view
@require_GET
def composite(request):
    years = selectors.composite_years()
    year = _chosen_year(request.GET.get("year"), years)
    result = selectors.composite_for_year(year)
    published = not EvaluationCycle.objects.filter(year=year).exists() and bool(result.themes)
    return render(
        request,
        "evaluations/national/composite.html",
        {
            "composite": result,
            "published": published,
            "years": [(y, year_label(y)) for y in years],
            "year": year,
            "min_responses": composite_figures.MIN_RESPONSES,
            "included": result.counts[composite_figures.INCLUDED],
            "no_data": result.counts[composite_figures.NO_DATA],
            "below_minimum": result.counts[composite_figures.BELOW_MINIMUM],
        },
    )


@national_view
@require_GET
def composite_export(request, year: int, extension: str):
    if extension not in exports.CONTENT_TYPES or year not in selectors.composite_years():
        raise Http404("No such export.")
    result = selectors.composite_for_year(year)
    body = exports.composite_xlsx(result) if extension == "xlsx" else exports.composite_csv(result)
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[extension])
    response["Content-Disposition"] = (
        f'attachment; filename="360-national-composite-{result.label}.{extension}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
