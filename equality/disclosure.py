"""Disclosure control: what may be shown of an employer's equality counts so that nobody can be singled out.

Pure functions on numbers; the database is not read here. Every place that shows equality figures
(the co-ordinator's page, national figures by employer and nationally) shows what ``publish`` returns,
taken as a snapshot (``equality.snapshots``); nothing shows a live count.

The rules, for the figures of one group of NQSWs (one employer's, or everyone's, for one funding year):

1. **Minimum.** No table is shown unless at least ``minimum`` NQSWs have answered (data:
   ``EqualityDisclosureRule.minimum_answers``, 10 unless national staff raise it; never below 10). Below
   it the page says the tables are not shown and why.
2. **Small counts.** A count from 1 to 4 is hidden. Zero is shown: an empty answer hides nobody, and
   zero is never hidden to protect another count.
3. **Rounding.** Every number shown is rounded to the nearest 5 (5 to 7 show as 5, 8 to 12 as 10, ...):
   the counts, the total who answered and the number who have not answered (which shows "fewer than 5"
   from 0 to 4). So a shown total never gives a hidden count, or the exact number who answered, by
   subtraction, and the number who have not answered never gives the number who answered.
4. **Complementary suppression.** When a table has a hidden count, further non-zero counts are hidden,
   smallest first, until every hidden count could still be at least two different numbers for someone
   who knows the exact total who answered, the range each shown number stands for, that a hidden count
   hidden as small is 1 to 4, and that one hidden to protect it is at least 5 and no larger than any
   count still shown (``_protected``). A table always has no hidden count, or at least two.
5. **Withheld tables.** If that hides every non-zero count, the whole table is withheld, its zeros
   too, so that which answers nobody gave does not pin the hidden counts down.

``tests/equality/test_disclosure.py`` checks, by enumerating every table of the same total, that an
attacker who knows these rules and the exact total cannot work out any hidden count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SMALL_COUNT = 5  # counts from 1 to SMALL_COUNT - 1 are hidden
ROUNDING_BASE = 5
HALF_BASE = ROUNDING_BASE // 2
DEFAULT_MINIMUM_ANSWERS = 10
# Below this the rules above no longer prove that a withheld table hides every count (a table of six
# answers from six people would give each one away), so national staff cannot set a lower minimum.
LOWEST_MINIMUM_ANSWERS = 10


def rounded(count: int) -> int:
    """``count`` (5 or more) to the nearest 5; no whole number is half way between two."""
    return max(ROUNDING_BASE, ROUNDING_BASE * ((count + HALF_BASE) // ROUNDING_BASE))


def band(shown: int) -> tuple[int, int]:
    """The counts a shown number can stand for: 0 is exactly 0, 5 is 5 to 7, 10 is 8 to 12, and so on."""
    if shown == 0:
        return (0, 0)
    return (max(SMALL_COUNT, shown - HALF_BASE), shown + HALF_BASE)


def approximately(count: int, *, below: int) -> dict[str, int]:
    """A total as it may be shown: ``{"below": n}`` ("fewer than n") or ``{"about": rounded}``."""
    if count < below:
        return {"below": below}
    return {"about": rounded(count)}


@dataclass(frozen=True)
class TableDisclosure:
    """One table as it may be shown: each count rounded, or None where it is hidden."""

    shown: tuple[int | None, ...]
    withheld: bool

    @property
    def hidden(self) -> tuple[int, ...]:
        return tuple(index for index, count in enumerate(self.shown) if count is None)


def _shown_count(count: int) -> int:
    return 0 if count == 0 else rounded(count)


def _protected(counts: Sequence[int], primary: set[int], complements: set[int]) -> bool:
    """True when every hidden count could still be two or more numbers (rule 4).

    The reader is given the exact total, the range of each shown number (``band``), that a count hidden
    as small is 1 to 4, and that a count hidden to protect another is at least 5 and no larger than the
    smallest count still shown (complements are taken smallest first). With one equation (the counts add
    up to the total) and a range for each count, the numbers a hidden count can be form a whole range:
    from what is left when every other count is at its largest, to what is left when each is smallest.
    """
    hidden = primary | complements
    if len(hidden) < 2:
        return False
    total = sum(counts)
    still_shown = [band(_shown_count(c))[1] for i, c in enumerate(counts) if i not in hidden and c > 0]
    largest_complement = min(still_shown) if still_shown else total
    lows, highs = [], []
    for index, count in enumerate(counts):
        if index in primary:
            low, high = 1, SMALL_COUNT - 1
        elif index in complements:
            low, high = SMALL_COUNT, largest_complement
        else:
            low, high = band(_shown_count(count))
        lows.append(low)
        highs.append(high)
    low_sum, high_sum = sum(lows), sum(highs)
    for index in hidden:
        least = max(lows[index], total - (high_sum - highs[index]))
        most = min(highs[index], total - (low_sum - lows[index]))
        if most - least < 1:
            return False
    return True


def protect(counts: Sequence[int]) -> TableDisclosure:
    """Rules 2 to 5 for one table's counts (in the table's order)."""
    primary = {index for index, count in enumerate(counts) if 0 < count < SMALL_COUNT}
    complements: set[int] = set()
    if primary:
        while not _protected(counts, primary, complements):
            candidates = [
                index
                for index, count in enumerate(counts)
                if count > 0 and index not in primary | complements
            ]
            if not candidates:
                break
            # Smallest first (the first in the table's order among equals); never a zero.
            complements.add(min(candidates, key=lambda index: (counts[index], index)))
    hidden = primary | complements
    if hidden and all(count == 0 or index in hidden for index, count in enumerate(counts)):
        return TableDisclosure(shown=(None,) * len(counts), withheld=True)
    return TableDisclosure(
        shown=tuple(None if index in hidden else _shown_count(count) for index, count in enumerate(counts)),
        withheld=False,
    )


def publish(
    *,
    tables: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    answered: int,
    registered: int,
    minimum: int,
) -> dict:
    """The figures that may be shown, as stored in a snapshot (JSON): rules 1 to 5.

    ``tables`` is ``[(field, [(answer value, count), ...]), ...]``; ``registered`` the number of NQSWs
    in the group, of whom ``answered`` have answered.
    """
    figures: dict = {
        "minimum": minimum,
        "tables_shown": answered >= minimum,
        "answered": approximately(answered, below=minimum),
        "not_answered": approximately(max(registered - answered, 0), below=SMALL_COUNT),
        "tables": [],
    }
    if answered < minimum:
        return figures
    for field, cells in tables:
        disclosure = protect([count for _, count in cells])
        figures["tables"].append(
            {
                "field": field,
                "withheld": disclosure.withheld,
                "cells": [[value, shown] for (value, _), shown in zip(cells, disclosure.shown, strict=True)],
            }
        )
    return figures
