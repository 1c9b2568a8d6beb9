"""Writes for the professional development plan: the NQSW writes SMART objectives; the NQSW or their
assessor records progress and marks an objective achieved or no longer relevant."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audited_create, audited_update, changed_fields
from portfolios.access import (
    is_assessor,
    is_owner,
    portfolio_statements,
)
from portfolios.models import (
    PdpObjective,
    Portfolio,
)
from portfolios.record_writes import (
    MAX_PDP_TEXT,
    checked_text,
    portfolio_for_write,
    refuse_unless,
)
from programmes.models import Registration

PDP_REQUIRED = {
    "objective": "Enter the objective: what you will be able to do, or do differently",
    "measure": "Enter how you will measure this objective",
    "actions": "Enter the actions you will take and the support you need",
    "relevance": "Enter why this objective matters to your practice",
}
PDP_WHAT = {
    "objective": "The objective",
    "measure": "How you will measure it",
    "actions": "The actions and support",
    "relevance": "Why it matters",
    "progress": "The progress notes",
}
PDP_CLOSED_NOTE = {
    PdpObjective.Status.ACHIEVED: "Enter what you achieved and how you know",
    PdpObjective.Status.DROPPED: "Enter why this objective is no longer relevant",
}


def can_update_pdp_progress(actor: Actor, registration: Registration) -> bool:
    return is_owner(actor, registration) or is_assessor(actor, registration)


def _check_pdp(
    *,
    portfolio: Portfolio,
    values: dict,
    achieve_by: datetime.date | None,
    statement_id: int | None,
    today: datetime.date,
    must_be_future: bool,
) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = {
        name: checked_text(
            errors, name, values.get(name), required=message, max_length=MAX_PDP_TEXT, what=PDP_WHAT[name]
        )
        for name, message in PDP_REQUIRED.items()
    }
    if achieve_by is None:
        errors["achieve_by"] = ["Enter the date you will achieve this objective by"]
    elif must_be_future and achieve_by <= today:
        errors["achieve_by"] = ["The date you will achieve this objective by must be in the future"]
    statement = None
    if statement_id:
        statement = next((s for s in portfolio_statements(portfolio) if s.pk == statement_id), None)
        if statement is None:
            errors["statement"] = ["Select one of the capabilities your portfolio is mapped to"]
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "achieve_by": achieve_by, "statement": statement}


@transaction.atomic
def pdp_objective_create(
    *,
    actor: Actor,
    registration: Registration,
    objective: str,
    measure: str,
    actions: str,
    relevance: str,
    achieve_by: datetime.date | None,
    statement_id: int | None = None,
    today: datetime.date | None = None,
) -> PdpObjective:
    """The NQSW adds an objective to their professional development plan. It must be SMART: specific
    (the objective), measurable (a measure), achievable (the actions and support), relevant (why it
    matters) and time-bound (a date in the future); each missing part is asked for by name."""
    actor.require(Role.NQSW, employer=registration.employer_id)
    refuse_unless(is_owner(actor, registration), "Only the NQSW writes their development plan.")
    portfolio = portfolio_for_write(actor, registration)
    data = _check_pdp(
        portfolio=portfolio,
        values={"objective": objective, "measure": measure, "actions": actions, "relevance": relevance},
        achieve_by=achieve_by,
        statement_id=statement_id,
        today=today or clock.today(),
        must_be_future=True,
    )
    return audited_create(
        PdpObjective,
        actor=actor,
        action="pdp_objective.created",
        audit=("achieve_by", "statement"),
        changes={"registration": registration.pk},
        employer_id=registration.employer_id,
        portfolio=portfolio,
        created_by=actor.user,
        **data,
    )


OBJECTIVE_CHANGED = (
    "Someone else changed this objective since you opened it. Your text is below: check the "
    "objective as it is now before you save again."
)


@transaction.atomic
def pdp_objective_update(
    *,
    actor: Actor,
    pdp_objective: PdpObjective,
    version: int,
    objective: str,
    measure: str,
    actions: str,
    relevance: str,
    achieve_by: datetime.date | None,
    statement_id: int | None = None,
    today: datetime.date | None = None,
) -> PdpObjective:
    """The NQSW rewrites an objective that is still in progress. The SMART rules apply again; a new date
    must be in the future (an unchanged one may have passed)."""
    registration = pdp_objective.portfolio.registration
    actor.require(Role.NQSW, employer=pdp_objective.employer_id)
    refuse_unless(is_owner(actor, registration), "Only the NQSW writes their development plan.")
    portfolio = portfolio_for_write(actor, registration)
    if pdp_objective.status != PdpObjective.Status.OPEN:
        raise ValidationError(
            f"This objective is marked {pdp_objective.get_status_display().lower()}: it is kept as it was. "
            "Add a new objective instead."
        )
    data = _check_pdp(
        portfolio=portfolio,
        values={"objective": objective, "measure": measure, "actions": actions, "relevance": relevance},
        achieve_by=achieve_by,
        statement_id=statement_id,
        today=today or clock.today(),
        must_be_future=achieve_by != pdp_objective.achieve_by,
    )
    before = {name: getattr(pdp_objective, name) for name in (*PDP_REQUIRED, "achieve_by")}
    before["statement"] = pdp_objective.statement_id
    after = {
        **{name: data[name] for name in (*PDP_REQUIRED, "achieve_by")},
        "statement": statement_id or None,
    }
    chosen = data.pop("statement")
    data["statement_id"] = chosen.pk if chosen else None
    return audited_update(
        pdp_objective,
        version,
        OBJECTIVE_CHANGED,
        actor=actor,
        action="pdp_objective.changed",
        changes=changed_fields(before, after),
        words=PDP_REQUIRED,
        stale_without_version=True,
        **data,
    )


@transaction.atomic
def pdp_objective_progress(
    *, actor: Actor, pdp_objective: PdpObjective, version: int, status: str, progress: str
) -> PdpObjective:
    """The NQSW or their assessor records progress, and marks the objective achieved or no longer
    relevant (with a note saying what was achieved, or why)."""
    registration = pdp_objective.portfolio.registration
    actor.require(Role.NQSW, Role.ASSESSOR, employer=pdp_objective.employer_id)
    refuse_unless(
        can_update_pdp_progress(actor, registration),
        "Only the NQSW or their assessor updates the progress of an objective.",
    )
    portfolio_for_write(actor, registration)
    errors: dict[str, list[str]] = {}
    if status not in PdpObjective.Status.values:
        errors["status"] = ["Select where the objective has got to"]
    progress = checked_text(
        errors,
        "progress",
        progress,
        required=PDP_CLOSED_NOTE.get(status, "Enter the progress made so far"),
        max_length=MAX_PDP_TEXT,
        what=PDP_WHAT["progress"],
    )
    if errors:
        raise ValidationError(errors)
    return audited_update(
        pdp_objective,
        version,
        OBJECTIVE_CHANGED,
        actor=actor,
        action="pdp_objective.progress_updated",
        changes=changed_fields(
            {"status": pdp_objective.status, "progress": pdp_objective.progress},
            {"status": status, "progress": progress},
        ),
        words=["progress"],
        stale_without_version=True,
        status=status,
        progress=progress,
    )
