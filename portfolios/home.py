"""This app's sections of the signed-in home page (``asye.web.home_sections``).

- Assessor and line manager: evidence their NQSWs shared and that waits for the assessor's response, and
  direct observations in progress that they may complete (as the NQSW's assessor or as the observer).
- NQSW: evidence the assessor returned asking for more.

Each is a fixed number of queries whatever the number of NQSWs or records (``tests/web/test_home_todo.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.home_sections import HomeSection, Listed, listed
from portfolios.models import Evidence, Observation
from portfolios.selectors import evidence_visible
from programmes.models import RegistrationStatus
from programmes.selectors import registration_list


@dataclass(frozen=True)
class AssessmentToDo:
    evidence: Listed
    observations: Listed

    @property
    def empty(self) -> bool:
        return not (self.evidence.total or self.observations.total)


def assessment_todo(*, actor: Actor) -> AssessmentToDo:
    """Evidence shared and waiting for a response (for the NQSW's assessor), oldest first; observations in
    progress the person may complete (their NQSWs' as assessor, or those they observed)."""
    user = actor.user
    evidence = Evidence.objects.none()
    if actor.has_role(Role.ASSESSOR):
        evidence = (
            evidence_visible(actor=actor)
            .filter(
                status=Evidence.Status.SHARED,
                portfolio__registration__assessor=user,
                portfolio__registration__status=RegistrationStatus.ACTIVE,
            )
            .select_related("portfolio__registration")
            .order_by("shared_at", "id")
        )
    mine = Q(observer=user)
    if actor.has_role(Role.ASSESSOR):
        mine |= Q(portfolio__registration__assessor=user)
    observations = (
        Observation.objects.visible_to(actor)
        .filter(
            mine, status=Observation.Status.DRAFT, portfolio__registration__status=RegistrationStatus.ACTIVE
        )
        .filter(portfolio__registration__in=registration_list(actor=actor))
        .select_related("portfolio__registration")
        .order_by("observed_on", "id")
    )
    return AssessmentToDo(evidence=listed(evidence), observations=listed(observations))


def evidence_returned(*, actor: Actor) -> Listed:
    """The NQSW's evidence the assessor asked more of, most recent response first."""
    evidence = (
        evidence_visible(actor=actor)
        .filter(status=Evidence.Status.MORE_NEEDED, portfolio__registration__nqsw=actor.user)
        .order_by("-responded_at", "-id")
    )
    return listed(evidence)


def home_sections(actor: Actor) -> list[HomeSection]:
    if actor.employer_id is None or actor.user is None:
        return []
    sections = []
    for role in (Role.ASSESSOR, Role.LINE_MANAGER):
        if actor.has_role(role):
            sections.append(
                HomeSection(
                    role=role,
                    template="portfolios/_home_assessment.html",
                    context={"portfolio_todo": assessment_todo(actor=actor)},
                )
            )
            break  # one list, in the part of the first of these roles they hold
    if actor.has_role(Role.NQSW):
        sections.append(
            HomeSection(
                role=Role.NQSW,
                template="portfolios/_home_nqsw.html",
                context={"portfolio_returned": evidence_returned(actor=actor)},
            )
        )
    return sections
