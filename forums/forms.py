"""The forums' forms: joining GEMS or a course, confirming a place or a cancellation, answering a poll,
and the organisers' session, attendance, material and poll forms. GOV.UK messages throughout."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django import forms

from asye.tenancy.models import ServiceArea
from asye.web.dates import DateInput, DateInputsMixin
from forums.models import ForumKind, PollQuestion, QuestionKind
from forums.services import SELF_IDENTIFY_MISSING

UK = zoneinfo.ZoneInfo("Europe/London")
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def posted(request):
    """The form's data on a POST (even an empty one: a button's form has no fields), else None."""
    return request.POST if request.method == "POST" else None


class ConfirmForm(forms.Form):
    """A button: booking a place, cancelling one, leaving a course."""


class JoinForm(forms.Form):
    def __init__(self, *args, self_identified: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self_identified:
            self.fields["self_identified"] = forms.BooleanField(
                label="I identify as Black, Asian or from an ethnic minoritised group or community",
                help_text="GEMS is open only to NQSWs who say so themselves. We never work it out from "
                "anything else you have told us, and only you and the forum's organisers can see "
                "that you joined.",
                error_messages={"required": SELF_IDENTIFY_MISSING},
            )


def poll_answer_form(questions: list[PollQuestion], data=None) -> forms.Form:
    """A form with one optional field per question, named ``q<id>``."""
    form = forms.Form(data)
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.RATING:
            form.fields[name] = forms.ChoiceField(
                label=question.text,
                required=False,
                widget=forms.RadioSelect,
                choices=[(str(n), _rating_label(n)) for n in range(5, 0, -1)],
                error_messages={"invalid_choice": "Select a rating from 1 to 5"},
            )
        elif question.kind == QuestionKind.YES_NO:
            form.fields[name] = forms.ChoiceField(
                label=question.text,
                required=False,
                widget=forms.RadioSelect,
                choices=[("yes", "Yes"), ("no", "No")],
                error_messages={"invalid_choice": "Select yes or no"},
            )
        elif question.kind == QuestionKind.CHOICE:
            form.fields[name] = forms.ChoiceField(
                label=question.text,
                required=False,
                widget=forms.RadioSelect,
                choices=[(o, o) for o in question.options],
                error_messages={"invalid_choice": "Select one of the options"},
            )
        else:
            form.fields[name] = forms.CharField(
                label=question.text,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"max_length": "Your answer must be 5000 characters or fewer"},
            )
    return form


def _rating_label(n: int) -> str:
    return {5: "5 (most)", 1: "1 (least)"}.get(n, str(n))


class SessionForm(DateInputsMixin, forms.Form):
    date_inputs = (
        DateInput(
            name="day",
            legend="Date",
            subject="The date",
            required_message="Enter the date of the session",
            hint="For example, 9 3 2027",
            legend_size="s",
        ),
    )
    field_order_after_dates = (
        "topic",
        "speaker",
        "day_day",
        "day_month",
        "day_year",
        "start_time",
        "duration_minutes",
        "capacity",
        "joining_details",
    )
    topic = forms.CharField(
        label="Topic",
        max_length=200,
        error_messages={
            "required": "Enter the topic",
            "max_length": "The topic must be 200 characters or fewer",
        },
    )
    speaker = forms.CharField(
        label="Speaker (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The speaker must be 200 characters or fewer"},
    )
    start_time = forms.CharField(
        label="Start time",
        help_text="UK time, 24-hour clock, for example 10:00 or 14:30",
        max_length=5,
        error_messages={"required": "Enter the start time", "max_length": "Enter the start time like 10:00"},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes (optional)",
        help_text="Leave empty for the forum's usual length (two hours for the national forums)",
        required=False,
        min_value=15,
        max_value=480,
        error_messages={
            "invalid": "The length must be a whole number of minutes",
            "min_value": "The length must be at least 15 minutes",
            "max_value": "The length must be 480 minutes or less",
        },
    )
    capacity = forms.IntegerField(
        label="Places (optional)",
        help_text="Leave empty for no limit. When the places are taken, people join a waiting list.",
        required=False,
        min_value=1,
        max_value=5000,
        error_messages={
            "invalid": "The number of places must be a whole number",
            "min_value": "The number of places must be at least 1",
            "max_value": "The number of places must be 5000 or fewer",
        },
    )
    joining_details = forms.CharField(
        label="Online joining details",
        help_text="The meeting link and any passcode. Shown only to people with a place.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "Enter the online joining details",
            "max_length": "The joining details must be 2000 characters or fewer",
        },
    )

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("start_time") or ""
        if raw:
            match = TIME_PATTERN.match(raw)
            hour, minute = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
            if hour > 23 or minute > 59:
                self.add_error("start_time", "Enter the start time like 10:00")
            elif cleaned.get("day"):
                cleaned["starts_at"] = datetime.datetime.combine(
                    cleaned["day"], datetime.time(hour, minute), UK
                )
        return cleaned


class AttendanceForm(forms.Form):
    def __init__(self, *args, signups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"] = forms.MultipleChoiceField(
            label="Who attended?",
            help_text="Select everyone who attended. Everyone else with a place is recorded as absent.",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(str(s.pk), f"{s.person} ({s.employer or 'no employer'})") for s in signups],
            error_messages={"invalid_choice": "Select people from the list"},
        )


class MaterialForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    url = forms.URLField(
        label="Link (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a link like https://www.example.org/slides"},
    )
    file = forms.FileField(
        label="Or upload a file (optional)",
        help_text="A PDF, Word document, image or text file, smaller than 20MB",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("url")) == bool(cleaned.get("file")):
            self.add_error("url", "Give a link or choose a file (not both)")
        return cleaned


QUESTION_SLOTS = 5


class PollForm(forms.Form):
    title = forms.CharField(
        label="Title of the poll",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, QUESTION_SLOTS + 1):
            self.fields[f"text_{n}"] = forms.CharField(
                label=f"Question {n}" + ("" if n == 1 else " (optional)"),
                required=n == 1,
                max_length=400,
                error_messages={
                    "required": "Enter the first question",
                    "max_length": "A question must be 400 characters or fewer",
                },
            )
            self.fields[f"kind_{n}"] = forms.ChoiceField(
                label=f"How question {n} is answered",
                choices=QuestionKind.choices,
                initial=QuestionKind.RATING,
                required=False,
                error_messages={"invalid_choice": "Select how the question is answered"},
            )
            self.fields[f"options_{n}"] = forms.CharField(
                label=f"Options for question {n}, if answered from a list (optional)",
                help_text="One option a line",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def slots(self):
        return [
            (self[f"text_{n}"], self[f"kind_{n}"], self[f"options_{n}"]) for n in range(1, QUESTION_SLOTS + 1)
        ]

    def questions(self) -> list[dict]:
        data = self.cleaned_data
        found = []
        for n in range(1, QUESTION_SLOTS + 1):
            text = (data.get(f"text_{n}") or "").strip()
            if text:
                options = [
                    line.strip() for line in (data.get(f"options_{n}") or "").splitlines() if line.strip()
                ]
                found.append(
                    {"text": text, "kind": data.get(f"kind_{n}") or QuestionKind.RATING, "options": options}
                )
        return found


AUDIENCES = [
    ("for_nqsws", "Newly qualified social workers"),
    ("for_assessors", "Assessors"),
    ("for_coordinators", "ASYE co-ordinators"),
]


class ForumForm(forms.Form):
    """A forum, drop-in, course or action learning set (the organisers' own page, not the admin site)."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What kind is it?",
        choices=ForumKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind it is", "invalid_choice": "Select what kind it is"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="What it is for and how it works: shown to the people it is for",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": "Enter a summary",
            "max_length": "The summary must be 2000 characters or fewer",
        },
    )
    audience = forms.MultipleChoiceField(
        label="Who is it for?",
        choices=AUDIENCES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select who it is for", "invalid_choice": "Select who it is for"},
    )
    service_area = forms.ChoiceField(
        label="Service area",
        help_text="For NQSWs: which programme's NQSWs are invited",
        choices=[("", "Both child and family and adults"), *ServiceArea.choices],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select a service area"},
    )
    cohort_places = forms.IntegerField(
        label="Places on the cohort (courses and action learning sets only)",
        required=False,
        min_value=1,
        max_value=500,
        error_messages={
            "invalid": "Enter the number of places as a whole number, like 12",
            "min_value": "The cohort must have at least 1 place",
            "max_value": "The cohort can have at most 500 places",
        },
    )
    default_duration_minutes = forms.IntegerField(
        label="Usual length of a session in minutes",
        initial=120,
        min_value=15,
        max_value=480,
        error_messages={
            "required": "Enter the usual length of a session",
            "invalid": "Enter the length in minutes as a whole number, like 120",
            "min_value": "A session must last at least 15 minutes",
            "max_value": "A session can last at most 480 minutes (8 hours)",
        },
    )

    @classmethod
    def initial_for(cls, forum) -> dict:
        return {
            "name": forum.name,
            "kind": forum.kind,
            "summary": forum.summary,
            "audience": [flag for flag, _label in AUDIENCES if getattr(forum, flag)],
            "service_area": forum.service_area,
            "cohort_places": forum.cohort_places,
            "default_duration_minutes": forum.default_duration_minutes,
        }
