"""Reading equality monitoring: the NQSW's own answers, and the figures that may be shown of everyone's.

Nobody but the NQSW reads one person's answers. Row-level security enforces it: an employer's ordinary
request sees no rows at all. Employers and national staff see only snapshots of figures made under
disclosure control (``equality.disclosure`` says what may be shown, ``equality.snapshots`` when it is
taken): ``equality_aggregates`` reads the employer's snapshot shown today, and
``equality_aggregates_national`` reads the national one, or one employer's, in the audited national
scope. No selector counts live answers, so a page never changes the moment one person answers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.national import national_scope
from equality.dimensions import DIMENSIONS
from equality.models import EqualityMonitoring, EqualityNationalSnapshot, EqualitySnapshot
from programmes.models import Registration
from programmes.selectors import OPEN_STATUSES

HIDDEN = "[c]"


# The NQSW's own answers -------------------------------------------------------------------------------


def is_own_registration(*, actor: Actor, registration: Registration) -> bool:
    """The registration describes the actor: it names them. One that only carries their email address is
    not theirs until they confirm it on their programme page (an email address typed by a co-ordinator
    proves nothing)."""
    user = actor.user
    return user is not None and registration.nqsw_id is not None and registration.nqsw_id == user.pk


def equality_registration_own(*, actor: Actor) -> Registration | None:
    """The actor's own open registration at the employer they are acting for, or None.

    Their own is one that names them (one carrying only their email address waits for them to confirm
    it on their programme page).
    """
    actor.require(Role.NQSW)
    return (
        Registration.objects.visible_to(actor)
        .filter(nqsw=actor.user, status__in=OPEN_STATUSES)
        .select_related("framework_version__framework")
        .order_by("-start_date", "-pk")
        .first()
    )


def equality_monitoring_own(*, actor: Actor, registration: Registration) -> EqualityMonitoring | None:
    """The actor's own answers for their registration, or None if they have not answered."""
    actor.require(Role.NQSW, employer=registration.employer_id)
    if not is_own_registration(actor=actor, registration=registration):
        return None
    return (
        EqualityMonitoring.objects.visible_to(actor)
        .filter(registration=registration, person=actor.user)
        .first()
    )


# Figures that may be shown ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One answer's count as shown: rounded to the nearest 5, or None when it is hidden."""

    value: str
    label: str
    count: int | None

    @property
    def hidden(self) -> bool:
        return self.count is None

    @property
    def display(self) -> str:
        return HIDDEN if self.count is None else str(self.count)


@dataclass(frozen=True)
class AggregateTable:
    field: str
    title: str
    cells: tuple[Cell, ...]
    withheld: bool = False

    @property
    def any_hidden(self) -> bool:
        return any(cell.hidden for cell in self.cells)


def _approximate_display(figure: dict) -> str:
    if "below" in figure:
        return f"fewer than {figure['below']}"
    return f"about {figure['about']}"


@dataclass(frozen=True)
class EqualityAggregates:
    """The figures of one snapshot: counts only, as they may be shown; no hidden number is held here."""

    funding_year: str
    as_at: datetime.datetime
    minimum: int
    tables_shown: bool
    answered: dict
    not_answered: dict
    tables: tuple[AggregateTable, ...]

    @property
    def answered_display(self) -> str:
        return _approximate_display(self.answered)

    @property
    def not_answered_display(self) -> str:
        return _approximate_display(self.not_answered)

    @property
    def any_hidden(self) -> bool:
        return any(table.any_hidden or table.withheld for table in self.tables)


def _labels(choices) -> dict[str, str]:
    return dict(choices.choices)


def aggregates_from(snapshot: EqualitySnapshot | EqualityNationalSnapshot) -> EqualityAggregates:
    """A snapshot's stored figures with the questions' titles and answers' labels."""
    figures = snapshot.figures
    questions = {field: (title, _labels(choices)) for field, title, choices in DIMENSIONS}
    tables = []
    for table in figures.get("tables", []):
        title, labels = questions.get(table["field"], (table["field"], {}))
        cells = tuple(Cell(value=v, label=labels.get(v, v), count=count) for v, count in table["cells"])
        tables.append(
            AggregateTable(field=table["field"], title=title, cells=cells, withheld=table["withheld"])
        )
    return EqualityAggregates(
        funding_year=snapshot.funding_year,
        as_at=snapshot.taken_at,
        minimum=figures["minimum"],
        tables_shown=figures["tables_shown"],
        answered=figures["answered"],
        not_answered=figures["not_answered"],
        tables=tuple(tables),
    )


def _shown_today(snapshots):
    """The snapshot shown today: the latest taken before today (one taken today is shown tomorrow)."""
    return snapshots.filter(taken_on__lt=clock.today()).order_by("-taken_on").first()


def equality_funding_years(*, actor: Actor) -> list[str]:
    """The funding years of the employer's registrations, latest first."""
    actor.require(Role.COORDINATOR)
    return list(
        Registration.objects.visible_to(actor)
        .order_by("-funding_year")
        .values_list("funding_year", flat=True)
        .distinct()
    )


def equality_aggregates(*, actor: Actor, funding_year: str) -> EqualityAggregates | None:
    """The employer's equality figures for one funding year as shown today (None until its first
    snapshot has been taken on an earlier day). Co-ordinators only.

    Reads the stored snapshot, never the answers: an employer's request sees no equality row.
    """
    actor.require(Role.COORDINATOR)
    snapshot = _shown_today(EqualitySnapshot.objects.visible_to(actor).filter(funding_year=funding_year))
    return aggregates_from(snapshot) if snapshot else None


def equality_aggregates_national(
    *, actor: Actor, funding_year: str, employer_id: int | None = None
) -> EqualityAggregates | None:
    """National figures for one funding year as shown today, or one employer's (the very figures its
    co-ordinators see, under the same disclosure control). None until a snapshot has been taken.

    For national reports. Reads in the audited national scope itself, so every use is recorded.
    """
    actor.require(Role.NATIONAL_STAFF)
    purpose = f"equality aggregates (funding year {funding_year}, employer {employer_id or 'all'})"
    with national_scope(actor=actor, purpose=purpose):
        if employer_id is None:
            snapshots = EqualityNationalSnapshot.objects.filter(funding_year=funding_year)
        else:
            snapshots = EqualitySnapshot.objects.for_employer(employer_id).filter(funding_year=funding_year)
        snapshot = _shown_today(snapshots)
        return aggregates_from(snapshot) if snapshot else None
