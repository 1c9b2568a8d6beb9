"""National staff's decisions on many submitted claims at once: approve them all, or reject them all with
one reason (#18 item 3).

A selection is what national staff checked: each claim's id and the version they saw, signed so the
confirmation cannot be edited on the way (``selection_sign``/``selection_read``). Deciding is all or
nothing, in one transaction: every claim is locked, and if any is missing, no longer submitted, changed
since the check page (a different version), or was submitted by the person deciding (maker-checker), the
whole decision is refused, naming the claim and why, and nothing is saved.

The write is set-based (one UPDATE, one multi-row INSERT of audit events) and writes exactly what the
single-claim services (``funding.services.claim_approve``/``claim_reject``) write: the same columns, and one
``claim.approved``/``claim.rejected`` event per claim with the same changes. 1,000 claims take well under a
second (``tests/funding/test_bulk_decisions.py`` measures it), so no background job is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import audit_record_many
from asye.tenancy.db import system_national_context
from funding.models import Claim, ClaimStatus
from funding.separation import SecondPersonRequired, audits_refusals, is_maker

SALT = "funding.bulk-claims"
APPROVE, REJECT = "approve", "reject"
DECISIONS = {
    APPROVE: (ClaimStatus.APPROVED, "claim.approved"),
    REJECT: (ClaimStatus.REJECTED, "claim.rejected"),
}
MAX_CLAIMS = 5000
NO_REASON = "Enter the reason the claims are rejected"
STALE = "was changed after you checked it ({now}). Nothing was saved: go back to the claims and select again."


@dataclass(frozen=True)
class Selection:
    """The claims national staff checked, each with the version they saw."""

    versions: dict[int, int]

    def __len__(self) -> int:
        return len(self.versions)


def selection_sign(claims) -> str:
    """The selection of ``claims`` (id and version each) as a signed, compact token for the check page."""
    pairs = sorted((claim.pk, claim.version) for claim in claims)
    return signing.dumps([[pk for pk, _ in pairs], [v for _, v in pairs]], salt=SALT, compress=True)


def selection_read(token: str) -> Selection:
    """The selection a check page carried; a token that was edited, or is over a day old, is refused."""
    try:
        ids, versions = signing.loads(token or "", salt=SALT, max_age=24 * 60 * 60)
        return Selection({int(pk): int(v) for pk, v in zip(ids, versions, strict=True)})
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ValidationError(
            "This selection has expired or is not valid. Go back to the claims and select again."
        ) from error


def _claim_label(claim: Claim) -> str:
    registration = claim.registration
    return (
        f"Claim {claim.reference} ({registration.first_name} {registration.last_name}, {claim.employer.name})"
    )


def _refusal(claim: Claim, message: str) -> ValidationError:
    return ValidationError(f"{_claim_label(claim)} {message}", code="bulk_refused")


@audits_refusals
@transaction.atomic
def claims_decide_bulk(*, actor: Actor, decision: str, selection: Selection, reason: str = "") -> int:
    """Approve, or reject with ``reason``, every claim in ``selection``: all of them or none. Returns how
    many were decided."""
    if not actor.is_national_staff:
        raise PermissionDenied("Only national staff do this.")
    if decision not in DECISIONS:
        raise ValidationError({"decision": ["Select whether to approve or reject the claims"]})
    reason = reason.strip()
    if decision == REJECT and not reason:
        raise ValidationError({"reason": [NO_REASON]})
    if not selection.versions:
        raise ValidationError("Select the claims to decide")
    if len(selection) > MAX_CLAIMS:
        raise ValidationError(f"Decide at most {MAX_CLAIMS:,} claims at once")
    to, action = DECISIONS[decision]
    with system_national_context():
        claims = list(
            Claim.objects.filter(pk__in=list(selection.versions))
            .select_for_update(of=("self",))
            .select_related("registration", "employer")
            .order_by("pk")
        )
        found = {claim.pk for claim in claims}
        missing = sorted(set(selection.versions) - found)
        if missing:
            raise ValidationError(
                f"Claim C{missing[0]:06d} is no longer available. Nothing was saved: go back to the claims "
                "and select again.",
                code="bulk_refused",
            )
        for claim in claims:
            if claim.version != selection.versions[claim.pk] or claim.status != ClaimStatus.SUBMITTED:
                raise _refusal(claim, STALE.format(now=claim.get_status_display().lower()))
            if is_maker(actor, [claim.submitted_by_id]):
                raise SecondPersonRequired(
                    f"{_claim_label(claim)} was submitted by you: another member of national staff must "
                    "decide it. Nothing was saved: go back to the claims and leave it out.",
                    obj=claim,
                    attempted=f"claim.{decision}",
                )
        now = clock.now()
        changes = {"status": to, "decided_at": now, "decided_by": actor.user, "updated_at": now}
        if decision == REJECT:
            changes["reason"] = reason
        updated = Claim.objects.filter(pk__in=found, status=ClaimStatus.SUBMITTED).update(
            version=F("version") + 1, **changes
        )
        if updated != len(claims):  # cannot happen while the rows are locked; refuse rather than half-do
            raise ValidationError(
                "Some of these claims changed while they were being decided. Nothing was saved."
            )

        def audited(claim: Claim) -> dict:
            if decision == APPROVE:
                return {"status": [ClaimStatus.SUBMITTED, to], "amount": claim.amount}
            return {"status": [ClaimStatus.SUBMITTED, to], "reason": reason}

        audit_record_many(actor=actor, action=action, objs=claims, changes=audited)
    return updated
