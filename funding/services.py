"""Writes about claims through their states: submitted by the co-ordinator, approved, rejected or voided
by national staff, and taken off a draft payment statement; and the helpers the funding services share
(the stale-write messages, the versioned update, the bulk audit, the national staff check).

Claims made claimable, stopped and rolled forward are ``funding.claimable_services``, recovery lines
``funding.recovery_services``, payment statements ``funding.statement_services``, grant applications
``funding.application_services``.

Every service runs in one transaction, checks who is acting, validates (ValidationError by field, GOV.UK
wording), writes, and records an audit event with the actor. Records two people may edit carry a
``version``: a stale one raises ``Conflict`` (409). Claims are locked (SELECT ... FOR UPDATE) before they
move, so a repeated or concurrent press of a button is harmless: a claim already submitted stays as it is.

National staff's services check the role, then work inside ``system_national_context()`` as
``programmes.services.registration_funding_decide`` does; their views run in the audited national scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.errors import Conflict
from asye.records import versioned_update
from asye.tenancy.db import system_national_context
from funding.models import Claim, ClaimStatus, PaymentStatement, Recovery
from funding.rules import can_move, claim_year_for, instalment_is_due, refuse_move
from funding.separation import audits_refusals, refuse_own_claim
from programmes.models import Registration

CLAIM_CHANGED = "This claim was changed by someone else. Reload it and try again."
STATEMENT_CHANGED = "This payment statement was changed by someone else. Reload it and try again."
APPLICATION_CHANGED = "This grant application was changed by someone else. Reload it and try again."
ACTION_CHANGED = "This action was changed by someone else. Reload it and try again."
RECOVERY_CHANGED = "This recovery was changed by someone else. Reload it and try again."


def _today() -> datetime.date:
    return clock.today()


def _require_national(actor: Actor) -> None:
    if not actor.is_national_staff:
        raise PermissionDenied("Only national staff do this.")


# --- Claims through their states ---------------------------------------------------------------------


def _move(
    claim: Claim,
    *,
    to: str,
    actor: Actor,
    action: str,
    version: int | None = None,
    audit: dict | None = None,
    **changes,
) -> Claim:
    """Move a (locked) claim to ``to`` if the state machine allows it and it is still at ``version``."""
    if not can_move(claim.status, to):
        raise refuse_move(claim.status, to)
    before = claim.status
    claim = versioned_update(claim, version, CLAIM_CHANGED, still={"status": before}, status=to, **changes)
    audit_record(
        actor=actor,
        obj=claim,
        action=action,
        changes={
            "status": [before, to],
            **{k: v for k, v in changes.items() if k == "reason"},
            **(audit or {}),
        },
    )
    return claim


def _decide(claim: Claim, verb: str, *, to: str, actor: Actor, version: int | None, **move) -> Claim:
    """National staff's decision on a submitted claim (``verb``: approve or reject it): by someone other
    than the person who submitted it, recorded with who decided and when. ``move`` is the rest of what
    ``_move`` takes (the reason, what else the audit keeps)."""
    refuse_own_claim(actor=actor, claim=claim, attempted=f"claim.{verb}")
    return _move(
        claim,
        to=to,
        actor=actor,
        action=f"claim.{to}",
        version=version,
        decided_at=clock.now(),
        decided_by=actor.user,
        **move,
    )


def _lock(claim_id: int, queryset=None) -> Claim:
    queryset = Claim.objects.all() if queryset is None else queryset
    return (
        queryset.select_for_update(of=("self",)).select_related("funding_year", "statement").get(pk=claim_id)
    )


@transaction.atomic
def claim_submit(
    *, actor: Actor, claim: Claim, version: int | None = None, today: datetime.date | None = None
) -> Claim:
    """The co-ordinator claims an instalment. Pressing submit again changes nothing. A claim submitted
    after its year's deadline rolls forward to the next year's claim."""
    actor.require(Role.COORDINATOR, employer=claim.employer_id)
    today = today or _today()
    claim = _lock(claim.pk, Claim.objects.visible_to(actor))
    if claim.status in (
        ClaimStatus.SUBMITTED,
        ClaimStatus.APPROVED,
        ClaimStatus.ON_STATEMENT,
        ClaimStatus.PAID,
    ):
        return claim
    if claim.status != ClaimStatus.DRAFT:
        raise refuse_move(claim.status, ClaimStatus.SUBMITTED)
    registration = Registration.objects.get(pk=claim.registration_id)
    if not instalment_is_due(registration, claim.instalment):
        raise ValidationError(
            "This instalment is no longer due: the registration's funding or outcome changed."
        )
    changes: dict = {"submitted_at": clock.now(), "submitted_by": actor.user}
    audit: dict = {"amount": claim.amount, "funding_year": claim.funding_year.label}
    if today > claim.funding_year.claim_deadline:
        year, _ = claim_year_for(label=claim.funding_year.label, today=today)
        changes.update(funding_year=year, rolled_forward_from=claim.rolled_forward_from or claim.funding_year)
        audit.update(funding_year=[claim.funding_year.label, year.label], rolled_forward=True)
    return _move(
        claim,
        to=ClaimStatus.SUBMITTED,
        actor=actor,
        action="claim.submitted",
        version=version,
        audit=audit,
        **changes,
    )


@transaction.atomic
def claims_submit(
    *, actor: Actor, claim_ids: Iterable[int], today: datetime.date | None = None
) -> list[Claim]:
    """Submit several of the employer's claims at once (each as ``claim_submit``)."""
    actor.require(Role.COORDINATOR)
    ids = sorted({int(pk) for pk in claim_ids})
    claims = list(Claim.objects.visible_to(actor).filter(pk__in=ids).order_by("pk"))
    if not ids or len(claims) != len(ids):
        raise ValidationError({"claims": ["Select the claims to submit"]})
    return [claim_submit(actor=actor, claim=claim, today=today) for claim in claims]


@audits_refusals
@transaction.atomic
def claim_approve(*, actor: Actor, claim_id: int, version: int | None = None) -> Claim:
    """National staff approve a submitted claim for payment: someone other than the person who submitted
    it. Approving it again changes nothing."""
    _require_national(actor)
    with system_national_context():
        claim = _lock(claim_id)
        if claim.status in (ClaimStatus.APPROVED, ClaimStatus.ON_STATEMENT, ClaimStatus.PAID):
            return claim
        approved = {"amount": claim.amount}  # what the audit keeps beside the move
        return _decide(
            claim, "approve", to=ClaimStatus.APPROVED, actor=actor, version=version, audit=approved
        )


@audits_refusals
@transaction.atomic
def claim_reject(*, actor: Actor, claim_id: int, reason: str, version: int | None = None) -> Claim:
    """National staff refuse a submitted claim, with the reason the employer will see: someone other than
    the person who submitted it."""
    _require_national(actor)
    if not reason.strip():
        raise ValidationError({"reason": ["Enter the reason the claim is rejected"]})
    with system_national_context():
        claim = _lock(claim_id)
        return _decide(
            claim, "reject", to=ClaimStatus.REJECTED, actor=actor, version=version, reason=reason.strip()
        )


@transaction.atomic
def claim_void(*, actor: Actor, claim_id: int, reason: str, version: int | None = None) -> Claim:
    """National staff cancel a claim that should not be paid (made in error), with the reason. A claim
    on a draft statement comes off it; one on an authorised statement or paid needs a recovery instead."""
    _require_national(actor)
    if not reason.strip():
        raise ValidationError({"reason": ["Enter the reason the claim is void"]})
    with system_national_context():
        claim = _lock(claim_id)
        if version is not None and claim.version != version:
            raise Conflict(CLAIM_CHANGED)
        if claim.is_paid_out:
            raise ValidationError(
                "This claim is on an authorised payment statement: record a recovery instead of voiding it."
            )
        if claim.status == ClaimStatus.ON_STATEMENT:
            claim = _take_off_statement(actor=actor, claim=claim)
        return _move(claim, to=ClaimStatus.VOIDED, actor=actor, action="claim.voided", reason=reason.strip())


# --- Payment statements ------------------------------------------------------------------------------


def _recompute_totals(statement: PaymentStatement) -> PaymentStatement:
    """Store the sums of the lines on a draft statement (to the penny, in the database)."""
    claims = Claim.objects.filter(statement=statement).aggregate(s=Sum("amount"))["s"] or 0
    recoveries = Recovery.objects.filter(statement=statement).aggregate(s=Sum("amount"))["s"] or 0
    PaymentStatement.objects.filter(pk=statement.pk).update(
        total_claims=claims, total_recoveries=recoveries, total=claims - recoveries, updated_at=clock.now()
    )
    statement.refresh_from_db()
    return statement


def _take_off_statement(*, actor: Actor, claim: Claim) -> Claim:
    """Take a claim off its draft statement (back to approved). The statement's own trail records the
    change too: whoever changes a draft is one of the people who prepared it (``funding.separation``)."""
    statement = claim.statement
    claim = _move(
        claim,
        to=ClaimStatus.APPROVED,
        actor=actor,
        action="claim.removed_from_statement",
        audit={"statement": statement.pk},
        statement=None,
    )
    _statement_line_removed(actor=actor, statement=statement, claim=claim.pk)
    return claim


def _statement_line_removed(*, actor: Actor, statement: PaymentStatement, **line) -> PaymentStatement:
    """Store a draft's totals again after a line came off it, and audit that on the statement's own trail
    with the ``line`` (its claim or recovery) and the total before and after."""
    before = statement.total
    statement = _recompute_totals(statement)
    audit_record(
        actor=actor,
        obj=statement,
        action="statement.line_removed",
        changes={**line, "total": [before, statement.total]},
    )
    return statement
