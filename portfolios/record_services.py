"""Writes for the records of a portfolio: the learning agreement and its signatures, PDP objectives, the
PQS self-assessment, direct observations, and feedback requests (including the public answer to one).

Who may write what (``portfolios.access`` decides who is who; holding a role is not enough):
- learning agreement: drafted and changed by the NQSW, their assessor or the co-ordinator; signed by the
  NQSW, the assessor and the line manager, each for themselves. A revision with any signature is never
  changed: a new revision is started instead, and earlier ones stay as history;
- PDP objectives: written by the NQSW; progress and status updated by the NQSW or their assessor;
- self-assessment: the NQSW, for child and family registrations (capability sets with a self-assessment);
- direct observations: recorded by the NQSW or their assessor; the NQSW writes the preparation and the
  reflection, the observer (or the assessor, for an observer outside the service) the assessment, and
  marks it complete. Once the assessment is written the NQSW no longer changes what it relied on (date,
  setting, observer, capabilities, the person's feedback); once complete nobody edits it, and it changes
  only as an amendment (``portfolios.amendments``);
- feedback requests: made and cancelled by the NQSW; answered once, through the link, by anyone holding
  it, with no account.

Everything else reads the portfolio. Every write is refused once the portfolio is submitted for
moderation or the registration is no longer open (``access.require_writable``).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.models import AuditEvent
from asye.audit.services import audit_record, changed_fields
from asye.errors import Conflict
from asye.tenancy.db import apply_settings, tenant_context
from portfolios.access import (
    capability_sets_for,
    is_assessor,
    is_coordinator,
    is_line_manager,
    is_owner,
    portfolio_ensure,
    portfolio_statements,
    require_writable,
)
from portfolios.models import (
    AgreementSignature,
    CapabilitySet,
    FeedbackRequest,
    LearningAgreement,
    Observation,
    ObservationTag,
    PdpObjective,
    Portfolio,
    SelfAssessment,
    SelfAssessmentRating,
)
from programmes.models import Registration, RegistrationStatus
from programmes.progress_store import progress_refresh

OPEN_STATUSES = (RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED)
# How long a feedback link works. A setting, so an employer's data protection officer can shorten it.
FEEDBACK_LINK_DAYS = getattr(settings, "ASYE_FEEDBACK_LINK_DAYS", 28)
MAX_AGREEMENT_TEXT = 10_000
MAX_PDP_TEXT = 2_000
MAX_OBSERVATION_TEXT = 10_000
MAX_FEEDBACK_ANSWER = 3_000
MAX_SHORT_TEXT = 300
MAX_NAME = 200


def _today() -> datetime.date:
    return clock.today()


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _text(
    errors: dict[str, list[str]],
    name: str,
    value: str | None,
    *,
    required: str = "",
    max_length: int,
    what: str,
) -> str:
    """Strip ``value``; record "required" or "too long" against ``name``."""
    value = (value or "").strip()
    if required and not value:
        errors[name] = [required]
    elif len(value) > max_length:
        errors[name] = [f"{what} must be {max_length:,} characters or fewer"]
    return value


def _portfolio_for_write(actor: Actor, registration: Registration) -> Portfolio:
    """The registration's portfolio, locked for this transaction, refused if it can no longer change."""
    portfolio = portfolio_ensure(actor=actor, registration=registration)
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    require_writable(portfolio, registration)
    return portfolio


# --- Learning agreement --------------------------------------------------------------------------------

AGREEMENT_TEXT_FIELDS = (
    "review_dates",
    "supervision_plan",
    "workload_arrangements",
    "protected_time",
    "other_support",
)
AGREEMENT_REQUIRED = {
    "review_dates": "Enter when the reviews will be held",
    "supervision_plan": "Enter the supervision plan",
    "workload_arrangements": "Enter the workload arrangements",
    "protected_time": "Enter how protected development time will be taken",
}
AGREEMENT_WHAT = {
    "review_dates": "The review dates",
    "supervision_plan": "The supervision plan",
    "workload_arrangements": "The workload arrangements",
    "protected_time": "The protected time arrangements",
    "other_support": "The other support",
}
SIGNED_AS = AgreementSignature.SignedAs


def can_draft_agreement(actor: Actor, registration: Registration) -> bool:
    return (
        is_owner(actor, registration)
        or is_assessor(actor, registration)
        or is_coordinator(actor, registration)
    )


def signer_roles(actor: Actor, registration: Registration) -> list[str]:
    """The parts the actor signs an agreement in (usually one; an assessor who is also the line manager
    signs twice)."""
    roles = []
    if is_owner(actor, registration):
        roles.append(SIGNED_AS.NQSW)
    if is_assessor(actor, registration):
        roles.append(SIGNED_AS.ASSESSOR)
    if is_line_manager(actor, registration):
        roles.append(SIGNED_AS.LINE_MANAGER)
    return roles


def agreement_people_changed(agreement: LearningAgreement, registration: Registration) -> bool:
    """The assessor or line manager named on a revision is no longer the registration's."""
    return (
        agreement.assessor_id != registration.assessor_id
        or agreement.line_manager_id != registration.line_manager_id
    )


def agreement_needs_new_revision(agreement: LearningAgreement | None, registration: Registration) -> bool:
    """Whether the revision in force can no longer be completed or relied on: someone has signed it and
    the people have changed since, or it was completed and the registration says it must be signed
    again (a new assessor)."""
    if agreement is None:
        return False
    signed = bool(agreement.completed_at) or agreement.signatures.exists()
    if not signed:
        return False
    if agreement_people_changed(agreement, registration):
        return True
    return bool(agreement.completed_at) and registration.learning_agreement_needs_signing


def _clean_agreement(values: dict[str, str | None], errors: dict[str, list[str]]) -> dict[str, str]:
    return {
        name: _text(
            errors,
            name,
            values.get(name),
            required=AGREEMENT_REQUIRED.get(name, ""),
            max_length=MAX_AGREEMENT_TEXT,
            what=AGREEMENT_WHAT[name],
        )
        for name in AGREEMENT_TEXT_FIELDS
    }


def _set_needs_signing(actor: Actor, registration: Registration, needs: bool, *, agreement) -> None:
    """Record on the registration whether its learning agreement needs signing. Not a change of the
    registration's details, so its version (which guards co-ordinators' edits) is left alone."""
    updated = Registration.objects.filter(pk=registration.pk).exclude(learning_agreement_needs_signing=needs)
    if needs is False:
        # Only while the people who signed are still the registration's: a new assessor allocated in
        # the meantime keeps it needing signatures (re-checked on the row as it is now).
        updated = updated.filter(assessor_id=agreement.assessor_id, line_manager_id=agreement.line_manager_id)
    if updated.update(learning_agreement_needs_signing=needs):
        audit_record(
            actor=actor,
            obj=registration,
            action="registration.learning_agreement_needs_signing"
            if needs
            else "registration.learning_agreement_signed",
            changes={"learning_agreement_needs_signing": [not needs, needs], "agreement": agreement.pk},
        )
        registration.learning_agreement_needs_signing = needs
        progress_refresh(registration=registration)  # the agreement's timeline item


@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    registration: Registration,
    review_dates: str,
    supervision_plan: str,
    workload_arrangements: str,
    protected_time: str,
    other_support: str = "",
    reason: str = "",
) -> LearningAgreement:
    """Draft the first learning agreement, or start a new revision of a signed one (after a change of
    assessor, or because the arrangements change). The revision names the registration's assessor and
    line manager as they are now; earlier revisions are kept unchanged."""
    actor.require(Role.NQSW, Role.ASSESSOR, Role.COORDINATOR, employer=registration.employer_id)
    _refuse_unless(
        can_draft_agreement(actor, registration),
        "Only the NQSW, their assessor or the co-ordinator drafts the learning agreement.",
    )
    # Locked before the portfolio, in the same order as agreement_sign, so the two cannot deadlock; and
    # the revision names the assessor and line manager as they are at this moment.
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    portfolio = _portfolio_for_write(actor, registration)
    latest = portfolio.agreements.order_by("-revision").first()
    if latest is not None and not latest.signatures.exists():
        raise ValidationError(
            f"Revision {latest.revision} has not been signed by anyone yet: change it instead of starting "
            "a new one."
        )
    errors: dict[str, list[str]] = {}
    texts = _clean_agreement(
        {
            "review_dates": review_dates,
            "supervision_plan": supervision_plan,
            "workload_arrangements": workload_arrangements,
            "protected_time": protected_time,
            "other_support": other_support,
        },
        errors,
    )
    reason = _text(
        errors,
        "reason",
        reason,
        required="Enter why the agreement is being revised" if latest is not None else "",
        max_length=MAX_SHORT_TEXT,
        what="The reason",
    )
    if errors:
        raise ValidationError(errors)
    agreement = LearningAgreement.objects.create(
        employer_id=registration.employer_id,
        portfolio=portfolio,
        revision=(latest.revision + 1) if latest else 1,
        assessor_id=registration.assessor_id,
        line_manager_id=registration.line_manager_id,
        reason=reason,
        created_by=actor.user,
        **texts,
    )
    audit_record(
        actor=actor,
        obj=agreement,
        action="learning_agreement.created",
        changes={
            "registration": registration.pk,
            "revision": agreement.revision,
            "assessor": agreement.assessor_id,
            "line_manager": agreement.line_manager_id,
            "reason": reason,
            "replaces": latest.pk if latest else None,
        },
    )
    # A new revision replaces the one in force: until all three sign it, the agreement needs signing.
    _set_needs_signing(actor, registration, True, agreement=agreement)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    actor: Actor,
    agreement: LearningAgreement,
    version: int,
    review_dates: str,
    supervision_plan: str,
    workload_arrangements: str,
    protected_time: str,
    other_support: str = "",
    reason: str = "",
) -> LearningAgreement:
    """Change a revision nobody has signed yet. A signed revision is refused: start a new revision, so a
    signature always means the text as it was signed. A stale ``version`` raises Conflict."""
    registration = agreement.portfolio.registration
    actor.require(Role.NQSW, Role.ASSESSOR, Role.COORDINATOR, employer=agreement.employer_id)
    _refuse_unless(
        can_draft_agreement(actor, registration),
        "Only the NQSW, their assessor or the co-ordinator changes the learning agreement.",
    )
    portfolio = _portfolio_for_write(actor, registration)
    if portfolio.agreements.filter(revision__gt=agreement.revision).exists():
        raise ValidationError("This is an earlier revision of the agreement: it is kept as it was.")
    # Locked, so a signature cannot be added between the check below and the change.
    agreement = LearningAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.signatures.exists():
        raise ValidationError(
            "This revision has been signed, so it cannot be changed. Start a new revision instead."
        )
    errors: dict[str, list[str]] = {}
    texts = _clean_agreement(
        {
            "review_dates": review_dates,
            "supervision_plan": supervision_plan,
            "workload_arrangements": workload_arrangements,
            "protected_time": protected_time,
            "other_support": other_support,
        },
        errors,
    )
    reason = _text(
        errors,
        "reason",
        reason,
        required="Enter why the agreement is being revised" if agreement.revision > 1 else "",
        max_length=MAX_SHORT_TEXT,
        what="The reason",
    )
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(agreement, name) for name in (*AGREEMENT_TEXT_FIELDS, "reason")}
    before.update(assessor=agreement.assessor_id, line_manager=agreement.line_manager_id)
    # Nobody has signed: the revision names whoever is the assessor and line manager now.
    after = {
        **texts,
        "reason": reason,
        "assessor": registration.assessor_id,
        "line_manager": registration.line_manager_id,
    }
    changes = changed_fields(before, after)
    if agreement.version != version:
        raise Conflict(
            "Someone else changed this agreement since you opened it. Your text is below: check the "
            "agreement as it is now before you save again."
        )
    if not changes:
        return agreement
    LearningAgreement.objects.filter(pk=agreement.pk).update(
        version=F("version") + 1,
        updated_at=clock.now(),
        **texts,
        reason=reason,
        assessor_id=registration.assessor_id,
        line_manager_id=registration.line_manager_id,
    )
    agreement.refresh_from_db()
    # The words themselves stay out of the audit trail: which parts changed, and the people.
    audit_record(
        actor=actor,
        obj=agreement,
        action="learning_agreement.changed",
        changes={
            name: (value if name in ("assessor", "line_manager", "reason") else "changed")
            for name, value in changes.items()
        },
    )
    return agreement


@transaction.atomic
def agreement_sign(
    *, actor: Actor, agreement: LearningAgreement, signed_as: str, version: int
) -> LearningAgreement:
    """Sign the latest revision as the NQSW, the assessor or the line manager (the actor must be that
    person). ``version`` is the version of the words the signer read: if they changed since, Conflict
    (another person's signature does not change the words, so people can sign side by side). When the
    third signature is added the revision is complete and the registration no longer needs its agreement
    signed. Signing twice in the same part is refused."""
    # Locked so that a change of assessor cannot slip between the check and the signature.
    registration = Registration.objects.select_for_update().get(pk=agreement.portfolio.registration_id)
    actor.require(Role.NQSW, Role.ASSESSOR, Role.LINE_MANAGER, employer=agreement.employer_id)
    roles = signer_roles(actor, registration)
    _refuse_unless(
        bool(roles), "Only the NQSW, their assessor and their line manager sign the learning agreement."
    )
    if signed_as not in SIGNED_AS.values:
        raise ValidationError({"signed_as": ["Select who you are signing as"]})
    _refuse_unless(signed_as in roles, "You cannot sign for someone else.")
    portfolio = _portfolio_for_write(actor, registration)
    if portfolio.agreements.filter(revision__gt=agreement.revision).exists():
        raise ValidationError("This is an earlier revision of the agreement: sign the latest one.")
    # Locked (registration, portfolio, then agreement, the order every agreement write takes): two
    # signatures at once are added one after the other, and the last one completes the revision.
    agreement = LearningAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.version != version:
        raise Conflict("This agreement was changed since you opened it. Read it again before you sign.")
    signatures = list(agreement.signatures.all())
    if any(s.signed_as == signed_as for s in signatures):
        raise ValidationError(
            {
                "signed_as": [
                    f"This revision has already been signed by the {SIGNED_AS(signed_as).label.lower()}"
                ]
            }
        )
    if agreement_people_changed(agreement, registration):
        if signatures:
            raise ValidationError(
                "The assessor or line manager has changed since this revision was signed. Start a new "
                "revision for everyone to sign."
            )
    missing = [
        label
        for role, label, person in (
            (SIGNED_AS.ASSESSOR, "an assessor", registration.assessor_id),
            (SIGNED_AS.LINE_MANAGER, "a line manager", registration.line_manager_id),
        )
        if person is None
    ]
    if missing:
        raise ValidationError(
            f"The NQSW needs {' and '.join(missing)} before the agreement can be signed. "
            "Ask the co-ordinator."
        )
    # The first signature fixes who the revision names (nobody has signed the old names).
    LearningAgreement.objects.filter(pk=agreement.pk).update(
        updated_at=clock.now(),
        assessor_id=registration.assessor_id,
        line_manager_id=registration.line_manager_id,
    )
    signature = AgreementSignature.objects.create(
        employer_id=agreement.employer_id, agreement=agreement, signed_as=signed_as, signed_by=actor.user
    )
    agreement.refresh_from_db()
    audit_record(
        actor=actor,
        obj=agreement,
        action="learning_agreement.signed",
        changes={"revision": agreement.revision, "signed_as": signed_as, "signature": signature.pk},
    )
    if len(signatures) + 1 == len(SIGNED_AS.values):
        now = clock.now()
        LearningAgreement.objects.filter(pk=agreement.pk).update(completed_at=now)
        agreement.completed_at = now
        audit_record(
            actor=actor,
            obj=agreement,
            action="learning_agreement.completed",
            changes={"revision": agreement.revision, "completed_at": now},
        )
        _set_needs_signing(actor, registration, False, agreement=agreement)
    return agreement


# --- PDP objectives ------------------------------------------------------------------------------------

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
        name: _text(
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
    _refuse_unless(is_owner(actor, registration), "Only the NQSW writes their development plan.")
    portfolio = _portfolio_for_write(actor, registration)
    data = _check_pdp(
        portfolio=portfolio,
        values={"objective": objective, "measure": measure, "actions": actions, "relevance": relevance},
        achieve_by=achieve_by,
        statement_id=statement_id,
        today=today or _today(),
        must_be_future=True,
    )
    pdp_objective = PdpObjective.objects.create(
        employer_id=registration.employer_id, portfolio=portfolio, created_by=actor.user, **data
    )
    audit_record(
        actor=actor,
        obj=pdp_objective,
        action="pdp_objective.created",
        changes={
            "registration": registration.pk,
            "achieve_by": pdp_objective.achieve_by,
            "statement": pdp_objective.statement_id,
        },
    )
    return pdp_objective


def _write_objective(pdp_objective: PdpObjective, version: int, **changes) -> PdpObjective:
    updated = PdpObjective.objects.filter(pk=pdp_objective.pk, version=version).update(
        version=F("version") + 1, updated_at=clock.now(), **changes
    )
    if not updated:
        raise Conflict(
            "Someone else changed this objective since you opened it. Your text is below: check the "
            "objective as it is now before you save again."
        )
    pdp_objective.refresh_from_db()
    return pdp_objective


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
    _refuse_unless(is_owner(actor, registration), "Only the NQSW writes their development plan.")
    portfolio = _portfolio_for_write(actor, registration)
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
        today=today or _today(),
        must_be_future=achieve_by != pdp_objective.achieve_by,
    )
    before = {name: getattr(pdp_objective, name) for name in (*PDP_REQUIRED, "achieve_by")}
    before["statement"] = pdp_objective.statement_id
    after = {
        **{name: data[name] for name in (*PDP_REQUIRED, "achieve_by")},
        "statement": statement_id or None,
    }
    changes = changed_fields(before, after)
    if not changes:
        return pdp_objective
    chosen = data.pop("statement")
    data["statement_id"] = chosen.pk if chosen else None
    pdp_objective = _write_objective(pdp_objective, version, **data)
    audit_record(
        actor=actor,
        obj=pdp_objective,
        action="pdp_objective.changed",
        changes={
            name: (value if name in ("achieve_by", "statement") else "changed")
            for name, value in changes.items()
        },
    )
    return pdp_objective


@transaction.atomic
def pdp_objective_progress(
    *, actor: Actor, pdp_objective: PdpObjective, version: int, status: str, progress: str
) -> PdpObjective:
    """The NQSW or their assessor records progress, and marks the objective achieved or no longer
    relevant (with a note saying what was achieved, or why)."""
    registration = pdp_objective.portfolio.registration
    actor.require(Role.NQSW, Role.ASSESSOR, employer=pdp_objective.employer_id)
    _refuse_unless(
        can_update_pdp_progress(actor, registration),
        "Only the NQSW or their assessor updates the progress of an objective.",
    )
    _portfolio_for_write(actor, registration)
    errors: dict[str, list[str]] = {}
    if status not in PdpObjective.Status.values:
        errors["status"] = ["Select where the objective has got to"]
    progress = _text(
        errors,
        "progress",
        progress,
        required=PDP_CLOSED_NOTE.get(status, "Enter the progress made so far"),
        max_length=MAX_PDP_TEXT,
        what=PDP_WHAT["progress"],
    )
    if errors:
        raise ValidationError(errors)
    changes = changed_fields(
        {"status": pdp_objective.status, "progress": pdp_objective.progress},
        {"status": status, "progress": progress},
    )
    if not changes:
        return pdp_objective
    pdp_objective = _write_objective(pdp_objective, version, status=status, progress=progress)
    if "progress" in changes:
        changes["progress"] = "changed"
    audit_record(actor=actor, obj=pdp_objective, action="pdp_objective.progress_updated", changes=changes)
    return pdp_objective


# --- PQS self-assessment -------------------------------------------------------------------------------

STAGES = list(SelfAssessment.Stage)
STAGE = SelfAssessment.Stage


def self_assessment_set(portfolio: Portfolio | None, registration: Registration) -> CapabilitySet | None:
    """The standards the NQSW rates themselves against: the portfolio's set with a self-assessment (the
    child and family PQS); None where none applies (adults)."""
    sets = (
        list(portfolio.capability_sets.all()) if portfolio is not None else capability_sets_for(registration)
    )
    return next((s for s in sets if s.has_self_assessment), None)


def stage_blocker(stage: str, completed: set[str]) -> str:
    """Why a stage cannot be completed or changed now, given the completed stages; "" if it can."""
    index = [s.value for s in STAGES].index(stage)
    if index > 0 and STAGES[index - 1].value not in completed:
        return f"Complete the “{STAGES[index - 1].label.lower()}” self-assessment first"
    if any(s.value in completed for s in STAGES[index + 1 :]):
        return "A later self-assessment has been completed, so this one is kept as it was"
    return ""


@transaction.atomic
def self_assessment_save(
    *,
    actor: Actor,
    registration: Registration,
    stage: str,
    levels: dict[int, int | None],
    comments: dict[int, str] | None = None,
    version: int | None = None,
) -> SelfAssessment:
    """The NQSW rates every statement of the standards at a stage (start, midway, near the end), with an
    optional comment for each. Stages are completed in order; a stage can be changed until the next one
    is completed. ``version`` is the one read (None for a first save); a stale one raises Conflict."""
    actor.require(Role.NQSW, employer=registration.employer_id)
    _refuse_unless(is_owner(actor, registration), "Only the NQSW completes their self-assessment.")
    if stage not in STAGE.values:
        raise ValidationError("Choose the start, midway or near-the-end self-assessment.")
    portfolio = _portfolio_for_write(actor, registration)
    capability_set = self_assessment_set(portfolio, registration)
    if capability_set is None:
        raise ValidationError(
            "The self-assessment against the post-qualifying standards is for child and family NQSWs only."
        )
    existing = {sa.stage: sa for sa in portfolio.self_assessments.all()}
    blocker = stage_blocker(stage, {s for s, sa in existing.items() if sa.completed_at})
    if blocker:
        raise ValidationError(blocker)
    comments = comments or {}
    statements = list(capability_set.statements.order_by("number"))
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, tuple[int, str]] = {}
    for statement in statements:
        level = levels.get(statement.pk)
        if level not in SelfAssessmentRating.Level.values:
            errors[f"level_{statement.pk}"] = [
                f"Select how confident you feel about {statement.label}: {statement.title}"
            ]
        comment = _text(
            errors,
            f"comment_{statement.pk}",
            comments.get(statement.pk),
            max_length=MAX_PDP_TEXT,
            what=f"Your comment on {statement.label}",
        )
        cleaned[statement.pk] = (level, comment)
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    self_assessment = existing.get(stage)
    if self_assessment is None:
        self_assessment = SelfAssessment.objects.create(
            employer_id=registration.employer_id,
            portfolio=portfolio,
            stage=stage,
            capability_set=capability_set,
            completed_at=now,
        )
        action = "self_assessment.completed"
    else:
        if version is None or not SelfAssessment.objects.filter(
            pk=self_assessment.pk, version=version
        ).update(version=F("version") + 1, updated_at=now, completed_at=self_assessment.completed_at or now):
            raise Conflict(
                "This self-assessment was saved from another window since you opened it. Your answers "
                "are below: check them and save again."
            )
        self_assessment.refresh_from_db()
        action = "self_assessment.changed"
    before = {r.statement_id: (r.level, r.comment) for r in self_assessment.ratings.all()}
    for statement_id, (level, comment) in cleaned.items():
        if before.get(statement_id) != (level, comment):
            SelfAssessmentRating.objects.update_or_create(
                employer_id=registration.employer_id,
                self_assessment=self_assessment,
                statement_id=statement_id,
                defaults={"level": level, "comment": comment},
            )
    audit_record(
        actor=actor,
        obj=self_assessment,
        action=action,
        changes={
            "registration": registration.pk,
            "stage": stage,
            "capability_set": capability_set.pk,
            "ratings_changed": sum(1 for k, v in cleaned.items() if before.get(k) != v),
        },
    )
    return self_assessment


# --- Direct observations -------------------------------------------------------------------------------

OBSERVER_ROLES = (Role.ASSESSOR, Role.LINE_MANAGER, Role.COORDINATOR)
# Which parts of an observation each person writes.
NQSW_FIELDS = frozenset(
    {"observed_on", "setting", "observer", "statements", "preparation", "nqsw_reflection", "person_feedback"}
)
ASSESSOR_FIELDS = frozenset(
    {"observed_on", "setting", "observer", "statements", "observer_assessment", "person_feedback"}
)
OBSERVER_FIELDS = frozenset({"observer_assessment", "person_feedback"})
# The NQSW's own words, theirs until the observation is complete; the rest of NQSW_FIELDS is what the
# assessment relies on, closed to the NQSW once the assessment is written.
NQSW_OWN_FIELDS = frozenset({"preparation", "nqsw_reflection"})
COMPLETE_MESSAGE = (
    "This observation is complete: it is kept as it was. What the assessment relied on changes only as "
    "an amendment, with a reason, by the NQSW's assessor or the co-ordinator"
)
ASSESSED_MESSAGE = (
    "The observer's assessment has been written, so the date, setting, observer, capabilities and the "
    "person's feedback are no longer yours to change: ask your assessor"
)
OBSERVATION_TEXTS = {
    "preparation": "Your preparation",
    "nqsw_reflection": "Your reflection",
    "observer_assessment": "The observer's assessment",
    "person_feedback": "The feedback of the person",
}


def is_observer(actor: Actor, observation: Observation) -> bool:
    """The colleague named as the observer (any employer role; they need not work with the NQSW)."""
    return (
        observation.employer_id == actor.employer_id
        and actor.user is not None
        and observation.observer_id == actor.user.pk
        and actor.has_role(*OBSERVER_ROLES)
    )


def observation_is_assessed(observation: Observation | None) -> bool:
    """The observer's assessment is written (or the observation is complete): what it relied on is no
    longer the NQSW's to change."""
    return observation is not None and (
        observation.status == Observation.Status.COMPLETE or bool(observation.observer_assessment.strip())
    )


def observation_fields_for(actor: Actor, observation: Observation | None, registration: Registration) -> set:
    """The parts of an observation the actor may write now: nothing once it is complete (then it changes
    only as an amendment, ``portfolios.amendments``); once assessed, the NQSW only their own words."""
    if observation is not None and observation.status == Observation.Status.COMPLETE:
        return set()
    fields: set[str] = set()
    if is_owner(actor, registration):
        fields |= NQSW_OWN_FIELDS if observation_is_assessed(observation) else NQSW_FIELDS
    if is_assessor(actor, registration):
        fields |= ASSESSOR_FIELDS
    if observation is not None and is_observer(actor, observation):
        fields |= OBSERVER_FIELDS
    return fields


def can_complete_observation(actor: Actor, observation: Observation, registration: Registration) -> bool:
    return observation.status != Observation.Status.COMPLETE and (
        is_assessor(actor, registration) or is_observer(actor, observation)
    )


def observer_candidates(employer_id: int, registration: Registration) -> QuerySet[Membership]:
    """Active memberships of the employer's people who may observe: assessors, line managers and
    co-ordinators, never the NQSW being observed."""
    return (
        Membership.objects.active()
        .filter(employer_id=employer_id, role__in=OBSERVER_ROLES, user__is_active=True)
        .exclude(user_id=registration.nqsw_id)
    )


def _check_observer(
    errors: dict[str, list[str]],
    registration: Registration,
    observer_id: int | None,
    observer_name: str,
    *,
    current_id: int | None = None,
) -> tuple[int | None, str]:
    observer_name = (observer_name or "").strip()
    if observer_id:
        # The observer already recorded stays valid even if they have since left.
        if (
            observer_id != current_id
            and not observer_candidates(registration.employer_id, registration)
            .filter(user_id=observer_id)
            .exists()
        ):
            errors["observer"] = ["Select one of your employer's assessors, line managers or co-ordinators"]
        return observer_id, ""
    if not observer_name:
        errors["observer_name"] = ["Enter the observer's name and role"]
    elif len(observer_name) > MAX_NAME:
        errors["observer_name"] = [f"The observer's name and role must be {MAX_NAME} characters or fewer"]
    return None, observer_name


def _check_statements(
    errors: dict[str, list[str]], portfolio: Portfolio, statement_ids: Iterable[int]
) -> list[int]:
    allowed = {s.pk for s in portfolio_statements(portfolio)}
    chosen = sorted({int(pk) for pk in statement_ids})
    if any(pk not in allowed for pk in chosen):
        errors["statements"] = ["Select capabilities from the frameworks your portfolio is mapped to"]
    return chosen


def _set_observation_tags(observation: Observation, statement_ids: list[int]) -> None:
    ObservationTag.objects.filter(observation=observation).exclude(statement_id__in=statement_ids).delete()
    have = set(ObservationTag.objects.filter(observation=observation).values_list("statement_id", flat=True))
    ObservationTag.objects.bulk_create(
        ObservationTag(employer_id=observation.employer_id, observation=observation, statement_id=pk)
        for pk in statement_ids
        if pk not in have
    )


def _check_observed_on(
    errors: dict[str, list[str]], observed_on: datetime.date | None, registration: Registration
) -> None:
    if observed_on is None:
        errors["observed_on"] = ["Enter the date of the observation"]
    elif observed_on < registration.start_date:
        errors["observed_on"] = [
            "The date of the observation must be on or after the programme's start date, "
            f"{_long_date(registration.start_date)}"
        ]


@transaction.atomic
def observation_create(
    *,
    actor: Actor,
    registration: Registration,
    observed_on: datetime.date | None,
    setting: str,
    observer_id: int | None,
    observer_name: str = "",
    statement_ids: Iterable[int] = (),
    preparation: str = "",
) -> Observation:
    """The NQSW or their assessor records a direct observation (it may be planned ahead: the date can be
    in the future). The observer is one of the employer's people or someone outside the service, by
    name. Observations are numbered in order; the framework says how many are needed."""
    actor.require(Role.NQSW, Role.ASSESSOR, employer=registration.employer_id)
    _refuse_unless(
        is_owner(actor, registration) or is_assessor(actor, registration),
        "Only the NQSW or their assessor records a direct observation.",
    )
    portfolio = _portfolio_for_write(actor, registration)
    errors: dict[str, list[str]] = {}
    _check_observed_on(errors, observed_on, registration)
    setting = _text(
        errors,
        "setting",
        setting,
        required="Enter where the observation took place and what it was",
        max_length=MAX_SHORT_TEXT,
        what="The setting",
    )
    observer_id, observer_name = _check_observer(errors, registration, observer_id, observer_name)
    statement_ids = _check_statements(errors, portfolio, statement_ids)
    if preparation and not is_owner(actor, registration):
        raise PermissionDenied("Only the NQSW writes their preparation.")
    preparation = _text(
        errors,
        "preparation",
        preparation,
        max_length=MAX_OBSERVATION_TEXT,
        what=OBSERVATION_TEXTS["preparation"],
    )
    if errors:
        raise ValidationError(errors)
    # The portfolio row is locked (_portfolio_for_write), so two observations cannot take one number.
    number = (portfolio.observations.aggregate(n=Max("number"))["n"] or 0) + 1
    observation = Observation.objects.create(
        employer_id=registration.employer_id,
        portfolio=portfolio,
        number=number,
        observer_id=observer_id,
        observer_name=observer_name,
        observed_on=observed_on,
        setting=setting,
        preparation=preparation,
        created_by=actor.user,
    )
    _set_observation_tags(observation, statement_ids)
    audit_record(
        actor=actor,
        obj=observation,
        action="observation.created",
        changes={
            "registration": registration.pk,
            "number": number,
            "observed_on": observed_on,
            "observer": observer_id,
            "external_observer": bool(observer_name),
            "statements": statement_ids,
        },
    )
    return observation


@transaction.atomic
def observation_update(*, actor: Actor, observation: Observation, version: int, **changes) -> Observation:
    """Change parts of an observation that is not complete. Each person writes only their own parts
    (``observation_fields_for``): asking to write another's is refused. ``observer`` is a user id or
    None with ``observer_name``; ``statements`` a list of statement ids. A stale version: Conflict."""
    registration = observation.portfolio.registration
    actor.require(*OBSERVER_ROLES, Role.NQSW, employer=observation.employer_id)
    portfolio = _portfolio_for_write(actor, registration)
    # Read again under a lock: whether it has been assessed decides what the NQSW may change.
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.status == Observation.Status.COMPLETE:
        raise ValidationError(COMPLETE_MESSAGE)
    allowed = observation_fields_for(actor, observation, registration)
    names = set(changes) - {"observer_name"}
    if is_owner(actor, registration) and names - allowed and names <= allowed | NQSW_FIELDS:
        raise ValidationError(ASSESSED_MESSAGE)
    _refuse_unless(bool(allowed) and names <= allowed, "You cannot change these parts of this observation.")
    errors: dict[str, list[str]] = {}
    values: dict = {}
    if "observed_on" in changes:
        _check_observed_on(errors, changes["observed_on"], registration)
        values["observed_on"] = changes["observed_on"]
    if "setting" in changes:
        values["setting"] = _text(
            errors,
            "setting",
            changes["setting"],
            required="Enter where the observation took place and what it was",
            max_length=MAX_SHORT_TEXT,
            what="The setting",
        )
    if "observer" in changes:
        values["observer_id"], values["observer_name"] = _check_observer(
            errors,
            registration,
            changes["observer"],
            changes.get("observer_name", ""),
            current_id=observation.observer_id,
        )
    for name, what in OBSERVATION_TEXTS.items():
        if name in changes:
            values[name] = _text(errors, name, changes[name], max_length=MAX_OBSERVATION_TEXT, what=what)
    statement_ids = None
    if "statements" in changes:
        statement_ids = _check_statements(errors, portfolio, changes["statements"])
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(observation, name) for name in values}
    audit_changes = changed_fields(before, values)
    old_tags = sorted(observation.tags.values_list("statement_id", flat=True))
    if statement_ids is not None and statement_ids != old_tags:
        audit_changes["statements"] = [old_tags, statement_ids]
    if not audit_changes:
        return observation
    updated = Observation.objects.filter(
        pk=observation.pk, version=version, status=Observation.Status.DRAFT
    ).update(version=F("version") + 1, updated_at=clock.now(), **values)
    if not updated:
        raise Conflict(
            "Someone else changed this observation since you opened it. Your text is below: check the "
            "observation as it is now before you save again."
        )
    observation.refresh_from_db()
    if statement_ids is not None:
        _set_observation_tags(observation, statement_ids)
    for name in OBSERVATION_TEXTS:
        if name in audit_changes:
            audit_changes[name] = "changed"
    audit_record(actor=actor, obj=observation, action="observation.changed", changes=audit_changes)
    return observation


@transaction.atomic
def observation_complete(
    *, actor: Actor, observation: Observation, version: int, today: datetime.date | None = None
) -> Observation:
    """The observer (or the assessor) marks the observation complete once it has happened and both the
    assessment and the NQSW's reflection are written. A complete observation is not changed again."""
    registration = observation.portfolio.registration
    actor.require(*OBSERVER_ROLES, employer=observation.employer_id)
    _refuse_unless(
        is_assessor(actor, registration) or is_observer(actor, observation),
        "Only the observer or the NQSW's assessor marks an observation complete.",
    )
    _portfolio_for_write(actor, registration)
    if observation.status == Observation.Status.COMPLETE:
        return observation
    today = today or _today()
    problems = []
    if observation.observed_on > today:
        problems.append("The observation has not happened yet: it can be completed from its date")
    if not observation.observer_assessment.strip():
        problems.append("Enter the observer's assessment before you complete the observation")
    if not observation.nqsw_reflection.strip():
        problems.append("The NQSW needs to write their reflection before the observation is complete")
    if problems:
        raise ValidationError(problems)
    updated = Observation.objects.filter(
        pk=observation.pk, version=version, status=Observation.Status.DRAFT
    ).update(version=F("version") + 1, updated_at=clock.now(), status=Observation.Status.COMPLETE)
    if not updated:
        raise Conflict(
            "Someone else changed this observation since you opened it. Read it again before you complete it."
        )
    observation.refresh_from_db()
    audit_record(
        actor=actor,
        obj=observation,
        action="observation.completed",
        changes={
            "status": [Observation.Status.DRAFT, Observation.Status.COMPLETE],
            "number": observation.number,
        },
    )
    progress_refresh(registration=registration)  # the observation is done on the timeline
    return observation


# --- Feedback requests ---------------------------------------------------------------------------------

LISTENED_CHOICES = {
    # value: (wording for adults and professionals, wording for children and young people)
    "yes": ("Yes", "Yes, a lot"),
    "sometimes": ("Some of the time", "A bit"),
    "no": ("No", "No"),
    "not_sure": ("I'd rather not say", "I'm not sure"),
}


def feedback_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedFeedbackRequest:
    """A new request and its link's secret, which is not stored anywhere: show it once."""

    feedback_request: FeedbackRequest
    secret: str


class FeedbackLinkNotUsable(Exception):
    """A feedback link that cannot be answered: ``reason`` is unknown, answered, cancelled, expired or
    closed (the portfolio was submitted for moderation, or the programme ended)."""

    def __init__(self, reason: str, feedback_request: FeedbackRequest | None = None):
        super().__init__(reason)
        self.reason = reason
        self.feedback_request = feedback_request


def feedback_state(feedback_request: FeedbackRequest, now: datetime.datetime | None = None) -> str:
    """waiting, answered, cancelled or expired (a request still "sent" after its expiry)."""
    if feedback_request.status == FeedbackRequest.Status.SENT:
        return "expired" if feedback_request.expires_at <= (now or clock.now()) else "waiting"
    return feedback_request.status


def feedback_link_state(feedback_request: FeedbackRequest, now: datetime.datetime | None = None) -> str:
    """The state as the person holding the link meets it: ``feedback_state``, or closed for a request
    still waiting whose portfolio can no longer change. Reads the portfolio in its employer's context."""
    state = feedback_state(feedback_request, now)
    if state != "waiting":
        return state
    with tenant_context(feedback_request.employer_id):
        still_open = Portfolio.objects.filter(
            pk=feedback_request.portfolio_id,
            submitted_at__isnull=True,
            registration__status__in=OPEN_STATUSES,
        ).exists()
    return "waiting" if still_open else "closed"


@transaction.atomic
def feedback_request_create(
    *,
    actor: Actor,
    registration: Registration,
    kind: str,
    recipient_name: str,
    context: str,
    recipient_email: str = "",
    link_builder: Callable[[str], str] | None = None,
    now: datetime.datetime | None = None,
) -> IssuedFeedbackRequest:
    """The NQSW asks someone they worked with for feedback: a single-use link, valid for
    ``FEEDBACK_LINK_DAYS`` days, that needs no account. Only the SHA-256 of its secret is kept. With an
    email address (and a ``link_builder`` making the full address from the secret) the link is emailed
    after the transaction commits; either way the NQSW is shown the link once, to copy or hand over."""
    actor.require(Role.NQSW, employer=registration.employer_id)
    _refuse_unless(is_owner(actor, registration), "Only the NQSW asks for feedback on their practice.")
    portfolio = _portfolio_for_write(actor, registration)
    errors: dict[str, list[str]] = {}
    if kind not in FeedbackRequest.Kind.values:
        errors["kind"] = ["Select who you are asking for feedback"]
    recipient_name = _text(
        errors,
        "recipient_name",
        recipient_name,
        required="Enter their first name, so you can recognise their answer",
        max_length=MAX_NAME,
        what="Their name",
    )
    recipient_email = (recipient_email or "").strip()
    if recipient_email:
        try:
            validate_email(recipient_email)
        except ValidationError:
            errors["recipient_email"] = [
                "Enter an email address in the correct format, like name@example.org"
            ]
    context = _text(
        errors,
        "context",
        context,
        required="Enter what you would like feedback about",
        max_length=MAX_SHORT_TEXT,
        what="What the feedback is about",
    )
    if errors:
        raise ValidationError(errors)
    now = now or clock.now()
    secret = secrets.token_urlsafe(32)
    feedback_request = FeedbackRequest.objects.create(
        employer_id=registration.employer_id,
        portfolio=portfolio,
        kind=kind,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        context=context,
        token_hash=feedback_secret_hash(secret),
        expires_at=now + datetime.timedelta(days=FEEDBACK_LINK_DAYS),
        created_by=actor.user,
    )
    emailed = bool(recipient_email and link_builder)
    # The person's name and email address stay out of the audit trail.
    audit_record(
        actor=actor,
        obj=feedback_request,
        action="feedback_request.created",
        changes={
            "registration": registration.pk,
            "kind": kind,
            "expires_at": feedback_request.expires_at,
            "emailed": emailed,
        },
    )
    if emailed:
        from portfolios.tasks import feedback_request_email

        link = link_builder(secret)
        employer_id, request_id = feedback_request.employer_id, feedback_request.pk
        transaction.on_commit(lambda: feedback_request_email.delay(employer_id, request_id, link))
    return IssuedFeedbackRequest(feedback_request=feedback_request, secret=secret)


def feedback_request_send_email(*, feedback_request_id: int, link: str) -> bool:
    """Email a waiting request's link to its recipient, once (run by the task, in the employer's tenant
    context). Returns whether an email was sent: not for a request that was answered, cancelled or has
    expired in the meantime, nor a second time."""
    with transaction.atomic():
        feedback_request = (
            FeedbackRequest.objects.select_for_update()
            .select_related("portfolio__registration__employer")
            .filter(pk=feedback_request_id)
            .first()
        )
        if feedback_request is None or not feedback_request.recipient_email:
            return False
        if feedback_link_state(feedback_request) != "waiting":
            return False
        already = AuditEvent.objects.filter(
            action="feedback_request.emailed",
            object_type=FeedbackRequest._meta.label_lower,
            object_id=str(feedback_request.pk),
        )
        if already.exists():
            return False
        registration = feedback_request.portfolio.registration
        context = {
            "feedback_request": feedback_request,
            "link": link,
            "nqsw_name": registration.full_name,
            "nqsw_first_name": registration.first_name,
            "employer_name": registration.employer.name,
            "expires_on": timezone.localtime(feedback_request.expires_at).date(),
            "for_child": feedback_request.kind == FeedbackRequest.Kind.CHILD,
            "service_name": settings.ASYE_SERVICE_NAME,
        }
        send_mail(
            subject=f"{registration.first_name} would like your feedback",
            message=render_to_string("portfolios/feedback/email.txt", context),
            from_email=None,
            recipient_list=[feedback_request.recipient_email],
        )
        audit_record(actor=None, obj=feedback_request, action="feedback_request.emailed")
    return True


@transaction.atomic
def feedback_request_cancel(*, actor: Actor, feedback_request: FeedbackRequest) -> FeedbackRequest:
    """The NQSW cancels a request that has not been answered: its link stops working at once. Harmless
    to repeat; an answered request cannot be cancelled."""
    registration = feedback_request.portfolio.registration
    actor.require(Role.NQSW, employer=feedback_request.employer_id)
    _refuse_unless(is_owner(actor, registration), "Only the NQSW who asked cancels a feedback request.")
    if feedback_request.status == FeedbackRequest.Status.CANCELLED:
        return feedback_request
    _portfolio_for_write(actor, registration)
    cancelled = FeedbackRequest.objects.filter(
        pk=feedback_request.pk, status=FeedbackRequest.Status.SENT
    ).update(status=FeedbackRequest.Status.CANCELLED)
    feedback_request.refresh_from_db()
    if not cancelled:
        raise ValidationError("This request has been answered, so it cannot be cancelled.")
    audit_record(
        actor=actor,
        obj=feedback_request,
        action="feedback_request.cancelled",
        changes={"status": [FeedbackRequest.Status.SENT, FeedbackRequest.Status.CANCELLED]},
    )
    return feedback_request


def feedback_request_find(*, secret: str) -> FeedbackRequest | None:
    """The request whose link carries ``secret``, whatever its state; None for an unknown secret.

    Row-level security shows this one row to whoever holds the secret (``app.feedback_hash``), before any
    employer is known; the setting is cleared again straight after."""
    if not secret or len(secret) > 200:
        return None
    token_hash = feedback_secret_hash(secret)
    apply_settings({"app.feedback_hash": token_hash})
    try:
        return FeedbackRequest.objects.filter(token_hash=token_hash).first()
    finally:
        apply_settings({"app.feedback_hash": None})


def _check_answers(kind: str, answers: dict[str, str]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    for_child = kind == FeedbackRequest.Kind.CHILD
    listened = (answers.get("felt_listened_to") or "").strip()
    if listened not in LISTENED_CHOICES:
        errors["felt_listened_to"] = [
            "Choose an answer to “did they listen to you?”"
            if for_child
            else "Select whether you felt listened to"
        ]
    cleaned = {"felt_listened_to": listened}
    for name in ("what_went_well", "what_could_be_better", "anything_else"):
        cleaned[name] = _text(
            errors, name, answers.get(name), max_length=MAX_FEEDBACK_ANSWER, what="Your answer"
        )
    if for_child:
        # The children's form asks fewer questions, and only the first must be answered.
        cleaned["anything_else"] = ""
    elif not errors and not (cleaned["what_went_well"] or cleaned["what_could_be_better"]):
        errors["what_went_well"] = ["Tell us what went well or what could be better"]
    if errors:
        raise ValidationError(errors)
    return cleaned


def feedback_request_answer(
    *, secret: str, answers: dict[str, str], now: datetime.datetime | None = None
) -> FeedbackRequest:
    """Store the answer given through a feedback link, once. Raises FeedbackLinkNotUsable for an unknown,
    answered, cancelled or expired link (and changes nothing), ValidationError for answers that need
    correcting. Two answers sent at the same moment cannot both be stored: the write is conditional on
    the request still waiting, and the database lets one of them through."""
    now = now or clock.now()
    with transaction.atomic():
        found = feedback_request_find(secret=secret)
        if found is None:
            raise FeedbackLinkNotUsable("unknown")
        state = feedback_link_state(found, now)
        if state != "waiting":
            raise FeedbackLinkNotUsable(state, found)
        cleaned = _check_answers(found.kind, answers)
        # The answer belongs to the NQSW's employer: write it in that employer's tenant context.
        with tenant_context(found.employer_id):
            # The portfolio is locked while it is still open, so it cannot be submitted under the answer.
            still_open = (
                Portfolio.objects.select_for_update(of=("self",))
                .filter(
                    pk=found.portfolio_id,
                    submitted_at__isnull=True,
                    registration__status__in=OPEN_STATUSES,
                )
                .values_list("pk", flat=True)
                .first()
                is not None
            )
            # Conditional on the row itself (no join, so PostgreSQL re-checks it after waiting for a
            # concurrent answer's lock): of two answers sent at once, exactly one is stored.
            stored = still_open and FeedbackRequest.objects.filter(
                pk=found.pk, status=FeedbackRequest.Status.SENT, expires_at__gt=now
            ).update(status=FeedbackRequest.Status.ANSWERED, answered_at=now, **cleaned)
            if not stored:
                found.refresh_from_db()
                raise FeedbackLinkNotUsable(feedback_link_state(found, now), found)
            found.refresh_from_db()
            audit_record(
                actor=Actor.anonymous(),
                obj=found,
                action="feedback_request.answered",
                changes={"status": [FeedbackRequest.Status.SENT, FeedbackRequest.Status.ANSWERED]},
            )
    return found
