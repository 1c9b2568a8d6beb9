"""The audit trail's filters (a GET form): who acted, the kind of record, and the days from and to, each a
GOV.UK date input (day, month and year boxes, ``asye.web.dates``). A date that is not a real one, or a
"from" after the "to", is reported in the error summary and left out of the filters, never a 500."""

from __future__ import annotations

from django import forms

from asye.web.dates import DATE_PARTS, subject_date_input
from asye.web.forms import OptionalDatesMixin

DATE_FILTERS = ("since", "until")


class AuditFilterForm(OptionalDatesMixin, forms.Form):
    """A date left blank is no filter; one partly filled in is checked."""

    person = forms.CharField(
        label="Who",
        help_text="The start of their name or email address",
        required=False,
        max_length=100,
    )
    kind = forms.ChoiceField(label="Kind of record", required=False)

    date_inputs = (
        subject_date_input("since", "From", "The first day", hint="For example, 27 3 2026", legend_size="s"),
        subject_date_input("until", "To", "The last day", hint="For example, 31 3 2026", legend_size="s"),
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *kinds]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "The last day must be the same as or after the first day")
        return data

    def _in_error(self, name: str) -> bool:
        return name in self.errors or any(f"{name}_{part}" in self.errors for part in DATE_PARTS)

    def values(self) -> dict:
        """The filters to apply: each valid one; one with an error is left out (and shown on the page)."""
        self.is_valid()
        names = ("person", "kind", *DATE_FILTERS)
        return {name: self.cleaned_data.get(name) for name in names if not self._in_error(name)}
