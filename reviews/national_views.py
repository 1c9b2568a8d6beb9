"""National staff's outcome figures: the 6- and 12-month review outcomes and the final outcomes of a
funding year's registrations, by employer type or region, counted in SQL across every employer inside the
audited national scope. Counts only: no person, employer or review is shown, so small cells are kept."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from asye.tenancy.national import national_view
from reviews.forms import OutcomeFilterForm
from reviews.outcome_figures import outcome_figures_national, outcome_funding_years_national


@national_view
@require_GET
def outcome_figures(request):
    actor = request.actor
    years = outcome_funding_years_national(actor=actor)
    chosen = OutcomeFilterForm(request.GET, funding_years=years).values(
        default_year=years[0] if years else ""
    )
    form = OutcomeFilterForm(initial=chosen, funding_years=years)
    tables = (
        outcome_figures_national(
            actor=actor, funding_year=chosen["funding_year"], grouping=chosen["grouping"]
        )
        if chosen["funding_year"]
        else []
    )
    return render(
        request,
        "reviews/national/outcomes.html",
        {"form": form, "tables": tables, "funding_year": chosen["funding_year"], "years": years},
    )
