"""The employer's internal moderation panel: its date, chair and members, and its decisions, which
record the registration's outcome."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, changed_fields
from asye.records import versioned_update
from funding import hooks as funding_hooks
from programmes.models import Outcome, Registration, RegistrationStatus
from programmes.progress_store import progress_refresh
from reviews import rules
from reviews.models import FinalRecommendation, ModerationPanel, PanelDecision, PanelMember, Recommendation
from reviews.services.access import require_person
from reviews.services.saving import (
    MAX_NAME_LENGTH,
    MAX_REPORT_LENGTH,
    claim,
    claim_audited,
    clean_text,
    require_not_closed,
)


def _check_panel(held_on, chair: str) -> tuple[datetime.date, str]:
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Enter the date of the panel"]
    chair = clean_text(
        errors,
        "chair",
        chair,
        limit=MAX_NAME_LENGTH,
        label="The chair's name",
        required="Enter the name of the panel's chair",
    )
    if errors:
        raise ValidationError(errors)
    return held_on, chair


def _coordinator_in_person(actor: Actor, employer_id: int | None = None) -> None:
    actor.require(Role.COORDINATOR, employer=employer_id if employer_id is not None else actor.employer_id)
    require_person(actor)


@transaction.atomic
def panel_create(
    *, actor: Actor, held_on: datetime.date | None, chair: str, notes: str = ""
) -> ModerationPanel:
    _coordinator_in_person(actor)
    held_on, chair = _check_panel(held_on, chair)
    errors: dict[str, list[str]] = {}
    notes = clean_text(errors, "notes", notes, limit=MAX_REPORT_LENGTH, label="The notes")
    if errors:
        raise ValidationError(errors)
    panel = ModerationPanel.objects.create(
        employer_id=actor.employer_id, held_on=held_on, chair=chair, notes=notes, created_by=actor.user
    )
    audit_record(actor=actor, obj=panel, action="panel.created", changes={"held_on": held_on, "chair": chair})
    return panel


@transaction.atomic
def panel_update(
    *, actor: Actor, panel: ModerationPanel, version: int, held_on, chair: str, notes: str
) -> ModerationPanel:
    """The panel's date, chair and notes. Its date is the outcome date of what it endorses, so it cannot
    change once the panel has decided a case."""
    _coordinator_in_person(actor, panel.employer_id)
    require_not_closed(panel, "panel")
    held_on, chair = _check_panel(held_on, chair)
    errors: dict[str, list[str]] = {}
    notes = clean_text(errors, "notes", notes, limit=MAX_REPORT_LENGTH, label="The notes")
    if held_on != panel.held_on and panel.decisions.exists():
        errors["held_on"] = ["The panel's date cannot change after it has decided a case"]
    if errors:
        raise ValidationError(errors)
    before = {"held_on": panel.held_on, "chair": panel.chair, "notes": panel.notes}
    after = {"held_on": held_on, "chair": chair, "notes": notes}
    return claim_audited(
        panel, version, actor=actor, action="panel.updated", changes=changed_fields(before, after), **after
    )


@transaction.atomic
def panel_member_add(*, actor: Actor, panel: ModerationPanel, name: str, role: str) -> PanelMember:
    _coordinator_in_person(actor, panel.employer_id)
    require_not_closed(panel, "panel")
    errors: dict[str, list[str]] = {}
    name = clean_text(
        errors, "name", name, limit=MAX_NAME_LENGTH, label="The name", required="Enter the member's name"
    )
    role = clean_text(
        errors,
        "role",
        role,
        limit=MAX_NAME_LENGTH,
        label="The role",
        required="Enter the member's role, like principal social worker",
    )
    if errors:
        raise ValidationError(errors)
    member = PanelMember.objects.create(employer_id=panel.employer_id, panel=panel, name=name, role=role)
    ModerationPanel.objects.filter(pk=panel.pk).update(updated_at=clock.now())
    audit_record(actor=actor, obj=panel, action="panel.member_added", changes={"name": name, "role": role})
    return member


@transaction.atomic
def panel_member_remove(*, actor: Actor, member: PanelMember) -> None:
    panel = member.panel
    _coordinator_in_person(actor, panel.employer_id)
    require_not_closed(panel, "panel")
    if panel.decisions.exists():
        raise ValidationError("Members cannot be removed after the panel has decided a case.")
    name = member.name
    member.delete()
    audit_record(actor=actor, obj=panel, action="panel.member_removed", changes={"name": name})


@transaction.atomic
def panel_close(*, actor: Actor, panel: ModerationPanel, version: int) -> ModerationPanel:
    """Close the panel: no more decisions. Cases it did not decide wait for the next panel."""
    _coordinator_in_person(actor, panel.employer_id)
    if panel.status == ModerationPanel.Status.CLOSED:
        return panel
    panel = claim(panel, version, status=ModerationPanel.Status.CLOSED)
    audit_record(actor=actor, obj=panel, action="panel.closed")
    return panel


OUTCOME_OF = {Recommendation.PASS: Outcome.PASSED, Recommendation.UNSUCCESSFUL: Outcome.UNSUCCESSFUL}


@transaction.atomic
def panel_decide(
    *,
    actor: Actor,
    panel: ModerationPanel,
    item: FinalRecommendation,
    decision: str,
    reasons: str,
    panel_version: int,
    recommendation_version: int,
    today: datetime.date | None = None,
) -> PanelDecision:
    """Record the panel's decision on one submitted case, dated the day it is recorded (``today``): never
    before the panel meets, never at a panel held before the recommendation was submitted
    (``reviews.rules.panel_refusal``). Endorsing makes the employer the owner of the outcome: it is written
    on the registration (outcome, outcome date = the decision's day, completed), funding is told, and a
    pass makes the completion certificate available. Referring back returns it to the assessor."""
    _coordinator_in_person(actor, panel.employer_id)
    require_not_closed(panel, "panel")
    today = today or clock.today()
    if item.employer_id != panel.employer_id:
        raise PermissionDenied("Not this employer's case.")
    if refusal := rules.panel_refusal(panel, item, today=today):
        raise ValidationError(refusal)
    if not panel.members.exists():
        raise ValidationError("Add the panel's members before you record its decisions.")
    if PanelDecision.objects.filter(panel=panel, recommendation=item).exists():
        raise ValidationError("This panel has already decided this case.")
    errors: dict[str, list[str]] = {}
    if decision not in PanelDecision.Decision.values:
        errors["decision"] = ["Select whether the panel endorses the recommendation or refers it back"]
    reasons = clean_text(
        errors,
        "reasons",
        reasons,
        limit=MAX_REPORT_LENGTH,
        label="The reasons",
        required="Enter the reasons for referring the recommendation back"
        if decision == PanelDecision.Decision.REFER_BACK
        else "",
    )
    registration = Registration.objects.select_for_update().get(pk=item.registration_id)
    if decision == PanelDecision.Decision.ENDORSE and registration.status != RegistrationStatus.ACTIVE:
        errors.setdefault("decision", []).append(
            f"This registration is {registration.get_status_display().lower()}: the panel cannot endorse an "
            "outcome for it"
        )
    if errors:
        raise ValidationError(errors)
    claim(panel, panel_version)
    endorsed = decision == PanelDecision.Decision.ENDORSE
    item = claim(
        item,
        recommendation_version,
        status=FinalRecommendation.Status.ENDORSED if endorsed else FinalRecommendation.Status.REFERRED_BACK,
    )
    made = PanelDecision.objects.create(
        employer_id=panel.employer_id,
        panel=panel,
        recommendation=item,
        decision=decision,
        reasons=reasons,
        decided_by=actor.user,
    )
    audit_record(
        actor=actor,
        obj=item,
        action="final_recommendation.endorsed" if endorsed else "final_recommendation.referred_back",
        changes={"panel": panel.pk, "decision": decision, "reasons": reasons},
    )
    if endorsed:
        _record_outcome(actor=actor, registration=registration, item=item, panel=panel, decided_on=today)
    progress_refresh(registration=registration)  # the panel is done (or the case is back with the assessor)
    return made


def _record_outcome(
    *,
    actor: Actor,
    registration: Registration,
    item: FinalRecommendation,
    panel: ModerationPanel,
    decided_on: datetime.date,
) -> None:
    outcome = OUTCOME_OF[item.recommendation]
    changes = {"outcome": outcome, "outcome_date": decided_on, "status": RegistrationStatus.COMPLETED}
    before = {
        "outcome": registration.outcome,
        "outcome_date": registration.outcome_date,
        "status": registration.status,
    }
    # The programmes pattern: the write names the version it read (the row is locked, so it holds).
    registration = versioned_update(
        registration,
        registration.version,
        "This registration was changed by someone else. Reload it and try again.",
        **changes,
    )
    audit_record(
        actor=actor,
        obj=registration,
        action="registration.outcome_recorded",
        changes={**changed_fields(before, changes), "panel": panel.pk, "final_recommendation": item.pk},
    )
    funding_hooks.registration_outcome_recorded(actor=actor, registration=registration)
