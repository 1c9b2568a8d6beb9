"""Writes for the learning agreement: drafting a revision, changing one nobody has signed, and the three
signatures.

The agreement is drafted and changed by the NQSW, their assessor or the co-ordinator, and signed by the
NQSW, the assessor and the line manager, each for themselves (``portfolios.access`` decides who is who).
A revision with any signature is never changed: a new revision is started instead, and earlier ones stay
as history. Every write is refused once the portfolio can no longer change
(``access.require_writable``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, audited_create, audited_update, changed_fields
from asye.errors import Conflict
from asye.records import locked_at
from portfolios.access import (
    is_assessor,
    is_coordinator,
    is_line_manager,
    is_owner,
)
from portfolios.models import (
    AgreementSignature,
    LearningAgreement,
)
from portfolios.record_writes import (
    MAX_AGREEMENT_TEXT,
    MAX_SHORT_TEXT,
    checked_text,
    portfolio_for_write,
    refuse_unless,
)
from programmes.models import Registration
from programmes.progress_store import progress_refresh

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
AGREEMENT_CHANGED = (
    "Someone else changed this agreement since you opened it. Your text is below: check the agreement as "
    "it is now before you save again."
)


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


def _check_agreement(*texts: str | None, reason: str, reason_required: bool) -> tuple[dict[str, str], str]:
    """The agreement's parts (in ``AGREEMENT_TEXT_FIELDS`` order) and the reason for a revision, stripped;
    ValidationError naming each part missing or too long."""
    errors: dict[str, list[str]] = {}
    cleaned = {
        name: checked_text(
            errors,
            name,
            value,
            required=AGREEMENT_REQUIRED.get(name, ""),
            max_length=MAX_AGREEMENT_TEXT,
            what=AGREEMENT_WHAT[name],
        )
        for name, value in zip(AGREEMENT_TEXT_FIELDS, texts, strict=True)
    }
    reason = checked_text(
        errors,
        "reason",
        reason,
        required="Enter why the agreement is being revised" if reason_required else "",
        max_length=MAX_SHORT_TEXT,
        what="The reason",
    )
    if errors:
        raise ValidationError(errors)
    return cleaned, reason


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
    refuse_unless(
        can_draft_agreement(actor, registration),
        "Only the NQSW, their assessor or the co-ordinator drafts the learning agreement.",
    )
    # Locked before the portfolio, in the same order as agreement_sign, so the two cannot deadlock; and
    # the revision names the assessor and line manager as they are at this moment.
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    portfolio = portfolio_for_write(actor, registration)
    latest = portfolio.agreements.order_by("-revision").first()
    if latest is not None and not latest.signatures.exists():
        raise ValidationError(
            f"Revision {latest.revision} has not been signed by anyone yet: change it instead of starting "
            "a new one."
        )
    texts, reason = _check_agreement(
        review_dates,
        supervision_plan,
        workload_arrangements,
        protected_time,
        other_support,
        reason=reason,
        reason_required=latest is not None,
    )
    agreement = audited_create(
        LearningAgreement,
        actor=actor,
        action="learning_agreement.created",
        audit=("revision", "assessor", "line_manager", "reason"),
        changes={"registration": registration.pk, "replaces": latest.pk if latest else None},
        employer_id=registration.employer_id,
        portfolio=portfolio,
        revision=(latest.revision + 1) if latest else 1,
        assessor_id=registration.assessor_id,
        line_manager_id=registration.line_manager_id,
        reason=reason,
        created_by=actor.user,
        **texts,
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
    refuse_unless(
        can_draft_agreement(actor, registration),
        "Only the NQSW, their assessor or the co-ordinator changes the learning agreement.",
    )
    portfolio = portfolio_for_write(actor, registration)
    if portfolio.agreements.filter(revision__gt=agreement.revision).exists():
        raise ValidationError("This is an earlier revision of the agreement: it is kept as it was.")
    # Locked, so a signature cannot be added between the check below and the change.
    agreement = LearningAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.signatures.exists():
        raise ValidationError(
            "This revision has been signed, so it cannot be changed. Start a new revision instead."
        )
    texts, reason = _check_agreement(
        review_dates,
        supervision_plan,
        workload_arrangements,
        protected_time,
        other_support,
        reason=reason,
        reason_required=agreement.revision > 1,
    )
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
        raise Conflict(AGREEMENT_CHANGED)
    # The words themselves stay out of the audit trail: which parts changed, and the people.
    return audited_update(
        agreement,
        version,
        AGREEMENT_CHANGED,
        actor=actor,
        action="learning_agreement.changed",
        changes=changes,
        words=AGREEMENT_TEXT_FIELDS,
        **texts,
        reason=reason,
        assessor_id=registration.assessor_id,
        line_manager_id=registration.line_manager_id,
    )


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
    refuse_unless(
        bool(roles), "Only the NQSW, their assessor and their line manager sign the learning agreement."
    )
    if signed_as not in SIGNED_AS.values:
        raise ValidationError({"signed_as": ["Select who you are signing as"]})
    refuse_unless(signed_as in roles, "You cannot sign for someone else.")
    portfolio = portfolio_for_write(actor, registration)
    if portfolio.agreements.filter(revision__gt=agreement.revision).exists():
        raise ValidationError("This is an earlier revision of the agreement: sign the latest one.")
    # Locked (registration, portfolio, then agreement, the order every agreement write takes): two
    # signatures at once are added one after the other, and the last one completes the revision.
    agreement = locked_at(
        LearningAgreement.objects,
        agreement.pk,
        version,
        "This agreement was changed since you opened it. Read it again before you sign.",
    )
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
