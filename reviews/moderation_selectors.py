"""Reads for national moderation by the NQAP: the pool a round's sample is drawn from and the draw itself,
rounds and cases for national staff, the cases assigned to a moderator, the employer's own cases, the
exemplars library and the good-practice register.

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

import hashlib
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context
from asye.tenancy.models import EmployerType, Region, ServiceArea
from portfolios.models import Portfolio
from reviews.models import (
    Exemplar,
    FinalRecommendation,
    GoodPracticeApplication,
    ModerationCase,
    ModerationRound,
)

# --- Who may moderate -----------------------------------------------------------------------------------


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


# --- The sample: strata, pool and draw ------------------------------------------------------------------

# The strata national staff may choose, in the order a stratum's key is built: (field, choices, label).
STRATA: dict[str, tuple[str, type, str]] = {
    "service_area": ("registration__framework_version__framework__service_area", ServiceArea, "Service area"),
    "employer_type": ("employer__employer_type", EmployerType, "Employer type"),
    "region": ("employer__region", Region, "Region"),
}
ALL_PORTFOLIOS = "All submitted portfolios"


@dataclass(frozen=True)
class PoolEntry:
    """A submitted portfolio that may be sampled, with what it can be stratified by."""

    portfolio_id: int
    employer_id: int
    service_area: str
    employer_type: str
    region: str

    def key(self, by: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in by)


@dataclass
class StratumDraw:
    """One stratum of a draw: its key and label, every portfolio in it, and those drawn."""

    key: tuple[str, ...]
    label: str
    pool: list[int]
    drawn: list[int]


@dataclass
class Draw:
    """A whole draw: the strata in key order, and the waiting voluntary submissions joining the round."""

    by: tuple[str, ...]
    per_stratum: int | None
    percent: int | None
    seed: int
    strata: list[StratumDraw]
    voluntary_case_ids: list[int] = field(default_factory=list)

    @property
    def drawn(self) -> list[int]:
        return [pk for stratum in self.strata for pk in stratum.drawn]

    @property
    def pool_size(self) -> int:
        return sum(len(stratum.pool) for stratum in self.strata)

    def fingerprint(self) -> str:
        """What the draw picked, so a confirmation can tell whether the pool changed since the preview."""
        drawn = ",".join(str(pk) for pk in sorted(self.drawn))
        voluntary = ",".join(str(pk) for pk in sorted(self.voluntary_case_ids))
        return hashlib.sha256(f"{self.seed}|{drawn}|{voluntary}".encode()).hexdigest()

    def as_json(self) -> dict:
        """What the round keeps, so anyone can re-run the draw: the strata chosen, the size asked for, and
        each stratum's pool and draw (``draw_sample`` over the same pool with the same seed repeats it)."""
        return {
            "by": list(self.by),
            "per_stratum": self.per_stratum,
            "percent": self.percent,
            "groups": [
                {"key": list(s.key), "label": s.label, "pool": s.pool, "drawn": s.drawn} for s in self.strata
            ],
            "voluntary_cases": self.voluntary_case_ids,
        }


def stratum_label(by: tuple[str, ...], key: tuple[str, ...]) -> str:
    if not by:
        return ALL_PORTFOLIOS
    labels = []
    for name, value in zip(by, key, strict=True):
        choices = STRATA[name][1]
        labels.append(dict(choices.choices).get(value, value or "Not recorded"))
    return ", ".join(labels)


def sample_size(pool_size: int, *, per_stratum: int | None, percent: int | None) -> int:
    """How many to draw from a stratum of ``pool_size``: the number asked for, or the percentage rounded
    up (so a stratum with any portfolio gives at least one), never more than the stratum holds."""
    if per_stratum is not None:
        wanted = per_stratum
    elif percent is not None:
        wanted = math.ceil(pool_size * percent / 100)
    else:
        raise ValueError("A draw needs a number per stratum or a percentage.")
    return max(0, min(wanted, pool_size))


def draw_sample(
    pool: list[PoolEntry], *, by: tuple[str, ...], per_stratum: int | None, percent: int | None, seed: int
) -> Draw:
    """Draw at random within each stratum, reproducibly: one ``random.Random(seed)`` visits the strata in
    key order and samples each stratum's portfolios in id order, so the same pool and seed always give
    the same draw, whatever order the pool arrived in. No portfolio can be drawn twice."""
    unknown = set(by) - set(STRATA)
    if unknown:
        raise ValueError(f"Unknown strata: {sorted(unknown)}")
    by = tuple(name for name in STRATA if name in by)
    groups: dict[tuple[str, ...], set[int]] = defaultdict(set)
    key_of: dict[int, tuple[str, ...]] = {}
    for entry in pool:
        key = entry.key(by)
        if key_of.setdefault(entry.portfolio_id, key) != key:
            raise ValueError(f"Portfolio {entry.portfolio_id} is in the pool twice, in different strata.")
        groups[key].add(entry.portfolio_id)
    rng = random.Random(seed)
    strata = []
    for key in sorted(groups):
        members = sorted(groups[key])
        size = sample_size(len(members), per_stratum=per_stratum, percent=percent)
        drawn = sorted(rng.sample(members, size))
        strata.append(StratumDraw(key=key, label=stratum_label(by, key), pool=members, drawn=drawn))
    return Draw(by=by, per_stratum=per_stratum, percent=percent, seed=seed, strata=strata)


def _pool_rows(portfolios: QuerySet[Portfolio]) -> list[PoolEntry]:
    rows = portfolios.values_list("pk", "employer_id", *(path for path, _, _ in STRATA.values())).order_by(
        "pk"
    )
    return [PoolEntry(*row) for row in rows]


def sample_pool_national(*, actor: Actor, funding_year: str) -> list[PoolEntry]:
    """Submitted portfolios of the funding year's registrations that are in no moderation case yet."""
    actor.require(Role.NATIONAL_STAFF)
    in_a_case = ModerationCase.objects.filter(portfolio=OuterRef("pk"))
    return _pool_rows(
        Portfolio.objects.filter(submitted_at__isnull=False, registration__funding_year=funding_year).exclude(
            Exists(in_a_case)
        )
    )


def voluntary_waiting_national(*, actor: Actor, funding_year: str | None = None) -> QuerySet[ModerationCase]:
    """Voluntary submissions waiting for a round (of one funding year, if given), oldest first."""
    actor.require(Role.NATIONAL_STAFF)
    cases = case_list_national(actor=actor).filter(
        source=ModerationCase.Source.VOLUNTARY, round__isnull=True, status=ModerationCase.Status.WAITING
    )
    if funding_year:
        cases = cases.filter(portfolio__registration__funding_year=funding_year)
    return cases.order_by("created_at", "id")


def sample_preview_national(
    *,
    actor: Actor,
    funding_year: str,
    by: tuple[str, ...],
    per_stratum: int | None,
    percent: int | None,
    seed: int,
) -> Draw:
    """The draw a round would make now: over the current pool, with the waiting voluntary submissions."""
    draw = draw_sample(
        sample_pool_national(actor=actor, funding_year=funding_year),
        by=by,
        per_stratum=per_stratum,
        percent=percent,
        seed=seed,
    )
    draw.voluntary_case_ids = list(
        voluntary_waiting_national(actor=actor, funding_year=funding_year).values_list("pk", flat=True)
    )
    return draw


def funding_years_with_submissions_national(*, actor: Actor) -> list[str]:
    """Funding years that have submitted portfolios, newest first."""
    actor.require(Role.NATIONAL_STAFF)
    return list(
        Portfolio.objects.filter(submitted_at__isnull=False)
        .order_by("-registration__funding_year")
        .values_list("registration__funding_year", flat=True)
        .distinct()
    )


# --- Rounds and cases, for national staff ----------------------------------------------------------------


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


# --- The moderator's own cases ---------------------------------------------------------------------------


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


# --- The employer's side ----------------------------------------------------------------------------------


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


# --- Good-practice endorsement ----------------------------------------------------------------------------


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


# --- Exemplars --------------------------------------------------------------------------------------------


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
