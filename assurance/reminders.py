"""Assurance's daily reminder to the employer's co-ordinators: a QA review meeting's submission not yet
sent, 14 and 3 days before its deadline. Listed in ``settings.ASYE_CONTRIBUTIONS["reminders"]``
(``asye.notifications.reminders`` runs it per employer, each reminder once through its sent-log)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse

from assurance.models import MeetingStatus, ReviewMeeting
from asye.accounts.models import Role
from asye.notifications.reminders import DAILY, Due, Scan, people_with_role

NOTICE_DAYS = (14, 3)


def submission_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    meetings = list(
        ReviewMeeting.objects.filter(
            employer_id=employer_id,
            status=MeetingStatus.SCHEDULED,
            submission__submitted_at__isnull=True,
            submissions_due_on__gte=today,
            submissions_due_on__lte=today + datetime.timedelta(days=max(NOTICE_DAYS)),
        ).order_by("submissions_due_on", "pk")
    )
    if not meetings:
        return
    coordinators = people_with_role(employer_id, Role.COORDINATOR)
    for meeting in meetings:
        days = (meeting.submissions_due_on - today).days
        notice = min(n for n in NOTICE_DAYS if days <= n)
        text = (
            f"Send your QA review meeting submission by {meeting.submissions_due_on:%-d %B %Y}: the "
            f"questionnaire, your latest 360 report and your action plan"
        )
        for person in coordinators:
            yield Due(
                person,
                f"review_meeting.submission_{notice}",
                meeting,
                meeting.submissions_due_on,
                text,
                reverse("assurance:meeting", kwargs={"pk": meeting.pk}),
            )


SCANS = [
    Scan(
        name="QA review meeting submissions",
        cadence=DAILY,
        description=(
            "Co-ordinators: the submission for a QA review meeting, 14 and 3 days before its deadline."
        ),
        find=submission_reminders,
    )
]
