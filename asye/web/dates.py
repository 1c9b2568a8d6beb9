"""The GOV.UK date input (day, month and year boxes) for Django forms, rendered by
``templates/govuk/date_input.html``:

    class DeferForm(DateInputsMixin, forms.Form):
        date_inputs = (DateInput(name="started_on", legend="When does the deferral start?", ...),)

    {% with date=form.dates.started_on %}{% include "govuk/date_input.html" %}{% endwith %}

The boxes post ``<name>_day``, ``<name>_month`` and ``<name>_year``; ``cleaned_data[<name>]`` is the date.
A form's own rules about the date (not in the future, not before the programme started) go in its
``clean()``, after ``super().clean()``, and report with ``add_error(<name>, message)``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms

DATE_PARTS = ("day", "month", "year")


def date_part_names(name: str) -> tuple[str, str, str]:
    """The names of a date input's boxes, in page order."""
    return tuple(f"{name}_{part}" for part in DATE_PARTS)


def date_data(name: str, value: datetime.date | str | None) -> dict[str, str]:
    """Form data for a date input holding ``value`` (a date or an ISO date); nothing for no date."""
    if not value:
        return {}
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


@dataclass(frozen=True)
class DateInput:
    """One GOV.UK date input on a form."""

    name: str
    legend: str
    subject: str  # starts the messages: "<subject> must include a month"
    required_message: str
    hint: str = "For example, 27 3 2026"
    page_heading: bool = False  # the legend is the page's h1 (size l)
    legend_size: str = "m"  # when it is not the page heading: "m" or "s"
    element_id: str = ""  # the id of the group of boxes, when not ``name``
    autocomplete: str = ""  # "bday" gives the boxes bday-day, bday-month and bday-year


def subject_date_input(name: str, legend: str, subject: str, *, ask: str = "Enter", **options) -> DateInput:
    """A date input whose missing-date message is worked out from its subject: ``ask`` and the subject in
    lower case ("The closing date": "Enter the closing date"; ``ask="Enter the"`` for a subject without its
    article, "Date of the count": "Enter the date of the count"). ``options``: the rest of ``DateInput``."""
    return DateInput(
        name=name, legend=legend, subject=subject, required_message=f"{ask} {subject.lower()}", **options
    )


class DateInputsMixin:
    """Adds ``<name>_day``, ``<name>_month`` and ``<name>_year`` fields for each of ``date_inputs`` and
    checks them as the GOV.UK pattern asks: the message goes on the first box with the problem, and
    only the boxes with the problem are marked (all three for a problem with the whole date)."""

    date_inputs: tuple[DateInput, ...] = ()
    field_order_after_dates: tuple[str, ...] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._date_parts_in_error: dict[str, set[str]] = {}
        for spec in self.date_inputs:
            for part, field_name in zip(DATE_PARTS, date_part_names(spec.name), strict=True):
                self.fields[field_name] = forms.CharField(required=False, label=part.capitalize())
        if self.field_order_after_dates:
            self.order_fields(self.field_order_after_dates)

    @property
    def date_names(self) -> set[str]:
        return {spec.name for spec in self.date_inputs}

    def add_date_error(self, name: str, message, parts: tuple[str, ...] = DATE_PARTS) -> None:
        """Show ``message`` on the date input ``name``, marking ``parts`` (the first one gets the link)."""
        self._date_parts_in_error.setdefault(name, set()).update(parts)
        self.add_error(f"{name}_{parts[0]}", message)

    def add_error(self, field, error):
        # An error about a whole date (a form's or a service's rule) belongs on its first box.
        if field in self.date_names:
            self.add_date_error(field, error)
        else:
            super().add_error(field, error)

    def date_is_asked(self, spec: DateInput, cleaned: dict) -> bool:
        """Whether the form needs this date, given its other answers (a nested question may not)."""
        return True

    def clean(self):
        cleaned = super().clean()
        for spec in self.date_inputs:
            if self.date_is_asked(spec, cleaned):
                cleaned[spec.name] = self._clean_date(spec, cleaned)
        return cleaned

    def _clean_date(self, spec: DateInput, cleaned: dict) -> datetime.date | None:
        raw = {part: (cleaned.get(f"{spec.name}_{part}") or "").strip() for part in DATE_PARTS}
        if not any(raw.values()):
            self.add_date_error(spec.name, spec.required_message)
            return None
        missing = tuple(part for part in DATE_PARTS if not raw[part])
        if missing:
            self.add_date_error(spec.name, f"{spec.subject} must include a {' and '.join(missing)}", missing)
            return None
        not_numbers = tuple(part for part in DATE_PARTS if not raw[part].isdigit())
        if not_numbers:
            self.add_date_error(spec.name, f"{spec.subject} must be a real date", not_numbers)
            return None
        if len(raw["year"]) != 4:
            self.add_date_error(spec.name, "Year must include 4 numbers", ("year",))
            return None
        try:
            return datetime.date(int(raw["year"]), int(raw["month"]), int(raw["day"]))
        except ValueError:
            self.add_date_error(spec.name, f"{spec.subject} must be a real date")
            return None

    @property
    def dates(self) -> dict[str, dict]:
        """What ``govuk/date_input.html`` needs for each date input, by name."""
        result = {}
        for spec in self.date_inputs:
            bound = {part: self[f"{spec.name}_{part}"] for part in DATE_PARTS}
            errors = [message for part in DATE_PARTS for message in bound[part].errors]
            in_error = self._date_parts_in_error.get(spec.name, set())
            result[spec.name] = {
                "id": spec.element_id or spec.name,
                "legend": spec.legend,
                "hint": spec.hint,
                "page_heading": spec.page_heading,
                "legend_size": "l" if spec.page_heading else spec.legend_size,
                "errors": errors,
                "inputs": [
                    {
                        "id": bound[part].auto_id,
                        "name": bound[part].html_name,
                        "label": part.capitalize(),
                        "value": bound[part].value() or "",
                        "width": "4" if part == "year" else "2",
                        # An error put straight on a box (not through add_date_error) marks them all.
                        "error": part in in_error or bool(errors and not in_error),
                        "autocomplete": f"{spec.autocomplete}-{part}" if spec.autocomplete else "",
                    }
                    for part in DATE_PARTS
                ],
            }
        return result
