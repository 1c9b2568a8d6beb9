"""Recovery lines: money to win back on a claim already paid (an overpayment), created and cancelled by
national staff; a line is netted off the employer's next payment statement (``funding.statement_services``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from asye.accounts.actor import Actor
from asye.audit.services import audited_create, audited_update
from asye.tenancy.db import system_national_context
from asye.web.formats import money
from funding.models import Claim, Recovery
from funding.rules import parse_money
from funding.services import RECOVERY_CHANGED, _lock, _require_national

# --- Recovery lines ----------------------------------------------------------------------------------


def _outstanding(claim: Claim) -> Decimal:
    recovered = (
        Recovery.objects.filter(claim=claim)
        .exclude(status=Recovery.Status.CANCELLED)
        .aggregate(s=Sum("amount"))["s"]
    )
    return claim.amount - (recovered or 0)


def recovery_record(*, actor: Actor, claim: Claim, amount: Decimal, reason: str) -> Recovery:
    """Write a recovery line of ``amount`` on ``claim``, audited as ``recovery.created`` with the claim,
    amount and reason. The caller has checked the amount against what is left to recover."""
    return audited_create(
        Recovery,
        actor=actor,
        action="recovery.created",
        audit=("claim", "amount", "reason"),
        employer_id=claim.employer_id,
        claim=claim,
        amount=amount,
        reason=reason,
        created_by=actor.user,
    )


@transaction.atomic
def recovery_create(*, actor: Actor, claim_id: int, amount, reason: str) -> Recovery:
    """National staff record money to recover on a paid claim (an overpayment). It is its own line,
    netted off the employer's next payment statement; together the recoveries of a claim never exceed
    what was paid on it."""
    _require_national(actor)
    amount = parse_money(amount)
    if not reason.strip():
        raise ValidationError({"reason": ["Enter the reason the money is recovered"]})
    with system_national_context():
        claim = _lock(claim_id)
        if not claim.is_paid_out:
            raise ValidationError(
                "Only a paid claim can have money recovered. Void or reject an unpaid claim."
            )
        outstanding = _outstanding(claim)
        if amount > outstanding:
            raise ValidationError(
                {"amount": [f"The amount must be {money(outstanding)} or less: what is left to recover"]}
            )
        return recovery_record(actor=actor, claim=claim, amount=amount, reason=reason.strip())


# One name per the brief's vocabulary: recovering a claim is creating its recovery line.
claim_recover = recovery_create


@transaction.atomic
def recovery_cancel(*, actor: Actor, recovery_id: int, reason: str, version: int | None = None) -> Recovery:
    """National staff cancel a recovery not yet on a statement, with the reason."""
    _require_national(actor)
    if not reason.strip():
        raise ValidationError({"cancelled_reason": ["Enter the reason the recovery is cancelled"]})
    with system_national_context():
        recovery = Recovery.objects.select_for_update().get(pk=recovery_id)
        if recovery.status != Recovery.Status.PENDING:
            raise ValidationError(
                f"This recovery is {recovery.get_status_display().lower()}: it cannot be cancelled."
            )
        return audited_update(
            recovery,
            version,
            RECOVERY_CHANGED,
            actor=actor,
            action="recovery.cancelled",
            changes={
                "status": [Recovery.Status.PENDING, Recovery.Status.CANCELLED],
                "reason": reason.strip(),
            },
            status=Recovery.Status.CANCELLED,
            cancelled_reason=reason.strip(),
        )
