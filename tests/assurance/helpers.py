"""Helpers of the assurance tests, the isolation table and the browser tests."""

from __future__ import annotations

import datetime
import itertools

from assurance import concern_services, meeting_services
from assurance.meeting_questions import load_first_version
from assurance.models import MeetingQuestion, MeetingQuestionnaire
from asye.accounts.actor import build_actor
from asye.accounts.models import Role
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from tests.factories import person
from tests.today import TODAY

_people = itertools.count(1)


def national_actor(user=None):
    user = user or person(
        role=Role.NATIONAL_STAFF, email=f"assurance.national{next(_people)}@skillsforcare.example"
    )
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=None)


def actor_for(user, employer):
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=employer.pk)


def concern_of(tenant, details="My supervision has been cancelled for six weeks."):
    """The tenant's NQSW tells the national team something in confidence."""
    with tenant_context(tenant.employer.pk), tenant_settings(user_id=tenant.nqsw.pk):
        return concern_services.concern_submit(
            actor=actor_for(tenant.nqsw, tenant.employer), topic="support", details=details, may_contact=True
        )


def raised_with(tenant, national=None):
    """A concern of the tenant's NQSW, raised with the tenant by national staff."""
    concern = concern_of(tenant)
    with system_national_context():
        return concern_services.concern_raise_with_employer(
            actor=national or national_actor(),
            concern=concern,
            version=concern.version,
            raised_with="The principal social worker",
            summary="An NQSW's supervision has lapsed; please check every NQSW has fortnightly supervision.",
            raised_on=TODAY,
        )


def load_meeting_questionnaire() -> None:
    with system_national_context():
        load_first_version(MeetingQuestionnaire, MeetingQuestion)


def meeting_with(tenant, national=None, *, in_days: int = 30, due_in_days: int = 14):
    """A QA review meeting with the tenant, scheduled by national staff."""
    load_meeting_questionnaire()
    with system_national_context():
        return meeting_services.meeting_schedule(
            actor=national or national_actor(),
            employer=tenant.employer,
            meeting_on=TODAY + datetime.timedelta(days=in_days),
            submissions_due_on=TODAY + datetime.timedelta(days=due_in_days),
            attendees="ASYE lead\nTwo assessors\nThree NQSWs",
            arrangements="Online: the link is sent the day before",
            themes="NQSW wellbeing from the start",
        )
