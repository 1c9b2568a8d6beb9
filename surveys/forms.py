"""Forms of the surveys: a round's year and dates (national staff), and a questionnaire's answers."""

from __future__ import annotations

from django import forms

from asye.web.dates import DateInput, DateInputsMixin, subject_date_input
from asye.web.form_fields import numeric_box, whole_number_field
from asye.web.forms import choice_field
from surveys.models import Question, QuestionKind


def _date(name: str, legend: str, subject: str) -> DateInput:
    return subject_date_input(name, legend, subject, hint="For example, 7 2 2027")


class RoundDatesForm(DateInputsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date_inputs = (
        _date("invite_on", "When are the invitations sent?", "The invitation date"),
        _date("reminder_1_on", "When is the first reminder sent?", "The first reminder's date"),
        _date("reminder_2_on", "When is the second reminder sent?", "The second reminder's date"),
        _date("closes_on", "What is the last day to answer?", "The closing date"),
    )


class RoundCreateForm(RoundDatesForm):
    year = whole_number_field(
        "Year of the surveys",
        low=2020,
        high=2100,
        required="Enter the year of the surveys",
        invalid="The year must be a number, like 2027",
        too_small="The year must be 2020 or later",
        too_big="The year must be 2100 or earlier",
        widget=numeric_box(4),
        hint=(
            "The invitation, reminder and closing dates below follow the usual pattern "
            "for the year you enter."
        ),
    )
    field_order_after_dates = ("year",)


class AnswerForm(forms.Form):
    """One field per question, named ``q<id>``: radios for a scale or a choice, a text area for free text."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.TEXT:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=5000,
                    help_text=question.hint
                    or "Optional. Do not include names or anything that could identify you or anyone else.",
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            else:
                self.fields[name] = choice_field(
                    question.text,
                    required="Select an answer",
                    choices=[(c, c) for c in question.all_choices],
                    help_text=question.hint,
                )
                self.fields[name].required = question.required

    def sections(self):
        """The fields grouped under their questions' section headings, in order."""
        groups: list[tuple[str, list]] = []
        for question in self.questions:
            if not groups or groups[-1][0] != question.section:
                groups.append((question.section, []))
            groups[-1][1].append(self[f"q{question.pk}"])
        return groups
