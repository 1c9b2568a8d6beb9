"""The NQAP moderation pack of a case: whether the portfolio's pack as it is now is kept already, and how
many records it holds (which decides whether the pack is made while the moderator waits or by a background
job, ``reviews.jobs``). As ``portfolios.pack``: for code that has decided the reader (the case's
moderator)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage

from portfolios.models import Portfolio
from portfolios.pack import pack_storage_name, pack_version
from portfolios.selectors import portfolio_contents


@dataclass(frozen=True)
class ModerationPackPlan:
    name: str  # the storage name of this version of the pack
    stored: bool
    records: int  # evidence, observations, feedback, objectives and self-assessments in the pack


def moderation_pack_plan(portfolio: Portfolio) -> ModerationPackPlan:
    contents = portfolio_contents(portfolio)
    name = pack_storage_name(contents.registration, pack_version(contents))
    records = (
        len(contents.evidence)
        + len(contents.observations)
        + len(contents.feedback)
        + len(contents.objectives)
        + len(contents.self_assessments)
    )
    return ModerationPackPlan(name=name, stored=default_storage.exists(name), records=records)
