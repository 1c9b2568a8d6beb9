"""The surveys' and assurance's parts of ``manage.py seed_demo``: last year's closed round with responses
at the seed's rates, this year's open round with the demo logins invited, the demo NQSW's confidential
concern with national action, a QA review meeting for Demo County Council; a second run creates nothing.
(The whole command is exercised by tests/demo/test_seed_demo.py.)"""

from __future__ import annotations

import pytest

from assurance import demo as assurance_demo
from assurance.models import ConcernAction, ConfidentialConcern, MeetingSubmission, ReviewMeeting
from asye.accounts.models import Role
from asye.notifications.models import Notification
from asye.tenancy.db import system_national_context
from demo.calendar import DemoCalendar
from surveys import demo as surveys_demo
from surveys.models import SurveyInvitation, SurveyResponse, SurveyRound
from tests.factories import EmployerFactory, person
from tests.today import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture(db):
    county = EmployerFactory(name="Demo County Council")
    people = {
        "coordinator@demo.example": person(
            role=Role.COORDINATOR, employer=county, email="coordinator@demo.example"
        ),
        "assessor@demo.example": person(role=Role.ASSESSOR, employer=county, email="assessor@demo.example"),
        "nqsw@demo.example": person(role=Role.NQSW, employer=county, email="nqsw@demo.example"),
        "national@demo.example": person(role=Role.NATIONAL_STAFF, email="national@demo.example"),
    }
    # 100 more NQSWs elsewhere, so the NQSW survey has 14 responses of 101 (under 30: not reported).
    elsewhere = EmployerFactory(name="Elsewhere Borough Council")
    for n in range(100):
        person(role=Role.NQSW, employer=elsewhere, email=f"nqsw{n}@elsewhere.example")
    return {"Demo County Council": county.pk, "Elsewhere Borough Council": elsewhere.pk}, {
        email: user.pk for email, user in people.items()
    }


def seed_both(employer_ids, user_ids):
    with system_national_context():
        calendar = DemoCalendar(TODAY)
        return surveys_demo.seed(
            employer_ids=employer_ids, user_ids=user_ids, demo_calendar=calendar
        ) + assurance_demo.seed(employer_ids=employer_ids, user_ids=user_ids, demo_calendar=calendar)


def test_the_demo_has_a_closed_round_an_open_round_a_concern_and_a_meeting(picture):
    employer_ids, user_ids = picture
    created = seed_both(employer_ids, user_ids)
    assert created["QA review meetings"] == 1 and created["confidential concerns"] == 1
    with system_national_context():
        last, this = SurveyRound.objects.order_by("year")
        assert last.status(TODAY) == "Closed" and this.status(TODAY) == "Open"
        assert SurveyInvitation.objects.filter(round=last, group="nqsws").count() == 101
        assert SurveyResponse.objects.filter(round=last, group="nqsws").count() == round(101 * 0.14)
        assert (
            SurveyInvitation.objects.filter(round=last, answered=True).count()
            == SurveyResponse.objects.filter(round=last).count()
        )
        assert SurveyResponse.objects.filter(round=this).count() == 0
        assert (
            Notification.objects.filter(
                kind="survey.invitation", person_id=user_ids["nqsw@demo.example"]
            ).count()
            == 1
        )
        concern = ConfidentialConcern.objects.get()
        assert (
            concern.status == "in_progress"
            and ConcernAction.objects.filter(shared_with_nqsw=True).count() == 1
        )
        meeting = ReviewMeeting.objects.get()
        assert meeting.employer_id == employer_ids["Demo County Council"] and meeting.meeting_on > TODAY
        assert len(MeetingSubmission.objects.get(meeting=meeting).answers) == 2
    assert not any(seed_both(employer_ids, user_ids).values())
