"""Writes for accepted evidence: amending it, and the NQSW's later reflections on it.

Once the assessor has accepted evidence, its title, date, description, capabilities, files and the
critical reflection change only as an amendment with a reason, by the NQSW's assessor or the co-ordinator;
the NQSW adds a later reflection instead of rewriting theirs. The rules and the record kept are those of
observations: see ``portfolios.amendments``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.errors import Conflict
from asye.records import versioned_update
from portfolios.access import is_owner
from portfolios.amendments import (
    NOTHING_CHANGED,
    amendments_keep,
    assessed_locked,
    can_amend,
    can_change_assessed,
    date_shown,
    in_page_order,
    labels_of,
    later_reflection_keep,
    reason_checked,
    refuse_unless,
    tagged,
)
from portfolios.models import Evidence, EvidenceAmendment, EvidenceFile
from portfolios.services import MAX_TEXT_LENGTH, check_fields, evidence_file_discard, set_tags, statements_of
from programmes.models import Registration

# What the assessor relied on, in the order pages show it.
EVIDENCE_FIELDS = ("title", "occurred_on", "description", "statements", "files", "reflection")
ACCEPTED = Evidence.Status.ACCEPTED
EVIDENCE_AMEND_STALE = (
    "This evidence was changed by someone else since you opened it. Your answers are below: check the "
    "evidence as it is now before you save again."
)


def can_amend_evidence(actor: Actor, evidence: Evidence, registration: Registration) -> bool:
    return can_change_assessed(actor, evidence, registration, assessed=ACCEPTED, reflect=False)


def can_reflect_on_evidence(actor: Actor, evidence: Evidence, registration: Registration) -> bool:
    return can_change_assessed(actor, evidence, registration, assessed=ACCEPTED, reflect=True)


def _names(files: list[EvidenceFile]) -> str:
    return ", ".join(f.original_name for f in files)


@transaction.atomic
def evidence_amend(
    *,
    actor: Actor,
    evidence: Evidence,
    version: int,
    reason: str,
    title: str,
    description: str,
    reflection: str,
    occurred_on: datetime.date | None,
    statement_ids: Iterable[int],
    remove_file_ids: Iterable[int] = (),
    today: datetime.date | None = None,
) -> Evidence:
    """Amend accepted evidence, giving the reason: its words, date and capabilities as given, and the
    files ``remove_file_ids`` removed (their bytes go once the change commits; the history keeps their
    names). It keeps what sharing needed. Each changed field is kept with its old and new value; a stale
    ``version`` raises Conflict."""
    portfolio = evidence.portfolio
    registration = Registration.objects.get(pk=portfolio.registration_id)
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=portfolio.employer_id)
    refuse_unless(
        can_amend(actor, registration),
        "Only the NQSW's assessor or the co-ordinator amends accepted evidence.",
    )
    portfolio, current = assessed_locked(
        Evidence.objects,
        evidence,
        registration,
        assessed=ACCEPTED,
        not_yet="This evidence has not been accepted: the NQSW changes it while it is a draft or more is "
        "needed, without an amendment.",
    )
    if current.version != version:
        raise Conflict(EVIDENCE_AMEND_STALE)
    title, description, reflection = title.strip(), description.strip(), reflection.strip()
    errors = check_fields(
        title=title,
        description=description,
        reflection=reflection,
        occurred_on=occurred_on,
        today=today or clock.today(),
    )
    try:
        statements = in_page_order(statements_of(portfolio, statement_ids))
    except ValidationError as error:
        errors.update(error.message_dict)
        statements = []
    files = list(EvidenceFile.objects.filter(evidence=current).order_by("uploaded_at", "id"))
    removed_ids = {int(pk) for pk in remove_file_ids}
    removed = [f for f in files if f.pk in removed_ids]
    kept = [f for f in files if f.pk not in removed_ids]
    if len(removed) != len(removed_ids):
        errors["remove_files"] = ["Select files of this evidence only"]
    # Accepted evidence keeps what sharing it needed.
    if not statements and "statements" not in errors:
        errors["statements"] = ["Accepted evidence keeps at least one capability"]
    if not description and not kept and "description" not in errors:
        errors["description"] = ["Accepted evidence keeps the evidence itself: describe it or keep a file"]
    if not reflection and "reflection" not in errors:
        errors["reflection"] = ["Accepted evidence keeps its critical reflection"]
    reason = reason_checked(errors, reason)
    if errors:
        raise ValidationError(errors)

    old_statements = tagged(current)
    # Each field as (the value compared and stored, the value as people read it).
    before = {
        "title": (current.title, current.title),
        "occurred_on": (current.occurred_on, date_shown(current.occurred_on)),
        "description": (current.description, current.description),
        "statements": (sorted(s.pk for s in old_statements), labels_of(old_statements)),
        "files": ([f.pk for f in files], _names(files)),
        "reflection": (current.reflection, current.reflection),
    }
    after = {
        "title": (title, title),
        "occurred_on": (occurred_on, date_shown(occurred_on)),
        "description": (description, description),
        "statements": (sorted(s.pk for s in statements), labels_of(statements)),
        "files": ([f.pk for f in kept], _names(kept)),
        "reflection": (reflection, reflection),
    }
    changed = [name for name in EVIDENCE_FIELDS if after[name][0] != before[name][0]]
    if not changed:
        raise ValidationError(NOTHING_CHANGED)

    fields = {name: after[name][0] for name in ("title", "occurred_on", "description", "reflection")}
    current = versioned_update(current, version, EVIDENCE_AMEND_STALE, **fields)
    if "statements" in changed:
        set_tags(current, statements)
    for file in removed:
        evidence_file_discard(actor=actor, file=file, amendment=True)
    removed_files = {"removed": [{"name": f.original_name, "sha256": f.sha256} for f in removed]}
    amendments_keep(
        EvidenceAmendment,
        "evidence",
        current,
        changed,
        before,
        after,
        reason=reason,
        actor=actor,
        action="evidence.amended",
        files=removed_files,
    )
    return current


@transaction.atomic
def evidence_reflection_add(*, actor: Actor, evidence: Evidence, text: str) -> EvidenceAmendment:
    """The NQSW adds a later reflection to their accepted evidence; the one that was accepted stays."""
    portfolio = evidence.portfolio
    registration = Registration.objects.get(pk=portfolio.registration_id)
    actor.require(Role.NQSW, employer=portfolio.employer_id)
    refuse_unless(is_owner(actor, registration), "Only the NQSW adds a later reflection to their evidence.")
    _portfolio, current = assessed_locked(
        Evidence.objects,
        evidence,
        registration,
        assessed=ACCEPTED,
        not_yet="This evidence has not been accepted yet: change your reflection on the evidence itself.",
    )
    return later_reflection_keep(
        EvidenceAmendment,
        "evidence",
        current,
        actor=actor,
        text=text,
        max_length=MAX_TEXT_LENGTH,
        action="evidence.reflection_added",
    )
