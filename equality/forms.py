"""The NQSW's equality monitoring questions: five questions, each with 'Prefer not to say'.

The date of birth and each ethnic group's background are nested questions, shown under their radio
(always: see templates/equality/answer.html). The date is only turned into an age band by the service.
"""

from __future__ import annotations

import datetime

from django import forms

from asye import clock
from asye.web.dates import DateInput, DateInputsMixin, date_part_names
from asye.web.forms import choice_field
from equality.models import AgeBand, Disability, EqualityMonitoring, EthnicGroup, Gender, Nationality
from equality.services import (
    EARLIEST_BIRTH_YEAR,
    ETHNICITY_DETAILS,
    PREFER_NOT_TO_SAY,
    latest_date_of_birth,
)

GIVE_DATE = "date"
KEEP = "keep"
DATE_OF_BIRTH = DateInput(
    name="dob",
    legend="Date of birth",
    subject="Date of birth",
    required_message="Enter your date of birth",
    hint="For example, 27 3 1995",
    legend_size="s",
    element_id="date-of-birth",
    autocomplete="bday",
)


def _radio(label: str, choices, required_message: str, hint: str = "") -> forms.ChoiceField:
    return choice_field(label, required=required_message, choices=choices, help_text=hint)


def detail_field_name(group: str) -> str:
    return f"ethnicity_{group}"


def _group_label(group: str) -> str:
    return EthnicGroup(group).label


def detail_required_message(group: str) -> str:
    return f"Select your {_group_label(group)} background, or select prefer not to say"


class EqualityMonitoringForm(DateInputsMixin, forms.Form):
    gender = _radio(
        "How would you describe your gender?",
        Gender.choices,
        "Select how you would describe your gender, or select prefer not to say",
    )
    age_answer = _radio(
        "What is your date of birth?",
        [],
        "Enter your date of birth, or select prefer not to say",
        hint="We keep only your age group on the day your programme started, not your date of birth.",
    )
    date_inputs = (DATE_OF_BIRTH,)
    ethnic_group = _radio(
        "What is your ethnic group?",
        EthnicGroup.choices,
        "Select your ethnic group, or select prefer not to say",
    )
    nationality = _radio(
        "What is your nationality?",
        Nationality.choices,
        "Select your nationality, or select prefer not to say",
    )
    disability = _radio(
        "Do you consider yourself to have a disability or long-term health condition?",
        Disability.choices,
        "Select yes if you consider yourself to have a disability or long-term health condition, "
        "or select prefer not to say",
        hint="This means a physical or mental health condition or illness that has lasted, or is expected "
        "to last, 12 months or more.",
    )

    def __init__(
        self, *args, start_date: datetime.date, existing: EqualityMonitoring | None = None, **kwargs
    ):
        self.start_date = start_date
        # A band already given can be kept without typing the date of birth again (it is not stored).
        given = existing.age_band if existing else ""
        self.kept_band = given if given in AgeBand.values and given != PREFER_NOT_TO_SAY else ""
        if existing is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(existing)
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._with_implied_choices(self.data)
        choices = [(GIVE_DATE, "Enter my date of birth")]
        if self.kept_band:
            choices.append((KEEP, f"Keep my answer: {AgeBand(self.kept_band).label}"))
        choices.append((PREFER_NOT_TO_SAY, "Prefer not to say"))
        self.fields["age_answer"].choices = choices
        # Each group's detailed question, shown under its group; only the chosen group's is read.
        for group, details in ETHNICITY_DETAILS.items():
            self.fields[detail_field_name(group)] = _radio(
                f"Which of the following best describes your {_group_label(group)} background?",
                [*details, (PREFER_NOT_TO_SAY, "Prefer not to say")],
                detail_required_message(group),
            )
            self.fields[detail_field_name(group)].required = False
        # Fields in page order, so that the error summary lists problems in the order of the page.
        order = ["gender", "age_answer", *date_part_names(DATE_OF_BIRTH.name), "ethnic_group"]
        order += [detail_field_name(group) for group in ETHNICITY_DETAILS]
        order += ["nationality", "disability"]
        self.order_fields(order)

    @staticmethod
    def _with_implied_choices(data):
        """The nested questions are always shown, so an answer to one implies the choice above it: a
        date typed means 'Enter my date of birth'; a background chosen in one group only means that
        group. A choice made explicitly is never overridden."""
        data = data.copy()
        if not data.get("age_answer") and any(
            data.get(part, "").strip() for part in date_part_names(DATE_OF_BIRTH.name)
        ):
            data["age_answer"] = GIVE_DATE
        if not data.get("ethnic_group"):
            answered = [group for group in ETHNICITY_DETAILS if data.get(detail_field_name(group))]
            if len(answered) == 1:
                data["ethnic_group"] = answered[0]
        return data

    def _initial_from(self, existing: EqualityMonitoring) -> dict:
        initial = {
            "gender": existing.gender,
            "ethnic_group": existing.ethnic_group,
            "nationality": existing.nationality,
            "disability": existing.disability,
        }
        if existing.age_band == PREFER_NOT_TO_SAY:
            initial["age_answer"] = PREFER_NOT_TO_SAY
        elif self.kept_band:
            initial["age_answer"] = KEEP
        if existing.ethnic_group in ETHNICITY_DETAILS and existing.ethnicity_detail:
            initial[detail_field_name(existing.ethnic_group)] = existing.ethnicity_detail
        return initial

    # Validation -----------------------------------------------------------------------------------

    def date_is_asked(self, spec: DateInput, cleaned: dict) -> bool:
        return cleaned.get("age_answer") == GIVE_DATE

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("age_answer") == GIVE_DATE:
            cleaned["date_of_birth"] = self._check_date_of_birth(cleaned.get(DATE_OF_BIRTH.name))
        group = cleaned.get("ethnic_group")
        if group in ETHNICITY_DETAILS:
            name = detail_field_name(group)
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, detail_required_message(group))
            cleaned["ethnicity_detail"] = cleaned.get(name) or ""
        else:
            cleaned["ethnicity_detail"] = ""
        return cleaned

    def _check_date_of_birth(self, date_of_birth: datetime.date | None) -> datetime.date | None:
        """A real date (checked by the date input) that can be someone's on the programme."""
        if date_of_birth is None:
            return None
        latest = latest_date_of_birth(self.start_date)
        if date_of_birth >= clock.today():
            self.add_date_error(DATE_OF_BIRTH.name, "Date of birth must be in the past")
            return None
        if date_of_birth > latest:
            self.add_date_error(DATE_OF_BIRTH.name, f"Date of birth must be on or before {latest:%-d %B %Y}")
            return None
        if date_of_birth.year < EARLIEST_BIRTH_YEAR:
            self.add_date_error(
                DATE_OF_BIRTH.name,
                f"Date of birth must be after 31 December {EARLIEST_BIRTH_YEAR - 1}",
                ("year",),
            )
            return None
        return date_of_birth

    # What the template needs -------------------------------------------------------------------------

    def _options(self, name: str) -> list[dict]:
        bound = self[name]
        value = bound.value()
        options = []
        for index, (choice, label) in enumerate(self.fields[name].choices):
            options.append(
                {
                    "id": bound.auto_id if index == 0 else f"{bound.auto_id}-{index}",
                    "value": choice,
                    "label": label,
                    "checked": value is not None and str(value) == str(choice),
                }
            )
        return options

    def age_options(self) -> list[dict]:
        return self._options("age_answer")

    def ethnicity_options(self) -> list[dict]:
        options = self._options("ethnic_group")
        for option in options:
            if option["value"] in ETHNICITY_DETAILS:
                name = detail_field_name(option["value"])
                option["detail"] = {"field": self[name], "options": self._options(name)}
        return options
