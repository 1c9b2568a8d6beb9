"""The national overview's registrations section (``settings.ASYE_CONTRIBUTIONS["national_overview"]``,
read by ``asye.web.national_views.overview``): employers registering and NQSWs registered by employer type
and by region, for a funding year and service area chosen on the page (exact: the overview is internal)."""

from __future__ import annotations

from django.http import QueryDict

from asye import clock
from asye.accounts.actor import Actor
from programmes.eligibility import funding_year_of
from reporting.disclosure_rule import disclosure_threshold
from reporting.forms import ReportFilterForm
from reporting.registrations import registration_years, registrations_report, service_area_label
from reporting.tables import report_tables, table_by_key


def overview_sections(*, actor: Actor, params: QueryDict) -> list[dict]:
    """One section for national staff: the registrations tables of the chosen (or current) funding year."""
    if not actor.is_national_staff:
        return []
    current = funding_year_of(clock.today())
    years = sorted(set(registration_years()) | {current})
    chosen = ReportFilterForm(params, years=years).values(default_year=current)
    figures = {
        "registrations": registrations_report(year=chosen["year"], service_area=chosen["service_area"])
    }
    tables = report_tables(figures, threshold=disclosure_threshold(), published=False)
    return [
        {
            "template": "reporting/_overview.html",
            "context": {
                "form": ReportFilterForm(initial=chosen, years=years),
                "chosen": chosen,
                "area_label": service_area_label(chosen["service_area"]),
                "registrations": figures["registrations"],
                "tables": [table_by_key(tables, "by_employer_type"), table_by_key(tables, "by_region")],
            },
        }
    ]
