"""QA review meetings: national staff schedule one; the co-ordinator prepares and sends the pre-meeting
questionnaire, the latest 360 report and the action plan before it; national staff read them and record
the notes and agreed actions; reminders before the deadline."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assurance.models import MeetingSubmission, ReviewMeeting
from assurance.reminders import submission_reminders
from asye.notifications.models import Notification
from asye.tenancy.db import tenant_context
from tests.assurance.helpers import load_meeting_questionnaire, meeting_with
from tests.today import TODAY

pytestmark = pytest.mark.django_db


def test_national_staff_schedule_a_meeting_and_the_coordinator_is_told(
    client, login, national_staff, employer_a, unscoped
):
    load_meeting_questionnaire()
    login(national_staff)
    assert client.get("/national/assurance/meetings/new/").status_code == 200
    when = TODAY + datetime.timedelta(days=40)
    due = TODAY + datetime.timedelta(days=20)
    data = {
        "employer": employer_a.employer.pk,
        "meeting_on_day": when.day,
        "meeting_on_month": when.month,
        "meeting_on_year": when.year,
        "submissions_due_on_day": due.day,
        "submissions_due_on_month": due.month,
        "submissions_due_on_year": due.year,
        "attendees": "ASYE lead",
        "arrangements": "Online",
    }
    late = client.post(
        "/national/assurance/meetings/new/", {**data, "submissions_due_on_year": when.year + 1}
    )
    assert "The submission deadline must be between today and the meeting date" in late.content.decode()
    assert client.post("/national/assurance/meetings/new/", data).status_code == 302
    with unscoped():
        meeting = ReviewMeeting.objects.get()
        assert (
            meeting.employer_id == employer_a.employer.pk
            and MeetingSubmission.objects.filter(meeting=meeting).exists()
        )
        assert Notification.objects.filter(
            person=employer_a.coordinator, kind="assurance.meeting_scheduled"
        ).exists()


def test_the_coordinator_prepares_and_sends_the_submission(
    client, login, employer_a, employer_b, national_staff, unscoped, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    meeting = meeting_with(employer_a)
    login(employer_a.coordinator)
    assert client.get("/assurance/meetings/").status_code == 200
    assert client.get(f"/assurance/meetings/{meeting.pk}/").status_code == 200
    # Sending an empty submission is refused with the reasons.
    refused = client.post(f"/assurance/meetings/{meeting.pk}/send/").content.decode()
    assert "Upload your latest 360-degree evaluation report" in refused and "There is a problem" in refused
    questions = list(meeting.questionnaire.questions.order_by("position"))
    data = {f"q{q.pk}": f"Our answer to {q.position}" for q in questions}
    data.update(version=1, action_plan="1. Buddy every NQSW from day one.")
    bad = dict(data, report_file=SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf"))
    page = client.post(f"/assurance/meetings/{meeting.pk}/submission/", bad)
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    good = dict(data, report_file=SimpleUploadedFile("360-report.txt", b"Our 360 report: 3.9 average\n"))
    assert client.post(f"/assurance/meetings/{meeting.pk}/submission/", good).status_code == 302
    assert client.post(f"/assurance/meetings/{meeting.pk}/send/").status_code == 302
    with unscoped():
        submission = MeetingSubmission.objects.get(meeting=meeting)
        assert submission.submitted_at and submission.report_name == "360-report.txt"
        assert submission.report_file.startswith(f"employers/{employer_a.employer.pk}/")
    download = client.get(f"/assurance/meetings/{meeting.pk}/files/report/")
    assert b"".join(download.streaming_content) == b"Our 360 report: 3.9 average\n"
    assert download["Content-Disposition"].startswith("attachment")
    # Sent: no more changes.
    client.post(f"/assurance/meetings/{meeting.pk}/submission/", dict(data, version=3, action_plan="changed"))
    with unscoped():
        assert (
            MeetingSubmission.objects.get(meeting=meeting).action_plan == "1. Buddy every NQSW from day one."
        )
    # Another employer sees none of it.
    login(employer_b.coordinator)
    assert client.get(f"/assurance/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/assurance/meetings/{meeting.pk}/files/report/").status_code == 404
    # National staff read it and record the outcome.
    login(national_staff)
    page = client.get(f"/national/assurance/meetings/{meeting.pk}/").content.decode()
    assert "Our answer to 1" in page and "360-report.txt" in page
    national_download = client.get(f"/national/assurance/meetings/{meeting.pk}/files/report/")
    assert national_download.status_code == 200
    held_too_soon = client.post(
        f"/national/assurance/meetings/{meeting.pk}/", {"version": 1, "status": "held", "notes": "x"}
    )
    assert "A meeting cannot be held before its date" in held_too_soon.content.decode()
    saved = client.post(
        f"/national/assurance/meetings/{meeting.pk}/",
        {
            "version": 1,
            "status": "scheduled",
            "notes": "Internal only",
            "agreed_actions": "Run a peer network",
        },
    )
    assert saved.status_code == 302
    login(employer_a.coordinator)
    page = client.get(f"/assurance/meetings/{meeting.pk}/").content.decode()
    assert "Run a peer network" in page and "Internal only" not in page


def test_reminders_before_the_deadline_until_it_is_sent(employer_a):
    meeting = meeting_with(employer_a, due_in_days=14)
    with tenant_context(employer_a.employer.pk):
        due = list(submission_reminders(employer_id=employer_a.employer.pk, today=TODAY))
        assert [(d.person, d.kind) for d in due] == [(employer_a.coordinator, "review_meeting.submission_14")]
        three = list(
            submission_reminders(
                employer_id=employer_a.employer.pk, today=TODAY + datetime.timedelta(days=12)
            )
        )
        assert [d.kind for d in three] == ["review_meeting.submission_3"]
        assert (
            list(
                submission_reminders(
                    employer_id=employer_a.employer.pk, today=TODAY + datetime.timedelta(days=15)
                )
            )
            == []
        )
        MeetingSubmission.objects.filter(meeting=meeting).update(submitted_at=meeting.created_at)
        assert list(submission_reminders(employer_id=employer_a.employer.pk, today=TODAY)) == []
