"""The 360 evaluation's daily reminders (``settings.ASYE_CONTRIBUTIONS["reminders"]``, run by
``asye.notifications.reminders`` in each employer's tenant context, each sent once through the sent-log):

- to the co-ordinators: the self-assessment is not complete 14 days before the cycle closes; the cycle
  closes within 7 days (with how many have answered); the report is ready once it has closed;
- to people on the platform who were invited and have not answered: 7 days before it closes, a reminder
  to use the link in their email (the link itself is never stored, so it is not repeated).

- to people invited by address only (no account here): the same reminder, 7 days before it closes, by
  email with a new single-use link. The first link's secret was never kept, so the reminder makes a new
  one and the invitation keeps only its hash (the first link stops working; the reminder says so). The
  invitation records the due date it was reminded for (``reminded_for``): once per due moment, never
  after they answer or the cycle closes.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterator

from django.db.models import Count
from django.urls import reverse

from asye.accounts.models import Role
from asye.notifications.reminders import DAILY, Due, Scan, people_with_role
from asye.notifications.services import absolute
from evaluations.models import (
    INVITED_TYPES,
    EvaluationCycle,
    EvaluationInvitation,
    EvaluationRating,
    RespondentType,
)
from evaluations.services import invitation_email_queue, secret_hash

SELF_ASSESSMENT_NOTICE_DAYS = 14
CLOSING_NOTICE_DAYS = 7
REPORT_NOTICE_DAYS = 14


def _open_cycles(employer_id: int, today: datetime.date, within: int):
    return EvaluationCycle.objects.filter(
        employer_id=employer_id,
        closed_on__isnull=True,
        opened_on__lte=today,
        closes_on__gte=today,
        closes_on__lte=today + datetime.timedelta(days=within),
    ).select_related("framework")


def coordinator_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    coordinators = people_with_role(employer_id, Role.COORDINATOR)
    if not coordinators:
        return
    for cycle in _open_cycles(employer_id, today, SELF_ASSESSMENT_NOTICE_DAYS):
        link = reverse("evaluations:cycle", args=[cycle.pk])
        answered = EvaluationRating.objects.filter(
            employer_id=employer_id, response__cycle=cycle, response__respondent_type=RespondentType.SELF
        ).count()
        needed = cycle.framework.themes.aggregate(n=Count("statements"))["n"]
        if answered < needed:
            text = (
                f"Your 360 evaluation self-assessment for {cycle.year_label} has {needed - answered} "
                f"statements unanswered; the evaluation closes on {cycle.closes_on:%-d %B %Y}"
            )
            for person in coordinators:
                yield Due(person, "evaluation.self_assessment", cycle, cycle.closes_on, text, link)
        if (cycle.closes_on - today).days <= CLOSING_NOTICE_DAYS:
            invitations = EvaluationInvitation.objects.filter(employer_id=employer_id, cycle=cycle)
            text = (
                f"Your 360 evaluation for {cycle.year_label} closes on {cycle.closes_on:%-d %B %Y}: "
                f"{invitations.filter(used=True).count()} of {invitations.count()} people invited have "
                "answered"
            )
            for person in coordinators:
                yield Due(person, "evaluation.closing", cycle, cycle.closes_on, text, link)
    closed = EvaluationCycle.objects.filter(employer_id=employer_id, opened_on__lte=today).exclude(
        closed_on__isnull=True, closes_on__gte=today
    )
    for cycle in closed:
        ended = cycle.closed_on or cycle.closes_on
        if (today - ended).days > REPORT_NOTICE_DAYS:
            continue
        text = f"The report of your 360 evaluation for {cycle.year_label} is ready"
        for person in coordinators:
            yield Due(
                person,
                "evaluation.report_ready",
                cycle,
                ended,
                text,
                reverse("evaluations:report", args=[cycle.pk]),
            )


def invitee_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    cycles = list(_open_cycles(employer_id, today, CLOSING_NOTICE_DAYS))
    if not cycles:
        return
    invitations = EvaluationInvitation.objects.filter(
        employer_id=employer_id, cycle__in=cycles, used=False, person__isnull=False, person__is_active=True
    ).select_related("person", "cycle", "employer")
    for invitation in invitations:
        cycle = invitation.cycle
        text = (
            f"{invitation.employer.name} asked for your view of its ASYE programme on "
            f"{invitation.invited_on:%-d %B %Y}. The link in that email works until "
            f"{cycle.closes_on:%-d %B %Y}."
        )
        yield Due(invitation.person, "evaluation.invitation", invitation, cycle.closes_on, text, "")


def address_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """Invitees with no account who have not answered, 7 days before the cycle closes (``Due.person`` is
    the invitation: it holds the address)."""
    cycles = list(_open_cycles(employer_id, today, CLOSING_NOTICE_DAYS))
    if not cycles:
        return
    invitations = (
        EvaluationInvitation.objects.filter(
            employer_id=employer_id, cycle__in=cycles, used=False, person__isnull=True
        )
        .select_related("cycle", "employer")
        .order_by("pk")
    )
    for invitation in invitations:
        cycle = invitation.cycle
        due_on = cycle.closes_on - datetime.timedelta(days=CLOSING_NOTICE_DAYS)
        yield Due(invitation, "evaluation.invitation_reminder", invitation, due_on, "", "")


def address_reminder_send(due: Due) -> bool:
    """Send one address-only reminder unless it went for this due date: claim the invitation's
    ``reminded_for`` (only while it is unused), replace its link's hash and queue the email with the new
    link, in the scan's transaction."""
    invitation: EvaluationInvitation = due.about
    secret = secrets.token_urlsafe(32)
    claimed = (
        EvaluationInvitation.objects.filter(pk=invitation.pk, used=False)
        .exclude(reminded_for=due.due_on)
        .update(reminded_for=due.due_on, token_hash=secret_hash(secret))
    )
    if not claimed:
        return False
    employer_name = invitation.employer.name
    context = {
        "employer_name": employer_name,
        "link": absolute(reverse("evaluation_response:answer", args=[secret])),
        "closes_on": invitation.cycle.closes_on,
        "invited_on": invitation.invited_on,
        "respondent_label": dict(INVITED_TYPES)[invitation.respondent_type],
    }
    invitation_email_queue(
        invitation,
        template="evaluations/email/reminder",
        subject=f"Reminder: {employer_name} asks for your view of its ASYE programme",
        context=context,
    )
    return True


SCANS = [
    Scan(
        "evaluations.coordinator",
        DAILY,
        "Co-ordinators: the 360 self-assessment unfinished 14 days before the evaluation closes, the "
        "evaluation closing within 7 days, and its report ready.",
        coordinator_reminders,
    ),
    Scan(
        "evaluations.invitees",
        DAILY,
        "People on the platform invited to the 360 evaluation who have not answered, 7 days before it "
        "closes.",
        invitee_reminders,
    ),
    Scan(
        "evaluations.invitees_by_address",
        DAILY,
        "People invited to the 360 evaluation by email address only who have not answered, 7 days before "
        "it closes: an email with a new single-use link.",
        address_reminders,
        send=address_reminder_send,
    ),
]
