"""The sample of a national moderation round: the strata, the pool of submitted portfolios, the
waiting voluntary submissions and the draw from a stored seed (repeatable); read by national staff."""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.models import EmployerType, Region, ServiceArea
from portfolios.models import Portfolio
from reviews.models import (
    ModerationCase,
)
from reviews.moderation_selectors import case_list_national

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
