"""The registry through which the apps that record timeline work tell programmes what is done, without
programmes importing them: each registers a source from its ``AppConfig.ready()``
(``register_work_source(fn)``); ``fn(registration_ids)`` returns ``WorkRecord``s for those registrations, in
a fixed number of queries whatever their number. ``programmes.progress`` reads them all.

Registered now: ``reviews.progress_sources.review_work`` (reviews by month, the panel) and
``portfolios.progress_sources.portfolio_work`` (observations by number, the learning agreement)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


class ItemKind:
    """The kinds of timeline item (a work record names the one it is about)."""

    AGREEMENT = "agreement"
    OBSERVATION = "observation"
    REVIEW = "review"
    OPTIONAL_REVIEW = "optional_review"
    END = "end"
    FINAL_PANEL = "final_panel"


@dataclass(frozen=True)
class WorkRecord:
    """One piece of timeline work another app keeps. ``key``: the review's month, the observation's
    number; None for the agreement and the panel. ``done_on`` is None while it is started, not done."""

    registration_id: int
    kind: str
    key: int | None
    done_on: datetime.date | None
    url: str = ""


WorkSource = Callable[[Sequence[int]], Iterable[WorkRecord]]
_sources: dict[str, WorkSource] = {}


def register_work_source(source: WorkSource) -> None:
    """Add a source of work records (once: registering the same function again changes nothing)."""
    _sources[f"{source.__module__}.{source.__qualname__}"] = source


def work_records(registration_ids: Sequence[int]) -> dict[int, list[WorkRecord]]:
    found: dict[int, list[WorkRecord]] = defaultdict(list)
    if not registration_ids:
        return found
    for source in _sources.values():
        for record in source(registration_ids):
            found[record.registration_id].append(record)
    return found
