"""Disclosure control on its own (no database): the rules, and the proof that no hidden count can be
worked out from what is shown.

The proof is by enumeration. The reader is given more than any page shows: the exact total who answered
(a page shows it rounded) and the rules themselves, so they can run ``protect`` on every table they can
imagine. A hidden count is safe if the tables of that total that would be shown exactly as this one was
do not all agree on it. Tables are independent given the total (each is one question's answers), and
the total is all the figures above the tables (answered, not answered) can tell, so this covers the
whole page.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equality.disclosure import (
    LOWEST_MINIMUM_ANSWERS,
    TableDisclosure,
    approximately,
    band,
    protect,
    publish,
    rounded,
)


def tables_of(total: int, cells: int):
    """Every table of ``cells`` counts adding up to ``total``."""
    for cuts in itertools.combinations_with_replacement(range(total + 1), cells - 1):
        bounds = (0, *cuts, total)
        yield tuple(bounds[i + 1] - bounds[i] for i in range(cells))


@functools.cache
def shown_alike(total: int, cells: int) -> dict[TableDisclosure, tuple[tuple[int, ...], ...]]:
    """Every table of the total, grouped by how it is shown."""
    groups = defaultdict(list)
    for counts in tables_of(total, cells):
        groups[protect(counts)].append(counts)
    return {shown: tuple(tables) for shown, tables in groups.items()}


def exposed(counts: tuple[int, ...]) -> list[int]:
    """The cells a reader who knows the exact total and the rules could work out, though not shown."""
    shown = protect(counts)
    alike = shown_alike(sum(counts), len(counts))[shown]
    assert counts in alike
    unshown = range(len(counts)) if shown.withheld else shown.hidden
    return [index for index in unshown if len({table[index] for table in alike}) < 2]


# The rules -----------------------------------------------------------------------------------------------


def test_numbers_are_rounded_to_the_nearest_5_and_each_stands_for_a_range():
    assert [rounded(n) for n in (5, 6, 7, 8, 12, 13, 17, 18)] == [5, 5, 5, 10, 10, 15, 15, 20]
    assert band(0) == (0, 0) and band(5) == (5, 7) and band(10) == (8, 12) and band(15) == (13, 17)
    assert approximately(17, below=5) == {"about": 15} and approximately(4, below=5) == {"below": 5}
    assert approximately(0, below=5) == {"below": 5}


def test_a_count_from_1_to_4_is_hidden_zero_is_shown_and_others_are_rounded():
    shown = protect([12, 3, 4, 0, 6])
    assert shown.shown == (10, None, None, 0, 5) and not shown.withheld


def test_one_small_count_is_never_hidden_alone_and_never_with_a_zero():
    """The attack of finding #12.1: one small count and zeros elsewhere used to hide the first zero."""
    shown = protect([0, 0, 9, 1, 0, 7])
    assert shown.shown[3] is None
    assert shown.shown[0] == 0 and shown.shown[1] == 0 and shown.shown[4] == 0
    assert len(shown.hidden) >= 2
    assert shown.shown == (0, 0, 10, None, 0, None)  # the smallest other count, 7, protects the 1


def test_more_counts_are_hidden_until_no_hidden_count_can_be_worked_out():
    # 8, 1, 1: the two 1s are hidden; with the total (10) and the 8 shown as "10" (8 to 12), they must
    # both be 1. So the 8 is hidden too, and that hides every count: the table is withheld.
    assert protect([8, 1, 1, 0]) == TableDisclosure(shown=(None, None, None, None), withheld=True)
    # 20, 1, 1: shown as "20" (18 to 22), the two hidden counts could be 1 and 1, 1 and 2, ...
    assert protect([20, 1, 1, 0]).shown == (20, None, None, 0)


def test_a_table_below_the_minimum_is_not_shown():
    tables = [("gender", [("female", 6), ("male", 3)])]
    below = publish(tables=tables, answered=9, registered=17, minimum=10)
    assert below == {
        "minimum": 10,
        "tables_shown": False,
        "answered": {"below": 10},
        "not_answered": {"about": 10},
        "tables": [],
    }
    at = publish(tables=[("gender", [("female", 7), ("male", 3)])], answered=10, registered=12, minimum=10)
    assert at["tables_shown"] and at["answered"] == {"about": 10} and at["not_answered"] == {"below": 5}
    assert at["tables"] == [
        {"field": "gender", "withheld": True, "cells": [["female", None], ["male", None]]}
    ]


# The proof -----------------------------------------------------------------------------------------------


def test_the_replayed_attack_table_hides_nothing_that_can_be_worked_out():
    """Finding #12.1's table, with enough answers for it to be shown: one small count, the rest zero."""
    assert exposed((0, 0, 0, 1, 9, 0)) == []
    assert protect((0, 0, 0, 1, 9, 0)).withheld


@pytest.mark.parametrize("cells", [2, 3, 4])
def test_no_hidden_count_of_any_small_table_can_be_worked_out(cells):
    """Every table of 2 to 4 answers with 10 to 25 answered, one by one."""
    for total in range(LOWEST_MINIMUM_ANSWERS, 26):
        for counts in tables_of(total, cells):
            assert exposed(counts) == [], counts


# Tables the size of the real questions: 3 (disability) to 6 answers (age band, ethnic group).
LARGEST_TOTAL = {2: 40, 3: 40, 4: 30, 5: 22, 6: 17}


@st.composite
def answer_tables(draw) -> tuple[int, ...]:
    cells = draw(st.integers(min_value=2, max_value=6))
    total = draw(st.integers(min_value=LOWEST_MINIMUM_ANSWERS, max_value=LARGEST_TOTAL[cells]))
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=cells - 1, max_size=cells - 1)))
    # Small counts are what the rules are about: make them likely.
    bounds = (0, *cuts, total)
    return tuple(bounds[i + 1] - bounds[i] for i in range(cells))


@settings(max_examples=300, deadline=None)
@given(answer_tables())
def test_no_hidden_count_can_be_worked_out_from_what_is_shown(counts):
    shown = protect(counts)
    # The rules as stated: a zero is never hidden to protect a count (only a withheld table hides
    # zeros); a table has no hidden count or at least two; what is shown is the rounded count.
    if shown.withheld:
        assert any(0 < count < 5 for count in counts)
    else:
        assert all(counts[index] > 0 for index in shown.hidden)
        assert len(shown.hidden) != 1
        for count, figure in zip(counts, shown.shown, strict=True):
            if figure is not None:
                low, high = band(figure)
                assert low <= count <= high
    assert exposed(counts) == []
