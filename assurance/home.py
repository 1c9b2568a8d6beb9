"""This app's sections of the signed-in home page (asye.web.home_sections): the co-ordinator's QA review
meetings with a submission to send and matters the national team raised that wait for a response; the
NQSW's link to tell the national team in confidence."""

from __future__ import annotations

from assurance.models import MeetingStatus, RaisedConcern, ReviewMeeting
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.home_sections import HomeSection


def home_sections(actor: Actor) -> list[HomeSection]:
    sections = []
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        meetings = list(
            ReviewMeeting.objects.visible_to(actor)
            .filter(status=MeetingStatus.SCHEDULED, submission__submitted_at__isnull=True)
            .order_by("submissions_due_on")[:3]
        )
        raised = RaisedConcern.objects.visible_to(actor).filter(acknowledged_at__isnull=True).count()
        if meetings or raised:
            sections.append(
                HomeSection(
                    role=Role.COORDINATOR,
                    template="assurance/_home_coordinator.html",
                    context={"assurance_meetings": meetings, "assurance_raised": raised},
                )
            )
    if actor.employer_id and actor.has_role(Role.NQSW):
        sections.append(HomeSection(role=Role.NQSW, template="assurance/_home_nqsw.html"))
    return sections
