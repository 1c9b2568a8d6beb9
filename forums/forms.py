"""The forums' forms: joining GEMS or a course, confirming a place or a cancellation, answering a poll,
and the organisers' session, attendance, material and poll forms. GOV.UK messages throughout."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django import forms

from asye.tenancy.models import ServiceArea
from asye.web.dates import DateInput, DateInputsMixin, date_part_names
from asye.web.form_fields import text_field, whole_number_field
from asye.web.forms import FilterForm, choice_field
from forums.models import ForumKind, PollQuestion, QuestionKind
from forums.services import SELF_IDENTIFY_MISSING

UK = zoneinfo.ZoneInfo("Europe/London")
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


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


def _answer_choices(question: PollQuestion) -> tuple[list[tuple[str, str]], str]:
    """A question answered from a list: its choices and the message for an answer not among them."""
    if question.kind == QuestionKind.RATING:
        return [(str(n), _rating_label(n)) for n in range(5, 0, -1)], "Select a rating from 1 to 5"
    if question.kind == QuestionKind.YES_NO:
        return [("yes", "Yes"), ("no", "No")], "Select yes or no"
    return [(o, o) for o in question.options], "Select one of the options"


def poll_answer_form(questions: list[PollQuestion], data=None) -> forms.Form:
    """A form with one optional field per question, named ``q<id>``."""
    form = forms.Form(data)
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.FREE_TEXT:
            form.fields[name] = text_field(question.text, subject="Your answer", limit=5000, rows=4)
        else:
            choices, not_listed = _answer_choices(question)
            form.fields[name] = forms.ChoiceField(
                label=question.text,
                required=False,
                widget=forms.RadioSelect,
                choices=choices,
                error_messages={"invalid_choice": not_listed},
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
        *date_part_names("day"),
        "start_time",
        "duration_minutes",
        "capacity",
        "joining_details",
    )
    topic = text_field("Topic", required="Enter the topic", subject="The topic", limit=200)
    speaker = text_field("Speaker (optional)", subject="The speaker", limit=200)
    start_time = forms.CharField(
        label="Start time",
        help_text="UK time, 24-hour clock, for example 10:00 or 14:30",
        max_length=5,
        error_messages={"required": "Enter the start time", "max_length": "Enter the start time like 10:00"},
    )
    duration_minutes = whole_number_field(
        "Length in minutes (optional)",
        hint="Leave empty for the forum's usual length (two hours for the national forums)",
        low=15,
        high=480,
        invalid="The length must be a whole number of minutes",
        too_small="The length must be at least 15 minutes",
        too_big="The length must be 480 minutes or less",
    )
    capacity = whole_number_field(
        "Places (optional)",
        hint="Leave empty for no limit. When the places are taken, people join a waiting list.",
        low=1,
        high=5000,
        invalid="The number of places must be a whole number",
        too_small="The number of places must be at least 1",
        too_big="The number of places must be 5000 or fewer",
    )
    joining_details = text_field(
        "Online joining details",
        hint="The meeting link and any passcode. Shown only to people with a place.",
        rows=3,
        required="Enter the online joining details",
        subject="The joining details",
        limit=2000,
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
    title = text_field("Title", required="Enter a title", subject="The title", limit=200)
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
    title = text_field("Title of the poll", required="Enter a title", subject="The title", limit=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, QUESTION_SLOTS + 1):
            self.fields[f"text_{n}"] = text_field(
                f"Question {n}" + ("" if n == 1 else " (optional)"),
                required="Enter the first question" if n == 1 else "",
                subject="A question",
                limit=400,
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

    name = text_field("Name", required="Enter the name", subject="The name", limit=200)
    kind = forms.ChoiceField(
        label="What kind is it?",
        choices=ForumKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind it is", "invalid_choice": "Select what kind it is"},
    )
    summary = text_field(
        "Summary",
        hint="What it is for and how it works: shown to the people it is for",
        rows=4,
        required="Enter a summary",
        subject="The summary",
        limit=2000,
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
    cohort_places = whole_number_field(
        "Places on the cohort (courses and action learning sets only)",
        low=1,
        high=500,
        invalid="Enter the number of places as a whole number, like 12",
        too_small="The cohort must have at least 1 place",
        too_big="The cohort can have at most 500 places",
    )
    default_duration_minutes = whole_number_field(
        "Usual length of a session in minutes",
        initial=120,
        low=15,
        high=480,
        required="Enter the usual length of a session",
        invalid="Enter the length in minutes as a whole number, like 120",
        too_small="A session must last at least 15 minutes",
        too_big="A session can last at most 480 minutes (8 hours)",
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


class CohortSearchForm(FilterForm):
    """The organisers' search for people to enrol on a cohort (a GET form)."""

    q = forms.CharField(
        label="Search by name or email address",
        help_text="At least 2 characters",
        required=False,
        max_length=200,
    )


class CohortEnrolForm(forms.Form):
    """Enrol one of the people found: a place, or a place on the waiting list when the cohort is full."""

    q = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    # Set by the button "Add to the waiting list".
    waiting_list = forms.BooleanField(required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = choice_field(
            "Who do you want to enrol?",
            required="Select a person from the search results",
            field=forms.TypedChoiceField,
            coerce=int,
            choices=[(str(c.pk), f"{c.name}, {c.email}: {c.employers}") for c in candidates],
        )
