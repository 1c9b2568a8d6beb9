"""Reads of assurance: the NQSW's own concerns (and the actions shared with them), the employer's raised
matters and QA review meetings, and national staff's lists (read in the national scope)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from assurance.models import (
    ConcernAction,
    ConcernStatus,
    ConfidentialConcern,
    MeetingSubmission,
    RaisedConcern,
    ReviewMeeting,
)
from asye.accounts.actor import Actor
from asye.accounts.models import Role

# --- The NQSW's own ------------------------------------------------------------------------------------


def concern_list_own(*, actor: Actor) -> list[ConfidentialConcern]:
    """The actor's own concerns (the policy agrees: the tenant role reads only the person's rows)."""
    return list(ConfidentialConcern.objects.filter(nqsw=actor.user).order_by("-created_at"))


def concern_get_own(*, actor: Actor, pk: int) -> ConfidentialConcern:
    return get_object_or_404(ConfidentialConcern.objects.filter(nqsw=actor.user), pk=pk)


def shared_actions(*, actor: Actor, concern: ConfidentialConcern) -> list[ConcernAction]:
    """The actions national staff chose to share with the NQSW, without who recorded them."""
    return list(
        ConcernAction.objects.filter(concern=concern, nqsw=actor.user, shared_with_nqsw=True).order_by(
            "taken_on", "recorded_at"
        )
    )


# --- The employer's ------------------------------------------------------------------------------------


def raised_list(*, actor: Actor) -> list[RaisedConcern]:
    actor.require(Role.COORDINATOR)
    return list(RaisedConcern.objects.visible_to(actor).order_by("-raised_on", "-id"))


def raised_get(*, actor: Actor, pk: int) -> RaisedConcern:
    return get_object_or_404(RaisedConcern.objects.visible_to(actor), pk=pk)


def meeting_list(*, actor: Actor) -> list[ReviewMeeting]:
    actor.require(Role.COORDINATOR)
    return list(ReviewMeeting.objects.visible_to(actor).select_related("submission").order_by("-meeting_on"))


def meeting_get(*, actor: Actor, pk: int) -> ReviewMeeting:
    return get_object_or_404(
        ReviewMeeting.objects.visible_to(actor).select_related("submission", "questionnaire"), pk=pk
    )


def submission_for(*, meeting: ReviewMeeting) -> MeetingSubmission:
    return MeetingSubmission.objects.select_related("meeting").get(
        meeting=meeting, employer_id=meeting.employer_id
    )


def answered_questions(*, meeting: ReviewMeeting, submission: MeetingSubmission) -> list[tuple]:
    """(question, answer) for each question of the meeting's questionnaire version."""
    return [
        (question, submission.answers.get(str(question.pk), ""))
        for question in meeting.questionnaire.questions.order_by("position")
    ]


# --- National ------------------------------------------------------------------------------------------


def concern_list_national(*, actor: Actor, status: str = "") -> list[ConfidentialConcern]:
    actor.require(Role.NATIONAL_STAFF)
    concerns = ConfidentialConcern.objects.select_related("programme_employer", "nqsw").order_by(
        "-created_at"
    )
    if status:
        concerns = concerns.filter(status=status)
    return list(concerns)


def concern_counts_national(*, actor: Actor) -> dict[str, int]:
    actor.require(Role.NATIONAL_STAFF)
    return ConfidentialConcern.objects.aggregate(
        open=Count("id", filter=~Q(status=ConcernStatus.CLOSED)), all=Count("id")
    )


def concern_get_national(*, actor: Actor, pk: int) -> ConfidentialConcern:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(ConfidentialConcern.objects.select_related("programme_employer", "nqsw"), pk=pk)


def concern_actions_national(*, actor: Actor, concern: ConfidentialConcern) -> list[ConcernAction]:
    actor.require(Role.NATIONAL_STAFF)
    return list(concern.actions.select_related("recorded_by").order_by("taken_on", "recorded_at"))


def meeting_list_national(*, actor: Actor) -> list[ReviewMeeting]:
    actor.require(Role.NATIONAL_STAFF)
    return list(ReviewMeeting.objects.select_related("employer", "submission").order_by("-meeting_on", "-id"))


def meeting_get_national(*, actor: Actor, pk: int) -> ReviewMeeting:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(
        ReviewMeeting.objects.select_related("employer", "submission", "questionnaire"), pk=pk
    )
