"""Forms of assurance: the NQSW's confidential message, national staff's actions and what they raise with
the employer, the employer's acknowledgement, a QA review meeting's schedule, submission and outcome."""

from __future__ import annotations

from django import forms

from assurance.models import ConcernStatus, ConcernTopic, MeetingStatus
from asye.tenancy.models import Employer
from asye.web.dates import DateInputsMixin, subject_date_input
from asye.web.form_fields import text_field
from asye.web.forms import choice_field


def _date(name, legend, subject, hint="For example, 27 3 2027"):
    return subject_date_input(name, legend, subject, hint=hint)


class ConcernForm(forms.Form):
    topic = choice_field(
        "What is it about?", required="Select what it is about", choices=ConcernTopic.choices
    )
    details = forms.CharField(
        label="Tell us what is happening",
        help_text=(
            "Include what you have tried already, if anything. Only the national ASYE team will read this."
        ),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter what is happening",
            "max_length": "Use 10,000 characters or fewer",
        },
    )
    may_contact = choice_field(
        "May the national team email you about it?",
        required="Select yes if the national team may email you",
        choices=[("yes", "Yes"), ("no", "No")],
    )


class ConcernActionForm(DateInputsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    date_inputs = (
        _date("taken_on", "When was this done?", "The date of the action", hint="For example, 3 12 2026"),
    )
    description = text_field(
        "What was done", subject="What was done", limit=5000, rows=4, required="Enter what was done"
    )
    shared_with_nqsw = forms.BooleanField(
        label="Show this action to the NQSW",
        required=False,
        help_text="Write it for them: they will see the words above, not who recorded it.",
    )
    status = choice_field("Status", required="Select the status", choices=ConcernStatus.choices)
    field_order_after_dates = ("version", "description", "shared_with_nqsw", "status")


class RaiseForm(DateInputsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    raised_with = forms.CharField(
        label="Who did you raise it with?",
        help_text="For example, the principal social worker.",
        max_length=200,
        error_messages={"required": "Enter who you raised it with"},
    )
    date_inputs = (
        _date("raised_on", "When did you raise it?", "The date you raised it", hint="For example, 3 12 2026"),
    )
    summary = text_field(
        "What the employer will see",
        subject="What the employer will see",
        hint=(
            "Only these words are shown to the employer's co-ordinators. "
            "Do not name the NQSW unless they agreed."
        ),
        limit=5000,
        rows=5,
        required="Enter what you are sharing with the employer",
    )
    field_order_after_dates = ("version", "raised_with", "summary")


class AcknowledgeForm(forms.Form):
    response = text_field(
        "What is your organisation doing about it?",
        subject="Your response",
        limit=5000,
        rows=5,
        required="Enter what your organisation is doing about it",
    )


class MeetingScheduleForm(DateInputsMixin, forms.Form):
    employer = forms.ModelChoiceField(
        label="Employer",
        queryset=Employer.objects.order_by("name"),
        empty_label="Choose an employer",
        error_messages={"required": "Select the employer", "invalid_choice": "Select the employer"},
    )
    date_inputs = (
        _date("meeting_on", "Date of the meeting", "The meeting date"),
        _date("submissions_due_on", "Submissions due by", "The submission deadline"),
    )
    attendees = text_field(
        "Who is invited",
        subject="Who is invited",
        hint="One a line: for example, the ASYE lead, two assessors, three NQSWs, a peer reviewer.",
        limit=2000,
        rows=4,
        required="Enter who is invited",
    )
    arrangements = forms.CharField(
        label="Where, or how to join",
        max_length=300,
        error_messages={"required": "Enter where the meeting is, or how to join it"},
    )
    themes = text_field("Themes to explore (optional)", subject="The themes", limit=3000, rows=3)
    field_order_after_dates = ("employer",)


class MeetingOutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = choice_field("Status", required="Select the meeting's status", choices=MeetingStatus.choices)
    notes = text_field("Notes (national team only)", subject="The notes", limit=20000, rows=6)
    agreed_actions = text_field(
        "Actions agreed with the employer",
        subject="The actions agreed",
        hint="The employer's co-ordinators see these.",
        limit=10000,
        rows=5,
    )


class SubmissionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    action_plan = text_field(
        "Your action plan",
        subject="Your action plan",
        hint="Write it here, or upload it below (or both).",
        limit=20000,
        rows=6,
    )
    report_file = forms.FileField(
        label="Upload your latest 360-degree evaluation report",
        required=False,
        help_text="PDF, Word or text. Uploading a file replaces the one uploaded before.",
    )
    plan_file = forms.FileField(
        label="Upload your action plan (optional)", required=False, help_text="PDF, Word or text."
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = text_field(
                f"{question.position}. {question.text}",
                subject="Your answer",
                hint=question.hint,
                limit=10000,
                rows=4,
            )

    def question_fields(self):
        return [self[f"q{question.pk}"] for question in self.questions]

    def answers(self) -> dict[str, str]:
        return {
            str(question.pk): self.cleaned_data.get(f"q{question.pk}", "").strip()
            for question in self.questions
        }
