"""The kinds of job the domain apps register, through ``settings.ASYE_CONTRIBUTIONS["job_kinds"]``.

A contributing module (``funding/jobs.py``, ``portfolios/jobs.py``) lists ``JOB_KINDS = [JobKind(...)]``.
``run(job, progress)`` does the work inside the job's tenant context (the employer's, or the system national
context for a national job) and returns a ``JobOutput``; it calls ``progress(done, total)`` as it goes and
raises ``JobError`` with messages for the person when the job cannot be done. Whoever starts a job has
already decided the person may have what it makes: ``run`` takes no actor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from asye.contributions import contributions

if TYPE_CHECKING:
    from asye.jobs.models import Job

ProgressReporter = Callable[[int, int], None]


class JobError(Exception):
    """The job cannot be done, for reasons the person can read (shown on the job's page)."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass(frozen=True)
class JobOutput:
    """What a job made: a file (its bytes, or the storage name of a file it has already stored, like a
    cached pack), or records, told in ``summary`` (a sentence for the person) and ``figures`` (kept on the
    job for the history page). A job that makes no file leaves ``filename`` empty."""

    filename: str = ""
    content_type: str = ""
    content: bytes | None = None
    stored_name: str = ""
    summary: str = ""
    figures: dict = field(default_factory=dict)

    @property
    def has_file(self) -> bool:
        return bool(self.filename) and (self.content is not None or bool(self.stored_name))


@dataclass(frozen=True)
class JobKind:
    """``result_url(job)``, if given, is where the finished job's page sends people for the result (a page
    that checks their access again, like the portfolio pack's); else the job's own download serves it."""

    name: str
    run: Callable[[Job, ProgressReporter], JobOutput]
    result_url: Callable[[Job], str] | None = None
    # What the kind is called on national staff's job history page (default: its name).
    title: str = ""
    # For a kind that makes records, not a file: the result link's words, and the heading of a failure.
    result_label: str = ""
    failed_heading: str = ""


@functools.cache
def _registry() -> dict[str, JobKind]:
    kinds: dict[str, JobKind] = {}
    for module in contributions("job_kinds"):
        for kind in module.JOB_KINDS:
            if kind.name in kinds:
                raise ValueError(f"Job kind {kind.name!r} is registered twice")
            kinds[kind.name] = kind
    return kinds


def job_kinds() -> list[JobKind]:
    """Every registered kind, in the order the apps list them."""
    return list(_registry().values())


def job_kind(name: str) -> JobKind:
    """The registered kind called ``name`` (``KeyError`` if none is)."""
    return _registry()[name]
