"""Writes of QA review meetings: national staff schedule one with an employer and record its notes and
agreed actions; the employer's co-ordinator prepares and submits the pre-meeting questionnaire, its
latest 360 report and its action plan before the deadline. Files go through the safe upload path
(``portfolios.uploads``: type by content, size limit, virus scan, server-made names)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from assurance.models import MeetingQuestionnaire, MeetingStatus, MeetingSubmission, ReviewMeeting
from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, audited_create, changed_fields
from asye.errors import Conflict
from asye.notifications.reminders import people_with_role
from asye.notifications.services import notify
from asye.records import versioned_update
from asye.tenancy.models import Employer
from portfolios.uploads import store_upload, verify_upload

STALE = "This meeting was changed by someone else. Check it and try again."


@transaction.atomic
def meeting_schedule(
    *,
    actor: Actor,
    employer: Employer,
    meeting_on: datetime.date,
    submissions_due_on: datetime.date,
    attendees: str,
    arrangements: str,
    themes: str,
) -> ReviewMeeting:
    """A QA review meeting with ``employer`` (national scope); its co-ordinators are told."""
    actor.require(Role.NATIONAL_STAFF)
    today = clock.today()
    if meeting_on <= today:
        raise ValidationError({"meeting_on": "The meeting date must be in the future"})
    if not today <= submissions_due_on <= meeting_on:
        raise ValidationError(
            {"submissions_due_on": "The submission deadline must be between today and the meeting date"}
        )
    questionnaire = MeetingQuestionnaire.objects.order_by("-version").first()
    if questionnaire is None:
        raise ValidationError("There is no pre-meeting questionnaire")
    now = clock.now()
    meeting = audited_create(
        ReviewMeeting,
        actor=actor,
        action="review_meeting.scheduled",
        changes={"meeting_on": [None, meeting_on.isoformat()]},
        employer=employer,
        meeting_on=meeting_on,
        submissions_due_on=submissions_due_on,
        attendees=attendees.strip(),
        arrangements=arrangements.strip(),
        themes=themes.strip(),
        questionnaire=questionnaire,
        created_by=actor.user,
        created_at=now,
        updated_at=now,
    )
    MeetingSubmission.objects.create(employer=employer, meeting=meeting, updated_at=now)
    for person in people_with_role(employer.pk, Role.COORDINATOR):
        notify(
            person=person,
            employer_id=employer.pk,
            kind="assurance.meeting_scheduled",
            message=(
                f"The national ASYE team has arranged a QA review meeting on {meeting_on:%-d %B %Y}: "
                f"send your submission by {submissions_due_on:%-d %B %Y}"
            ),
            link=reverse("assurance:meeting", kwargs={"pk": meeting.pk}),
        )
    return meeting


@transaction.atomic
def meeting_record_outcome(
    *, actor: Actor, meeting: ReviewMeeting, version: int, status: str, notes: str, agreed_actions: str
) -> ReviewMeeting:
    """National staff's notes and the actions agreed with the employer (the employer sees the actions)."""
    actor.require(Role.NATIONAL_STAFF)
    if status not in MeetingStatus.values:
        raise ValidationError({"status": "Select the meeting's status"})
    if status == MeetingStatus.HELD and meeting.meeting_on > clock.today():
        raise ValidationError({"status": "A meeting cannot be held before its date"})
    before = {"status": meeting.status, "notes": meeting.notes, "agreed_actions": meeting.agreed_actions}
    after = {"status": status, "notes": notes.strip(), "agreed_actions": agreed_actions.strip()}
    meeting = versioned_update(meeting, version, STALE, **after)
    audit_record(
        actor=actor,
        action="review_meeting.outcome_recorded",
        obj=meeting,
        changes=changed_fields(before, after),
    )
    return meeting


def _store(upload, *, employer_id: int) -> tuple[str, str]:
    verified = verify_upload(upload)
    return store_upload(upload, employer_id=employer_id), verified.original_name


@transaction.atomic
def submission_save(
    *,
    actor: Actor,
    submission: MeetingSubmission,
    version: int,
    answers: dict[str, str],
    action_plan: str,
    report_upload=None,
    plan_upload=None,
) -> MeetingSubmission:
    """Save the co-ordinator's draft (answers, action plan, files); refused once submitted."""
    actor.require(Role.COORDINATOR, employer=submission.employer_id)
    if submission.submitted_at:
        raise ValidationError("This submission has been sent: it cannot be changed")
    changes: dict = {"answers": answers, "action_plan": action_plan.strip()}
    errors = {}
    for name, upload, file_field, name_field in (
        ("report_file", report_upload, "report_file", "report_name"),
        ("plan_file", plan_upload, "plan_file", "plan_name"),
    ):
        if upload is None:
            continue
        try:
            changes[file_field], changes[name_field] = _store(upload, employer_id=submission.employer_id)
        except ValidationError as error:
            errors[name] = error.message_dict.get("file", error.messages)
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(submission, name) for name in changes}
    submission = versioned_update(submission, version, STALE, **changes)
    audit_record(
        actor=actor,
        action="meeting_submission.saved",
        obj=submission,
        changes={name: ["…", "…"] for name in changed_fields(before, changes)},
    )
    return submission


@transaction.atomic
def submission_send(*, actor: Actor, submission: MeetingSubmission, version: int) -> MeetingSubmission:
    """Send the submission to the national team: every question answered, a 360 report and an action plan."""
    actor.require(Role.COORDINATOR, employer=submission.employer_id)
    if submission.submitted_at:
        raise Conflict("This submission has already been sent.")
    meeting = submission.meeting
    missing = [
        question.position
        for question in meeting.questionnaire.questions.all()
        if not str(submission.answers.get(str(question.pk), "")).strip()
    ]
    errors = []
    if missing:
        errors.append(
            "Answer every question of the questionnaire "
            f"(question {', '.join(map(str, missing))} not answered)"
        )
    if not submission.report_file:
        errors.append("Upload your latest 360-degree evaluation report")
    if not (submission.action_plan.strip() or submission.plan_file):
        errors.append("Write or upload your action plan")
    if errors:
        raise ValidationError(errors)
    submission = versioned_update(
        submission, version, STALE, submitted_at=clock.now(), submitted_by=actor.user
    )
    audit_record(actor=actor, action="meeting_submission.sent", obj=submission)
    return submission
