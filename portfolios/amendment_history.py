"""Reads for the amendment history of an assessed record (a complete observation, accepted evidence), as
its page shows it: each change with what it said before and after, why, who and when, and the NQSW's
later reflections, oldest first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from portfolios.models import Evidence, Observation, RecordAmendment

LATER_REFLECTION_LABEL = "Later reflection by the NQSW"
OBSERVATION_LABELS = {
    "observed_on": "Date",
    "setting": "Setting",
    "observer": "Observer",
    "statements": "Capabilities",
    "observer_assessment": "The observer's assessment",
    "person_feedback": "Feedback from the person the NQSW worked with",
}
EVIDENCE_LABELS = {
    "title": "Title",
    "occurred_on": "Date of practice",
    "description": "The evidence",
    "statements": "Capabilities",
    "files": "Files",
    "reflection": "Critical reflection",
}
DATE_FIELDS = frozenset({"observed_on", "occurred_on"})


@dataclass(frozen=True)
class HistoryRow:
    label: str
    old: str
    new: str
    reason: str
    by: str
    at: datetime.datetime
    later_reflection: bool


def _shown(field: str, value: str) -> str:
    if field in DATE_FIELDS and value:
        day = datetime.date.fromisoformat(value)
        return f"{day.day} {day:%B %Y}"
    return value


def _rows(amendments, labels: dict[str, str]) -> list[HistoryRow]:
    rows = []
    for amendment in amendments.select_related("amended_by").order_by("amended_at", "id"):
        later = amendment.field == RecordAmendment.LATER_REFLECTION
        person = amendment.amended_by
        rows.append(
            HistoryRow(
                label=LATER_REFLECTION_LABEL if later else labels.get(amendment.field, amendment.field),
                old=_shown(amendment.field, amendment.old_value),
                new=_shown(amendment.field, amendment.new_value),
                reason=amendment.reason,
                by=person.full_name or person.email,
                at=amendment.amended_at,
                later_reflection=later,
            )
        )
    return rows


def observation_history(observation: Observation) -> list[HistoryRow]:
    return _rows(observation.amendments.all(), OBSERVATION_LABELS)


def evidence_history(evidence: Evidence) -> list[HistoryRow]:
    return _rows(evidence.amendments.all(), EVIDENCE_LABELS)
