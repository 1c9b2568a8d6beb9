"""The audit trail's filters (a GET form): who acted, the kind of record, and the days from and to."""

from __future__ import annotations

from django import forms

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"]


class AuditFilterForm(forms.Form):
    person = forms.CharField(
        label="Who",
        help_text="The start of their name or email address",
        required=False,
        max_length=100,
    )
    kind = forms.ChoiceField(label="Kind of record", required=False)
    since = forms.DateField(
        label="From",
        help_text="For example, 27/3/2026",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the first day as a date, for example 27/3/2026"},
    )
    until = forms.DateField(
        label="To",
        help_text="For example, 31/3/2026",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the last day as a date, for example 31/3/2026"},
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *kinds]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "The last day must be the same as or after the first day")
        return data

    def values(self) -> dict:
        """The filters to apply: each valid one; one with an error is left out (and shown on the page)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
