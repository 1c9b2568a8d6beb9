"""Reading equality monitoring: the NQSW's own answers, and counts with small numbers hidden.

Nobody but the NQSW reads one person's answers. Row-level security enforces it: an employer's ordinary
request sees no rows at all. ``equality_aggregates`` turns on ``app.equality_aggregate`` for exactly
one counting query, and ``equality_aggregates_national`` counts in the audited national scope. Both
return only counts, after the suppression rule below.

The suppression rule (also shown on the co-ordinator's page):

1. Primary: a count from 1 to 4 is hidden, shown as "[c]" (fewer than 5). Zero is shown.
2. Secondary: if exactly one count in a table is hidden, the next smallest count is hidden too (the
   smallest above zero, or a zero if every other count is zero), so the hidden one cannot be worked
   out by subtracting the others from the total. Every hidden cell looks the same.
3. When any count is hidden, the number who answered is shown rounded to the nearest 5 ("fewer than 5"
   below 5).

The number of NQSWs who have not answered is shown exactly, because co-ordinators need it to remind
people. Since a co-ordinator also knows how many NQSWs they registered, they can work out the exact
number who answered: the protection therefore rests on rules 1 and 2 (at least two hidden cells in
any table with a hidden cell); rule 3 is a further safeguard for figures shared outside the employer.
Comparing overlapping sets of NQSWs (all years against one year, or the same year before and after
one more person answers) can narrow hidden numbers down; the co-ordinator's page therefore shows one
funding year at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.db import tenant_settings
from asye.tenancy.national import national_scope
from equality.models import AgeBand, Disability, EqualityMonitoring, EthnicGroup, Gender, Nationality
from programmes.models import Registration
from programmes.selectors import OPEN_STATUSES

SMALL_NUMBER = 5
HIDDEN = "[c]"

# (field, table title, choices), in the order the tables are shown.
DIMENSIONS = (
    ("gender", "Gender", Gender),
    ("age_band", "Age at the start of the programme", AgeBand),
    ("ethnic_group", "Ethnic group", EthnicGroup),
    ("nationality", "Nationality", Nationality),
    ("disability", "Disability or long-term health condition", Disability),
)


# The NQSW's own answers -------------------------------------------------------------------------------


def is_own_registration(*, actor: Actor, registration: Registration) -> bool:
    """The registration describes the actor: it names them, or carries their email and names nobody."""
    user = actor.user
    if user is None:
        return False
    if registration.nqsw_id is not None:
        return registration.nqsw_id == user.pk
    return bool(registration.email) and registration.email.lower() == user.email.lower()


def equality_registration_own(*, actor: Actor) -> Registration | None:
    """The actor's own open registration at the employer they are acting for, or None.

    Their own is one that names them, or one that names nobody yet and carries their email address.
    (``programmes.selectors.registration_list`` gives an NQSW only the registrations that name them.)
    """
    actor.require(Role.NQSW)
    user = actor.user
    mine = Q(nqsw=user) | Q(nqsw__isnull=True, email__iexact=user.email)
    return (
        Registration.objects.visible_to(actor)
        .filter(mine, status__in=OPEN_STATUSES)
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


# Counts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One answer's count; ``count`` is None when it is hidden."""

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

    @property
    def any_hidden(self) -> bool:
        return any(cell.hidden for cell in self.cells)


@dataclass(frozen=True)
class EqualityAggregates:
    """Counts only: no row, no person. Hidden numbers are not held here at all."""

    funding_year: str | None
    tables: tuple[AggregateTable, ...]
    answered_display: str
    answered_rounded: bool
    not_answered: int

    @property
    def any_hidden(self) -> bool:
        return any(table.any_hidden for table in self.tables)


def suppress(counts: Sequence[tuple[str, str, int]]) -> tuple[Cell, ...]:
    """Apply rules 1 and 2 (see the module docstring) to one table's ``(value, label, count)``."""
    hidden = {index for index, (_, _, count) in enumerate(counts) if 0 < count < SMALL_NUMBER}
    if len(hidden) == 1:
        others = [index for index in range(len(counts)) if index not in hidden]
        # Hiding a zero next to one small number would not protect it: total minus the rest would
        # still give it. So the smallest count above zero goes first; a zero only if nothing else is left.
        others.sort(key=lambda index: (counts[index][2] == 0, counts[index][2], index))
        if others:
            hidden.add(others[0])
    return tuple(
        Cell(value=value, label=label, count=None if index in hidden else count)
        for index, (value, label, count) in enumerate(counts)
    )


def rounded_total(total: int, *, any_hidden: bool) -> str:
    """Rule 3: the total as it may be shown."""
    if not any_hidden:
        return str(total)
    if total < SMALL_NUMBER:
        return f"fewer than {SMALL_NUMBER}"
    return f"about {SMALL_NUMBER * ((total + SMALL_NUMBER // 2) // SMALL_NUMBER)}"


def _count_answers(answers: QuerySet[EqualityMonitoring]) -> dict:
    """One SQL statement: the number of answers and, for every answer to every question, its count
    (COUNT(*) FILTER (WHERE ...)); a single row of numbers comes back, never a person's row."""
    aggregates = {"answered": Count("pk")}
    keys = {}
    for field, _, choices in DIMENSIONS:
        for value in choices.values:
            alias = f"n{len(keys)}"
            keys[alias] = (field, value)
            aggregates[alias] = Count("pk", filter=Q(**{field: value}))
    row = answers.order_by().aggregate(**aggregates)
    counts = {keys[alias]: row[alias] for alias in keys}
    counts["answered"] = row["answered"]
    return counts


def _build(*, counts: dict, registered: int, funding_year: str | None) -> EqualityAggregates:
    tables = tuple(
        AggregateTable(
            field=field,
            title=title,
            cells=suppress([(value, label, counts[(field, value)]) for value, label in choices.choices]),
        )
        for field, title, choices in DIMENSIONS
    )
    any_hidden = any(table.any_hidden for table in tables)
    answered = counts["answered"]
    return EqualityAggregates(
        funding_year=funding_year,
        tables=tables,
        answered_display=rounded_total(answered, any_hidden=any_hidden),
        answered_rounded=any_hidden,
        not_answered=max(registered - answered, 0),
    )


def equality_funding_years(*, actor: Actor) -> list[str]:
    """The funding years of the employer's registrations, latest first."""
    actor.require(Role.COORDINATOR)
    return list(
        Registration.objects.visible_to(actor)
        .order_by("-funding_year")
        .values_list("funding_year", flat=True)
        .distinct()
    )


def equality_aggregates(*, actor: Actor, funding_year: str | None = None) -> EqualityAggregates:
    """Counts of the answers given about the employer's registrations (of one funding year, if given),
    with small numbers hidden. Co-ordinators only.

    ``app.equality_aggregate`` is on only while the single counting statement runs; before and after it,
    the request sees no equality row at all.
    """
    actor.require(Role.COORDINATOR)
    answers = EqualityMonitoring.objects.visible_to(actor)
    registrations = Registration.objects.visible_to(actor)
    if funding_year:
        answers = answers.filter(registration__funding_year=funding_year)
        registrations = registrations.filter(funding_year=funding_year)
    with tenant_settings(equality_aggregate=True):
        counts = _count_answers(answers)
    return _build(counts=counts, registered=registrations.count(), funding_year=funding_year)


def equality_aggregates_national(
    *, actor: Actor, funding_year: str | None = None, employer_id: int | None = None
) -> EqualityAggregates:
    """National counts (of one funding year and one employer, if given), with the same suppression.

    For national reports. Runs in the audited national scope itself, so every use is recorded.
    """
    actor.require(Role.NATIONAL_STAFF)
    purpose = f"equality aggregates (funding year {funding_year or 'all'}, employer {employer_id or 'all'})"
    with national_scope(actor=actor, purpose=purpose):
        answers = EqualityMonitoring.objects.all()
        registrations = Registration.objects.all()
        if funding_year:
            answers = answers.filter(registration__funding_year=funding_year)
            registrations = registrations.filter(funding_year=funding_year)
        if employer_id is not None:
            answers = answers.for_employer(employer_id)
            registrations = registrations.for_employer(employer_id)
        counts = _count_answers(answers)
        registered = registrations.count()
    return _build(counts=counts, registered=registered, funding_year=funding_year)
