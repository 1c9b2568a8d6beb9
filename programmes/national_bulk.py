"""National staff's funding decisions on many registrations at once: approve them all, or reject them all
with one reason (#18 item 3).

A selection is each registration's id and the version national staff saw on the check page, signed so it
cannot be edited on the way. Deciding is all or nothing, in one transaction: a registration missing or
changed since the check page (its version moved on) refuses the whole decision before anything is written;
then each registration is decided by the single-record service, ``registration_funding_decide``, so every
rule, audit event (one per registration) and funding hook is exactly that of one decision, and any refusal
(already decided, the decider's own employer) rolls back every decision and names the registration.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye.accounts.actor import Actor
from asye.tenancy.db import system_national_context
from programmes.models import Registration
from programmes.services import registration_funding_decide

SALT = "programmes.bulk-registrations"
MAX_REGISTRATIONS = 1000
NOTHING_SAVED = "Nothing was saved: go back to the registrations and select again."
NO_REASON = "Give the reason the registrations are not approved"


def selection_sign(registrations) -> str:
    pairs = sorted((registration.pk, registration.version) for registration in registrations)
    return signing.dumps([[pk for pk, _ in pairs], [v for _, v in pairs]], salt=SALT, compress=True)


def selection_read(token: str) -> dict[int, int]:
    """``{registration id: version seen}``; an edited token, or one over a day old, is refused."""
    try:
        ids, versions = signing.loads(token or "", salt=SALT, max_age=24 * 60 * 60)
        return {int(pk): int(v) for pk, v in zip(ids, versions, strict=True)}
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ValidationError(
            "This selection has expired or is not valid. Go back to the registrations and select again."
        ) from error


def _name(registration: Registration) -> str:
    return (
        f"The registration of {registration.first_name} {registration.last_name} "
        f"({registration.swe_number}, {registration.employer.name})"
    )


@transaction.atomic
def registrations_decide_bulk(
    *, actor: Actor, approve: bool, versions: dict[int, int], note: str = ""
) -> int:
    """Approve, or reject with ``note``, the funding of every registration in ``versions``: all or none.
    Returns how many were decided."""
    if not actor.is_national_staff:
        raise PermissionDenied("Only national staff decide funding.")
    if not approve and not note.strip():
        raise ValidationError({"note": [NO_REASON]})
    if not versions:
        raise ValidationError("Select the registrations to decide")
    if len(versions) > MAX_REGISTRATIONS:
        raise ValidationError(f"Decide at most {MAX_REGISTRATIONS:,} registrations at once")
    with system_national_context():
        registrations = {
            registration.pk: registration
            for registration in Registration.objects.filter(pk__in=list(versions))
            .select_for_update(of=("self",))
            .select_related("employer")
        }
    for pk in sorted(versions):
        registration = registrations.get(pk)
        if registration is None:
            raise ValidationError(f"A registration you selected is no longer available. {NOTHING_SAVED}")
        if registration.version != versions[pk]:
            raise ValidationError(f"{_name(registration)} was changed after you checked it. {NOTHING_SAVED}")
    for pk in sorted(versions):
        try:
            registration_funding_decide(actor=actor, registration_id=pk, approve=approve, note=note)
        except (ValidationError, PermissionDenied) as refusal:
            reason = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
            raise ValidationError(f"{_name(registrations[pk])}: {reason} {NOTHING_SAVED}") from refusal
    return len(versions)
