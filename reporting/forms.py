"""The reports' forms: the year and service area a page shows (a GET form), the annual report's run, and
the disclosure threshold."""

from __future__ import annotations

from django import forms

from asye.web.forms import FilterForm, choice_field
from reporting.models import HIGHEST_THRESHOLD, LOWEST_THRESHOLD
from reporting.registrations import BOTH, SERVICE_AREA_CHOICES

FORMAT_CHOICES = [("pdf", "PDF document"), ("xlsx", "Spreadsheet (XLSX), one sheet a table")]


class ReportFilterForm(FilterForm):
    """Which figures a page shows. Anything not offered falls back to the default: a filter never errs."""

    year = forms.ChoiceField(label="Funding year", required=False)
    service_area = forms.ChoiceField(
        label="Service area", choices=SERVICE_AREA_CHOICES, required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in reversed(years)]

    def values(self, *, default_year: str) -> dict[str, str]:
        return super().values(year=default_year, service_area=BOTH)


class AnnualReportForm(forms.Form):
    year = choice_field("Funding year", required="Select the funding year", widget=forms.Select)
    service_area = choice_field(
        "Service area", required="Select the service area", choices=SERVICE_AREA_CHOICES
    )
    format = choice_field("Format", required="Select a format", choices=FORMAT_CHOICES)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in reversed(years)]


class DisclosureRuleForm(forms.Form):
    threshold = forms.IntegerField(
        label="Smallest count that may be published",
        help_text=f"Counts below this are suppressed in published tables. From {LOWEST_THRESHOLD} to "
        f"{HIGHEST_THRESHOLD}.",
        min_value=LOWEST_THRESHOLD,
        max_value=HIGHEST_THRESHOLD,
        error_messages={
            "required": "Enter the smallest count that may be published",
            "invalid": "The smallest count must be a whole number, like 5",
            "min_value": f"The smallest count must be {LOWEST_THRESHOLD} or more",
            "max_value": f"The smallest count must be {HIGHEST_THRESHOLD} or less",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
