"""What every write about reviews shares: the length limits, trimming text, the versioned save (``claim``,
and ``claim_audited`` with its audit event) that raises ``Conflict`` with each kind of record's own
message, the save a change to one of a record's parts gives it (``part_saved``), and the refusal to change
a closed plan or panel."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from asye.accounts.actor import Actor
from asye.audit.services import audit_record, audited_update
from asye.records import version_bump, versioned_update
from reviews.models import FinalRecommendation, ModerationPanel, Review, SupportPlan

MAX_REPORT_LENGTH = 20_000


MAX_COMMENT_LENGTH = 10_000


MAX_REASON_LENGTH = 2_000


MAX_NAME_LENGTH = 200


REVIEW_CONFLICT = (
    "Someone else saved this review while you were editing it. Your changes have not been saved: they are "
    "still in the form. Check the review as it is now, then save again."
)


RECOMMENDATION_CONFLICT = (
    "Someone else saved this recommendation while you were editing it. Your changes have not been saved: "
    "they are still in the form. Check the recommendation as it is now, then save again."
)


PANEL_CONFLICT = (
    "Someone else changed this panel or recorded a decision while you were working on it. Your decision "
    "has not been saved. Check the panel as it is now, then record it again."
)


PLAN_CONFLICT = (
    "Someone else saved this support plan while you were editing it. Your changes have not been saved: "
    "they are still in the form. Check the plan as it is now, then save again."
)


CONFLICTS = {
    Review: REVIEW_CONFLICT,
    FinalRecommendation: RECOMMENDATION_CONFLICT,
    ModerationPanel: PANEL_CONFLICT,
    SupportPlan: PLAN_CONFLICT,
}


def format_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def clean_text(errors: dict, name: str, value: str, *, limit: int, label: str, required: str = "") -> str:
    """``value`` stripped; "<label> must be <limit> characters or fewer" against ``name`` when longer, and
    ``required`` (the message for a missing answer; empty: it is optional) when blank."""
    value = (value or "").strip()
    if len(value) > limit:
        errors[name] = [f"{label} must be {limit:,} characters or fewer"]
    elif required and not value:
        errors.setdefault(name, [required])
    return value


def claim(record: Review | SupportPlan | FinalRecommendation | ModerationPanel, version: int, **changes):
    """Write ``changes`` if the record is still at ``version``; else ``Conflict`` (its kind's message in
    ``CONFLICTS``), and nothing is written."""
    return versioned_update(record, version, CONFLICTS[type(record)], stale_without_version=True, **changes)


def claim_audited(
    record: Review | SupportPlan | FinalRecommendation | ModerationPanel,
    version: int,
    *,
    actor: Actor,
    action: str,
    changes: dict,
    words: Iterable[str] = (),
    **fields,
):
    """``claim`` the record's ``fields`` and audit ``changes`` as ``action``, the words named in ``words``
    kept out of the trail (shown as ``["changed"]``); with no ``changes`` nothing is written."""
    return audited_update(
        record,
        version,
        CONFLICTS[type(record)],
        actor=actor,
        action=action,
        changes=changes,
        words=words,
        mark=["changed"],
        stale_without_version=True,
        **fields,
    )


def part_saved(record: Review | SupportPlan, *, actor: Actor, action: str, changes: dict) -> None:
    """A part of ``record`` was added, changed or removed (a review's practice example, a plan's action):
    that is a save of the record, so its version moves on (``version_bump``) and it is audited as
    ``action``."""
    version_bump(record)
    audit_record(actor=actor, obj=record, action=action, changes=changes)


def require_not_closed(record: SupportPlan | ModerationPanel, what: str) -> None:
    """ValidationError unless the plan or panel is still open: once closed it no longer changes."""
    if record.status != type(record).Status.OPEN:
        raise ValidationError(f"This {what} is closed: it can no longer be changed.")
