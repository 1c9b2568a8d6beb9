"""The 360 evaluation's forms: opening a cycle, closing it, the ratings (the self-assessment's and a
respondent's: one question a statement, 1 to 5 or "don't know") and inviting respondents."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from asye.web.dates import DateInput, DateInputsMixin
from asye.web.forms import choice_field
from evaluations.models import INVITED_TYPES
from evaluations.services import DONT_KNOW, parse_addresses

SCALE = [
    ("1", "1: Significant development needed"),
    ("2", "2: Development needed"),
    ("3", "3: Working well"),
    ("4", "4: Strength"),
    ("5", "5: Exceptional strength"),
    (DONT_KNOW, "Don't know"),
]


class CycleOpenForm(DateInputsMixin, forms.Form):
    date_inputs = (
        DateInput(
            name="closes_on",
            legend="When should the evaluation close?",
            subject="The closing date",
            required_message="Enter the date the evaluation closes",
            hint="Respondents can answer until the end of this day. For example, 31 1 2027",
            page_heading=True,
        ),
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def statement_field_name(number: int) -> str:
    return f"statement_{number}"


class RatingsForm(forms.Form):
    """One question a statement. ``statements``: [(number, text)]; ``version`` for the self-assessment."""

    def __init__(self, *args, statements: list[tuple[int, str]], versioned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.numbers = [number for number, _ in statements]
        for number, text in statements:
            self.fields[statement_field_name(number)] = choice_field(
                f"{number}. {text}",
                required=f"Select a rating for statement {number}, or “Don't know”",
                choices=SCALE,
            )
        if versioned:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def answers(self) -> dict[int, str]:
        return {number: self.cleaned_data[statement_field_name(number)] for number in self.numbers}


class InviteForm(forms.Form):
    people = forms.MultipleChoiceField(
        label="People on the platform",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Each gets their own link by email.",
        error_messages={"invalid_choice": "Select people from the list"},
    )
    emails = forms.CharField(
        label="Other email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text="For people who are not on the platform, such as other professionals. One address a line.",
        max_length=20_000,
        error_messages={"max_length": "Enter fewer email addresses at a time"},
    )
    email_type = choice_field(
        "Who are the people you entered?",
        required="Select who the people you entered are",
        choices=INVITED_TYPES,
    )

    def __init__(self, *args, people: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = people
        self.fields["email_type"].required = False

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["email_list"] = parse_addresses(cleaned.get("emails") or "")
        except ValidationError as error:
            self.add_error("emails", error.message_dict["emails"])
            return cleaned
        if cleaned["email_list"] and not cleaned.get("email_type"):
            self.add_error("email_type", "Select who the people you entered are")
        if not cleaned["email_list"] and not cleaned.get("people") and "people" not in self.errors:
            self.add_error("people", "Select someone to invite or enter an email address")
        return cleaned

    def picked(self) -> list[tuple[str, int]]:
        pairs = []
        for value in self.cleaned_data.get("people") or []:
            kind, _, pk = value.partition(":")
            pairs.append((kind, int(pk)))
        return pairs
