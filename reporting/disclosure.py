"""Disclosure control for published national tables: which counts a publication hides.

Pure functions on numbers; the database is not read here (the threshold comes from
``reporting.models.DisclosureRule``, read by ``disclosure_threshold``). The internal figures (the JSON,
national staff's own pages) keep every count and list what a publication would hide; the published forms
(the PDF, the workbook, the published HTML view and CSV) show ``SUPPRESSED`` in those cells.

The rule, for one column of one table (each column is treated on its own):

1. **Primary suppression.** A count from 1 to ``threshold - 1`` is hidden. Zero is shown: an empty cell
   singles nobody out. A published sum (a total, a North/Midlands/South group) is a cell like any other,
   so a total below the threshold is hidden too.
2. **Complementary suppression.** Each published sum is an equation (the sum equals its members). Where
   a shown sum has a hidden member, its hidden members must number at least two and add up to more than
   their number, so that the sum alone cannot pin any of them down (two hidden 1s under a shown sum
   would give both away). Until that holds, the smallest shown non-zero member is hidden too (the first
   in the table's order among equals); only when no non-zero member is left is a shown zero hidden, and
   when every member is hidden already, the sum itself is hidden (and is then protected as a member of
   its own parent sum, if it has one). This repeats over every sum until nothing changes.
4. **Sums taken together.** One sum at a time is not enough when sums share cells (a total that both
   the regions and the employer types add up to, a group inside the total): ``recoverable`` works out,
   for every hidden cell, the least and most it could be given all the published sums at once, and
   while any hidden cell is pinned to one value a further cell of a sum it is in is hidden.
3. **Derived figures.** A share or a change worked out from a hidden count is hidden with it (the
   callers in ``reporting.tables`` do this). A count a caller must hide whatever its size (an equity
   table's unsuccessful completions where the group's size is hidden) is *forced*: hidden from the start,
   like a small count, and protected by rules 2 and 4 like one.

This is the usual cell-suppression rule of official statistics for tables whose sums nest (regions in
North, Midlands and South in the total); ``tests/reporting/test_disclosure.py`` works examples by hand.
It does not round: equality's figures, which describe people's protected characteristics, have their own
stricter rule (``equality.disclosure``: a minimum, rounding to 5, interval checks), unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SUPPRESSED = "[c]"  # the Government Statistical Service's marker for a confidential (suppressed) cell


@dataclass(frozen=True)
class Sum:
    """A published sum: the cell at ``total`` equals the sum of the cells at ``members``."""

    total: int
    members: tuple[int, ...]


def _sum_protects(counts: Sequence[int], hidden_members: list[int]) -> bool:
    if not hidden_members:
        return True
    if len(hidden_members) < 2:
        return False
    # Each hidden count is at least 1 (zeros are hidden only as a last resort, and a reader cannot tell
    # which); with k hidden adding up to S, each is 1 to S - (k - 1): two or more values iff S >= k + 1.
    return sum(counts[index] for index in hidden_members) >= len(hidden_members) + 1


def _hide_one_more(counts: Sequence[int], equation: Sum, hidden: set[int]) -> None:
    """Hide the smallest shown non-zero member of ``equation`` (else a shown zero, else its total)."""
    shown = [index for index in equation.members if index not in hidden]
    non_zero = [index for index in shown if counts[index] > 0]
    candidates = non_zero or shown
    if candidates:
        hidden.add(min(candidates, key=lambda index: (counts[index], index)))
    else:
        hidden.add(equation.total)


def _protect_each_sum(counts: Sequence[int], sums: Sequence[Sum], hidden: set[int]) -> None:
    changed = True
    while changed:
        changed = False
        for equation in sums:
            if equation.total in hidden:
                continue
            if _sum_protects(counts, [index for index in equation.members if index in hidden]):
                continue
            _hide_one_more(counts, equation, hidden)
            changed = True


def suppress(
    counts: Sequence[int], sums: Sequence[Sum] = (), *, threshold: int, forced: Iterable[int] = ()
) -> frozenset[int]:
    """The indices of ``counts`` a publication hides (rules 1, 2 and 4 above), the ``forced`` ones among
    them."""
    hidden = {index for index, count in enumerate(counts) if 0 < count < threshold} | set(forced)
    while hidden:
        _protect_each_sum(counts, sums, hidden)
        pinned = recoverable(counts, sums, hidden)
        if not pinned:
            break
        # Rule 4: the sums taken together still pin a cell down; open the first sum it is in that has a
        # shown cell left.
        cell, before = min(pinned), len(hidden)
        for equation in sums:
            cells = (equation.total, *equation.members)
            if cell in cells and any(index not in hidden for index in cells):
                _hide_one_more(counts, equation, hidden)
                break
        if len(hidden) == before:  # every sum it is in is hidden whole: nothing more to open
            break
    return frozenset(hidden)


def recoverable(counts: Sequence[int], sums: Sequence[Sum], hidden: set[int] | frozenset[int]) -> set[int]:
    """The hidden cells a reader could work out exactly from the shown cells and the published sums taken
    together, by any arithmetic (a linear programme per cell: its smallest and largest value given every
    sum, with each hidden count at least 1 unless it is 0, which is more than a reader knows)."""
    from scipy.optimize import linprog  # scipy is heavy: only publications need it

    variables = sorted(hidden)
    if not variables or len(sums) < 2:
        # One sum alone is rule 2's case, which ``_sum_protects`` settles exactly.
        return set()
    position = {cell: i for i, cell in enumerate(variables)}
    rows, right = [], []
    for equation in sums:
        # total - members = 0, with the shown cells moved to the right-hand side.
        terms = [(equation.total, 1)] + [(member, -1) for member in equation.members]
        if not any(cell in position for cell, _ in terms):
            continue
        row = [0.0] * len(variables)
        constant = 0.0
        for cell, sign in terms:
            if cell in position:
                row[position[cell]] += sign
            else:
                constant -= sign * counts[cell]
        rows.append(row)
        right.append(constant)
    if not rows:
        return set()
    bounds = [(1 if counts[cell] > 0 else 0, None) for cell in variables]
    pinned = set()
    for i, cell in enumerate(variables):
        objective = [0.0] * len(variables)
        objective[i] = 1.0
        low = linprog(objective, A_eq=rows, b_eq=right, bounds=bounds, method="highs")
        objective[i] = -1.0
        high = linprog(objective, A_eq=rows, b_eq=right, bounds=bounds, method="highs")
        if low.status == 0 and high.status == 0:
            if math.ceil(low.fun - 1e-6) >= math.floor(-high.fun + 1e-6):
                pinned.add(cell)
    return pinned


class Publication:
    """Every count of one publication, each figure once however many of its tables show it (the total of
    NQSWs is the by-employer-type total, the by-region total, a service area's row and a year of the
    trend), and every sum between them. ``hidden`` suppresses them all together, so a figure is hidden
    wherever it appears and no table's sums can undo another table's suppression."""

    def __init__(self) -> None:
        self._at: dict = {}
        self.counts: list[int] = []
        self.sums: list[Sum] = []
        self._forced: set = set()

    def figure(self, key, count: int):
        """Register ``key`` with its count (again: the same figure, which must have the same count)."""
        if key in self._at:
            if self.counts[self._at[key]] != count:
                shown = self.counts[self._at[key]]
                raise ValueError(f"{key!r} is {shown} in one table and {count} in another")
        else:
            self._at[key] = len(self.counts)
            self.counts.append(count)
        return key

    def add_sum(self, total, members) -> None:
        self.sums.append(Sum(self._at[total], tuple(self._at[member] for member in members)))

    def force(self, key) -> None:
        """Hide the registered figure ``key`` whatever its count (rule 3's forced cells)."""
        self._forced.add(self._at[key])

    def keys(self) -> list:
        """Every registered figure's key, in the order of ``counts``."""
        return list(self._at)

    def index(self, key) -> int:
        """Where ``key``'s count is in ``counts``."""
        return self._at[key]

    def hidden(self, threshold: int | None) -> frozenset:
        """The keys a publication at ``threshold`` hides (nothing without a threshold)."""
        if not threshold:
            return frozenset()
        keys = list(self._at)
        hidden = suppress(self.counts, self.sums, threshold=threshold, forced=self._forced)
        return frozenset(keys[i] for i in hidden)


def share(part: int, whole: int) -> int | None:
    """``part`` as a whole percentage of ``whole`` (half up), or None when ``whole`` is 0."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)
