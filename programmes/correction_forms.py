"""The form of the correction question page: the NQSW's name, Social Work England number, qualification
date and start date as they should be, and why. It checks only the shape of what was typed (a real date);
the rules come from ``programmes.corrections``."""

from __future__ import annotations

import datetime

from asye.web.dates import DateInput, DateInputsMixin, date_data, date_part_names
from programmes.corrections import CORRECTABLE_FIELDS, REASON_REQUIRED
from programmes.eligibility import normalise_swe_number
from programmes.forms import NameForm, VersionedForm, reason_field, swe_number_field
from programmes.models import Registration

NOTHING_CHANGED = "You have not changed anything. Change the details that are wrong, or cancel"


class CorrectionForm(DateInputsMixin, VersionedForm):
    first_name = NameForm.base_fields["first_name"]
    last_name = NameForm.base_fields["last_name"]
    swe_number = swe_number_field("Social Work England number")
    date_inputs = (
        DateInput(
            name="qualification_date",
            legend="Qualification date",
            subject="The qualification date",
            required_message="Enter the date the NQSW qualified",
            hint="The date their social work qualification was awarded. For example, 27 6 2026",
        ),
        DateInput(
            name="start_date",
            legend="Start date",
            subject="The start date",
            required_message="Enter the date the NQSW starts the programme",
            hint="Their first day on the programme. Correcting it moves every due date. "
            "For example, 7 9 2026",
        ),
    )
    reason = reason_field(
        "Why are you correcting the registration?",
        REASON_REQUIRED,
        hint="For example, two digits of the number were swapped. The reason is kept with the old and "
        "new values in the registration's history.",
    )
    field_order_after_dates = (
        "first_name",
        "last_name",
        "swe_number",
        *date_part_names("qualification_date"),
        *date_part_names("start_date"),
        "reason",
        "version",
    )

    def clean_swe_number(self) -> str:
        return normalise_swe_number(self.cleaned_data.get("swe_number") or "")

    def changes(self) -> dict:
        """The details as typed, for ``correction_plan``/``registration_correct``."""
        return {name: self.cleaned_data.get(name) for name in CORRECTABLE_FIELDS}

    def answers(self) -> dict[str, str]:
        """What waits in the session until the co-ordinator confirms, as text."""
        values = {name: self.cleaned_data.get(name) for name in CORRECTABLE_FIELDS}
        return {
            **{k: v.isoformat() if isinstance(v, datetime.date) else str(v or "") for k, v in values.items()},
            "reason": self.cleaned_data["reason"].strip(),
            "version": str(self.cleaned_data["version"]),
        }

    @staticmethod
    def data_from(*, answers: dict[str, str] | None, registration: Registration) -> dict[str, str]:
        """Form data showing the answers given (or the registration as it is), with its current version."""
        if answers:
            values = dict(answers)
        else:
            values = {name: getattr(registration, name) for name in CORRECTABLE_FIELDS}
            values["reason"] = ""
        data = {
            "first_name": values["first_name"],
            "last_name": values["last_name"],
            "swe_number": values["swe_number"],
            "reason": values.get("reason", ""),
            "version": str(registration.version),
            **date_data("qualification_date", values["qualification_date"] or None),
            **date_data("start_date", values["start_date"] or None),
        }
        return data


def changes_from(answers: dict[str, str]) -> dict:
    """The changes kept in the session, with their dates as dates again."""
    changes = {name: answers.get(name, "") for name in CORRECTABLE_FIELDS}
    for name in ("qualification_date", "start_date"):
        try:
            changes[name] = datetime.date.fromisoformat(changes[name]) if changes[name] else None
        except ValueError:
            changes[name] = None
    return changes
