"""Demo data for assurance, called by ``manage.py seed_demo`` inside the system national scope.

- Demo County Council's NQSW (``nqsw@demo.example``) told the national team in confidence, three weeks
  before the seeding day, that their supervision keeps being cancelled; national staff
  (``national@demo.example``) looked at it, recorded an internal note and an action shared with the NQSW,
  and the concern is "being looked at".
- A QA review meeting with Demo County Council five weeks after the seeding day, its submission due in
  three weeks, part prepared by the co-ordinator (two questions answered, no report yet).

Written through the services, as those people. A second run creates nothing: the concern is known by its
NQSW, the meeting by its employer.
"""

from __future__ import annotations

import datetime
from collections import Counter

from assurance import concern_services, meeting_services
from assurance.meeting_questions import load_first_version
from assurance.models import (
    ConcernStatus,
    ConfidentialConcern,
    MeetingQuestion,
    MeetingQuestionnaire,
    MeetingSubmission,
    ReviewMeeting,
)
from asye import clock
from demo.actors import demo_actor
from demo.calendar import DemoCalendar

DEMO_COUNTY = "Demo County Council"
NQSW = "nqsw@demo.example"
COORDINATOR = "coordinator@demo.example"
NATIONAL = "national@demo.example"


def seed(
    *, employer_ids: dict[str, int], user_ids: dict[str, int], demo_calendar: DemoCalendar | None = None
) -> Counter:
    demo_calendar = demo_calendar or DemoCalendar.seeding()
    today = demo_calendar.today
    created: Counter[str] = Counter()
    county = employer_ids.get(DEMO_COUNTY)
    if county is None or NQSW not in user_ids or NATIONAL not in user_ids:
        return created
    load_first_version(MeetingQuestionnaire, MeetingQuestion)
    national = demo_actor(user_ids[NATIONAL], None)

    if not ConfidentialConcern.objects.filter(nqsw_id=user_ids[NQSW]).exists():
        concern = concern_services.concern_submit(
            actor=demo_actor(user_ids[NQSW], county),
            topic="support",
            details=(
                "My supervision has been cancelled four times in the last two months because my supervisor "
                "is "
                "covering another team. I have not had a review of my caseload and I am worried about my "
                "six-month review. I do not feel able to raise it with my manager."
            ),
            may_contact=True,
        )
        sent = clock.now() - datetime.timedelta(days=21)
        ConfidentialConcern.objects.filter(pk=concern.pk).update(created_at=sent, updated_at=sent)
        concern.refresh_from_db()
        concern = concern_services.concern_action_record(
            actor=national,
            concern=concern,
            version=concern.version,
            taken_on=today - datetime.timedelta(days=18),
            description="Checked the registration: supervisor changed twice since the start; no deferral.",
            shared_with_nqsw=False,
            status=ConcernStatus.IN_PROGRESS,
        )
        concern_services.concern_action_record(
            actor=national,
            concern=concern,
            version=concern.version,
            taken_on=today - datetime.timedelta(days=14),
            description=(
                "We called you to talk it through and agreed we will raise supervision with your employer's "
                "principal social worker without naming you."
            ),
            shared_with_nqsw=True,
            status=ConcernStatus.IN_PROGRESS,
        )
        created["confidential concerns"] += 1

    if not ReviewMeeting.objects.filter(employer_id=county).exists():
        from asye.tenancy.models import Employer

        meeting = meeting_services.meeting_schedule(
            actor=national,
            employer=Employer.objects.get(pk=county),
            meeting_on=today + datetime.timedelta(days=35),
            submissions_due_on=today + datetime.timedelta(days=21),
            attendees=(
                "ASYE lead (Priya Shah)\nTwo assessors\nThree NQSWs\n"
                "Peer reviewer: an ASYE co-ordinator from another employer"
            ),
            arrangements="Online: the national team sends the joining link a week before",
            themes=(
                "NQSW wellbeing from the beginning of the ASYE; support structures such as buddying and "
                "peer networks; "
                "deferrals and their reasons; assessors' support, learning and quality assurance."
            ),
        )
        submission = MeetingSubmission.objects.get(meeting=meeting)
        first_two = list(meeting.questionnaire.questions.order_by("position")[:2])
        meeting_services.submission_save(
            actor=demo_actor(user_ids[COORDINATOR], county),
            submission=submission,
            version=submission.version,
            answers={
                str(
                    first_two[0].pk
                ): "18 NQSWs: 12 in children's services (three locality teams), 6 in adults.",
                str(
                    first_two[1].pk
                ): "A two-week induction, a named buddy and weekly supervision for six weeks.",
            },
            action_plan="",
        )
        created["QA review meetings"] += 1
    return created
