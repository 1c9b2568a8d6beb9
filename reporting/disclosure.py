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
3. **Derived figures.** A share or a change worked out from a hidden count is hidden with it (the
   callers in ``reporting.tables`` do this).

This is the usual cell-suppression rule of official statistics for tables whose sums nest (regions in
North, Midlands and South in the total); ``tests/reporting/test_disclosure.py`` works examples by hand.
It does not round: equality's figures, which describe people's protected characteristics, have their own
stricter rule (``equality.disclosure``: a minimum, rounding to 5, interval checks), unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def suppress(counts: Sequence[int], sums: Sequence[Sum] = (), *, threshold: int) -> frozenset[int]:
    """The indices of ``counts`` a publication hides (rules 1 and 2 above)."""
    hidden = {index for index, count in enumerate(counts) if 0 < count < threshold}
    changed = bool(hidden)
    while changed:
        changed = False
        for equation in sums:
            if equation.total in hidden:
                continue
            members_hidden = [index for index in equation.members if index in hidden]
            if _sum_protects(counts, members_hidden):
                continue
            shown = [index for index in equation.members if index not in hidden]
            non_zero = [index for index in shown if counts[index] > 0]
            candidates = non_zero or shown
            if candidates:
                hidden.add(min(candidates, key=lambda index: (counts[index], index)))
            else:
                hidden.add(equation.total)
            changed = True
    return frozenset(hidden)


def share(part: int, whole: int) -> int | None:
    """``part`` as a whole percentage of ``whole`` (half up), or None when ``whole`` is 0."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)
