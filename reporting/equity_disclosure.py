"""What a publication of the equity analysis hides, worked out once for all its tables together.

Every count the equity section publishes is one figure of a ``reporting.disclosure.Publication``, the same
mechanism as the registration and quality tables, so a cell hidden in one table cannot be worked out from
another table's totals. The figures, by key (``measure`` is ``"n"`` complete cases, ``"u"`` unsuccessful
completions, ``"p"`` passed):

- ``(measure, "all")``: every complete case (each breakdown's total row, and the overview's "Complete
  cases", "Complete cases: passed" and "Complete cases: unsuccessful");
- ``(measure, predictor, level)``: a breakdown's row, which is also the total row of that level's trend
  table (its cohorts add up to it);
- ``(measure, predictor, level, cohort)``: a trend table's row; a cohort's levels add up to the cohort's
  row of the breakdown by cohort;
- ``("overview", outcome)``: the outcomes of every record, which add up to the records.

The sums: each predictor's levels add up to every complete case; each trend level's cohorts add up to the
level; each cohort's levels (of each trend predictor) add up to the cohort. Passed completions are not
shown, but a reader works them out (cases less unsuccessful), so they are figures too, with ``n = p + u``
for every group: a small number passed hides the group's unsuccessful count, since "0 of 3 were
unsuccessful" says something about each of the three. And a group whose size is hidden has its
unsuccessful count hidden with it (forced, ``Publication.force``), again for the whole publication.
"""

from __future__ import annotations

from reporting.disclosure import Publication
from reporting.equity import PREDICTORS

OUTCOMES = ("passed", "unsuccessful", "withdrawn", "in_progress")
TOTAL = ("all",)


def _group(publication: Publication, key: tuple, cell: dict) -> None:
    """The group's cases, unsuccessful and passed completions, and ``n = p + u``."""
    n = publication.figure(("n", *key), cell["n"])
    u = publication.figure(("u", *key), cell["unsuccessful"])
    p = publication.figure(("p", *key), cell["n"] - cell["unsuccessful"])
    publication.add_sum(n, [p, u])


def _add_up(publication: Publication, total: tuple, members: list[tuple]) -> None:
    for measure in ("n", "u", "p"):
        publication.add_sum((measure, *total), [(measure, *member) for member in members])


def equity_publication(summary: dict, *, forced: frozenset = frozenset()) -> Publication:
    """Every published count of ``summary`` (``reporting.equity.equity_summary``) and the sums between
    them; the ``forced`` keys hidden whatever their counts."""
    publication = Publication()
    _group(
        publication, TOTAL, {"n": summary["complete_cases"], "unsuccessful": summary["complete_unsuccessful"]}
    )
    for column, _ in PREDICTORS:
        levels = summary["by"][column]
        for level, cell in levels.items():
            _group(publication, (column, level), cell)
        _add_up(publication, TOTAL, [(column, level) for level in levels])
    for column, by_cohort in summary["trend"]["rates"].items():
        levels = list(
            dict.fromkeys(level for cells in by_cohort.values() for level, c in cells.items() if c["n"])
        )
        for level in levels:
            for cohort, cells in by_cohort.items():
                _group(publication, (column, level, cohort), cells.get(level, {"n": 0, "unsuccessful": 0}))
            _add_up(publication, (column, level), [(column, level, cohort) for cohort in by_cohort])
        for cohort in by_cohort:
            if levels:
                _add_up(publication, ("cohort", cohort), [(column, level, cohort) for level in levels])
    records = publication.figure(("overview", "records"), summary["records"])
    publication.add_sum(records, [publication.figure(("overview", name), summary[name]) for name in OUTCOMES])
    for key in forced:
        publication.force(key)
    return publication


def equity_hidden(summary: dict, *, threshold: int | None) -> frozenset:
    """The keys (above) a publication at ``threshold`` hides: worked out for the whole equity section, then
    again with each hidden group's unsuccessful count forced, until that changes nothing."""
    if not threshold:
        return frozenset()
    # The groups too small to show take their unsuccessful counts with them from the start, which saves a
    # round in the usual case; groups hidden only to protect others are found by the rounds below.
    first = equity_publication(summary)
    forced = frozenset(
        ("u", *key[1:])
        for key, count in zip(first.keys(), first.counts, strict=True)
        if key[0] == "n" and 0 < count < threshold
    )
    while True:
        hidden = equity_publication(summary, forced=forced).hidden(threshold)
        with_sizes = forced | {("u", *key[1:]) for key in hidden if key[0] == "n"}
        if with_sizes <= hidden:
            return hidden
        forced = with_sizes
