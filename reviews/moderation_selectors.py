"""Reads for national moderation by the NQAP: who may moderate, rounds and cases for national staff, the
cases assigned to a moderator, the employer's own cases, the exemplars library and the good-practice
register. The pool a round's sample is drawn from and the draw itself are in ``reviews.moderation_sampling``.

Three kinds of reader, three kinds of scope:
- National staff read across employers, inside the audited national scope (``national_view``); every
  function for them ends in ``_national`` and checks the role.
- A moderator reads only the cases assigned to them, and never a case of an employer where they hold or
  held any membership: ``moderator_case_list`` decides both in the query, so a guessed id is a 404.
- An employer's co-ordinator reads the employer's own cases and applications (``visible_to``), and sees
  a case's findings only once the moderator has sent them.

Who may moderate a case (``moderators_eligible``) is decided here and again, at writing, by the service
and by a database trigger (migration 0002): a person holding an active NQAP moderator role who holds no
membership, active or ended, in any role, at the case's employer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context
from asye.tenancy.models import ServiceArea
from portfolios.models import Portfolio
from reviews.models import (
    Exemplar,
    FinalRecommendation,
    GoodPracticeApplication,
    ModerationCase,
    ModerationRound,
)


def moderators() -> QuerySet[User]:
    """Active people holding an active NQAP moderator role. Evaluate inside the national scope."""
    holds_role = Membership.objects.filter(
        user=OuterRef("pk"), employer__isnull=True, role=Role.NQAP_MODERATOR, ended_at__isnull=True
    )
    return User.objects.filter(is_active=True).filter(Exists(holds_role)).order_by("full_name", "email")


def moderators_eligible(*, employer_id: int) -> QuerySet[User]:
    """Moderators who may moderate a portfolio of ``employer_id``: none who holds, or ever held, any
    membership there (an ended membership still counts: they may know the people). National scope."""
    member_there = Membership.objects.filter(user=OuterRef("pk"), employer_id=employer_id)
    return moderators().exclude(Exists(member_there))


def employer_ids_of(user_id: int) -> set[int]:
    """Every employer where the person holds or held any membership (national scope, or their own)."""
    return set(
        Membership.objects.filter(user_id=user_id, employer__isnull=False).values_list(
            "employer_id", flat=True
        )
    )


def moderator_is_eligible(*, user_id: int, employer_id: int) -> bool:
    return moderators_eligible(employer_id=employer_id).filter(pk=user_id).exists()


def round_list_national(*, actor: Actor) -> QuerySet[ModerationRound]:
    actor.require(Role.NATIONAL_STAFF)
    return ModerationRound.objects.select_related("created_by")


def round_get_national(*, actor: Actor, pk: int) -> ModerationRound:
    return get_object_or_404(round_list_national(actor=actor), pk=pk)


def case_list_national(*, actor: Actor) -> QuerySet[ModerationCase]:
    """Every employer's moderation cases. Evaluate inside the national scope."""
    actor.require(Role.NATIONAL_STAFF)
    return ModerationCase.objects.select_related(
        "employer", "moderator", "portfolio__registration__framework_version__framework", "submitted_by"
    )


def case_get_national(*, actor: Actor, pk: int) -> ModerationCase:
    return get_object_or_404(case_list_national(actor=actor).select_related("round"), pk=pk)


def round_cases_national(*, actor: Actor, moderation_round: ModerationRound) -> list[ModerationCase]:
    return list(case_list_national(actor=actor).filter(round=moderation_round).order_by("stratum", "id"))


@dataclass(frozen=True)
class RoundProgress:
    waiting: int
    assigned: int
    findings_sent: int

    @property
    def total(self) -> int:
        return self.waiting + self.assigned + self.findings_sent

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.findings_sent == self.total


def round_progress(cases: list[ModerationCase]) -> RoundProgress:
    statuses = [case.status for case in cases]
    return RoundProgress(
        waiting=statuses.count(ModerationCase.Status.WAITING),
        assigned=statuses.count(ModerationCase.Status.ASSIGNED),
        findings_sent=statuses.count(ModerationCase.Status.FINDINGS_SENT),
    )


def moderator_conflicted(case: ModerationCase) -> bool:
    """The assigned moderator has since taken a role at the case's employer: reassign the case.
    (The moderator no longer sees it either: ``moderator_case_list`` leaves it out.)"""
    if case.moderator_id is None:
        return False
    return Membership.objects.filter(user_id=case.moderator_id, employer_id=case.employer_id).exists()


def moderator_case_list(*, actor: Actor) -> QuerySet[ModerationCase]:
    """The cases assigned to the moderator, never one of an employer where they hold or held a role: even
    if assigned before they joined it, such a case is not theirs to read. Evaluate inside the national
    scope (``national_view(roles=(Role.NQAP_MODERATOR,))``)."""
    actor.require(Role.NQAP_MODERATOR)
    if actor.user is None:
        return ModerationCase.objects.none()
    own_employers = Membership.objects.filter(user=actor.user, employer__isnull=False).values("employer_id")
    return (
        ModerationCase.objects.filter(
            moderator=actor.user,
            status__in=[ModerationCase.Status.ASSIGNED, ModerationCase.Status.FINDINGS_SENT],
        )
        .exclude(employer_id__in=own_employers)
        .select_related("employer", "portfolio__registration__framework_version__framework")
    )


def moderator_case_get(*, actor: Actor, pk: int) -> ModerationCase:
    """One of the moderator's cases; 404 for anyone else's, their own employer's, or a missing one."""
    return get_object_or_404(moderator_case_list(actor=actor), pk=pk)


def recommendation_for(case: ModerationCase) -> FinalRecommendation | None:
    """The recommendation the moderator checks the evidence against: the newest one that left the
    assessor (submitted to, endorsed or referred back by the internal panel)."""
    return (
        FinalRecommendation.objects.filter(registration_id=case.portfolio.registration_id)
        .exclude(status=FinalRecommendation.Status.DRAFT)
        .order_by(F("submitted_at").desc(nulls_last=True), "-id")
        .first()
    )


def case_list(*, actor: Actor) -> QuerySet[ModerationCase]:
    """The employer's moderation cases, for its co-ordinators (nobody else's query sees any)."""
    if not actor.has_role(Role.COORDINATOR):
        return ModerationCase.objects.none()
    return ModerationCase.objects.visible_to(actor).select_related(
        "portfolio__registration__framework_version__framework"
    )


def case_get(*, actor: Actor, pk: int) -> ModerationCase:
    return get_object_or_404(case_list(actor=actor), pk=pk)


def portfolios_to_submit(*, actor: Actor) -> QuerySet[Portfolio]:
    """The employer's submitted portfolios that are in no moderation case: those a co-ordinator may put
    forward for national moderation."""
    if not actor.has_role(Role.COORDINATOR):
        return Portfolio.objects.none()
    in_a_case = ModerationCase.objects.filter(portfolio=OuterRef("pk"))
    return (
        Portfolio.objects.visible_to(actor)
        .filter(submitted_at__isnull=False)
        .exclude(Exists(in_a_case))
        .select_related("registration")
        .order_by("registration__last_name", "registration__first_name", "pk")
    )


def good_practice_list(*, actor: Actor) -> QuerySet[GoodPracticeApplication]:
    """The employer's own applications and their decisions (co-ordinators)."""
    if not actor.has_role(Role.COORDINATOR):
        return GoodPracticeApplication.objects.none()
    return GoodPracticeApplication.objects.visible_to(actor).select_related("submitted_by")


def good_practice_get(*, actor: Actor, pk: int) -> GoodPracticeApplication:
    return get_object_or_404(good_practice_list(actor=actor), pk=pk)


def good_practice_register_national(*, actor: Actor, status: str = "") -> QuerySet[GoodPracticeApplication]:
    """Every employer's applications, undecided first, then newest first."""
    actor.require(Role.NATIONAL_STAFF)
    applications = GoodPracticeApplication.objects.select_related("employer", "submitted_by", "decided_by")
    if status in GoodPracticeApplication.Status.values:
        applications = applications.filter(status=status)
    return applications.order_by("-submitted_at", "-id")


def good_practice_get_national(*, actor: Actor, pk: int) -> GoodPracticeApplication:
    return get_object_or_404(good_practice_register_national(actor=actor), pk=pk)


def exemplar_list_national(*, actor: Actor) -> QuerySet[Exemplar]:
    """The whole library, drafts included: national staff, and moderators (NQAP members review drafts)."""
    actor.require(Role.NATIONAL_STAFF, Role.NQAP_MODERATOR)
    return Exemplar.objects.select_related("statement__capability_set", "created_by")


def exemplar_get_national(*, actor: Actor, pk: int) -> Exemplar:
    return get_object_or_404(exemplar_list_national(actor=actor), pk=pk)


EXEMPLAR_READERS = (Role.COORDINATOR, Role.ASSESSOR)


def exemplars_published(*, actor: Actor, service_area: str = "") -> list[Exemplar]:
    """Published exemplars, for an employer's co-ordinators and assessors.

    The library is national-only under row-level security (it belongs to no employer), so an employer's
    request cannot read it in its own tenant context. Published exemplars are anonymised extracts the
    NQAP releases to every employer, and this read takes nothing else: it lifts the policy only for this
    one query, filtered to ``published=True``, and returns evaluated rows. Drafts stay national.
    """
    actor.require(*EXEMPLAR_READERS)
    with system_national_context():
        exemplars = Exemplar.objects.filter(published=True).select_related("statement__capability_set")
        if service_area in ServiceArea.values:
            exemplars = exemplars.filter(service_area__in=[service_area, ""])
        return list(exemplars)


def exemplar_get_published(*, actor: Actor, pk: int) -> Exemplar:
    """One published exemplar (same scope as ``exemplars_published``); a draft or a missing one is 404."""
    actor.require(*EXEMPLAR_READERS)
    with system_national_context():
        return get_object_or_404(
            Exemplar.objects.filter(published=True).select_related("statement__capability_set"), pk=pk
        )
