"""What other apps tell funding: a registration approved for funding, an outcome recorded, a registration
withdrawn or transferred. Implemented by the funding app; called by programmes and reviews services
inside their transactions.

The rules (docs/funding.md):
- approval for funding makes the registration instalment claimable, once; a transfer continues the same
  programme, which earns one registration instalment across all its employers;
- a pass makes the completion instalment claimable, in the funding year of the outcome date (rolled
  forward to the next year if that year's claim deadline has passed);
- an unsuccessful outcome, a withdrawal or a transfer out means no completion instalment here: an open
  completion claim is voided with the reason (one already paid is recovered);
- a registration no longer approved for funding (a correction made it ineligible, or national staff did
  not approve it when asked again) earns no instalment: its open claims are voided with the reason, and
  one already paid is never changed: a recovery of it is recorded.
"""

from __future__ import annotations

from asye.accounts.actor import Actor
from funding.claimable_services import claim_completion_stop, claim_instalment_stop, claim_make_claimable
from funding.models import Instalment
from programmes.models import Outcome, Registration, RegistrationStatus

UNSUCCESSFUL_REASON = (
    "The outcome was unsuccessful: the completion instalment is paid for a successful completion only."
)


def registration_funding_approved(*, actor: Actor, registration: Registration) -> None:
    """National staff approved the registration for funding: its registration instalment is claimable."""
    claim_make_claimable(actor=actor, registration=registration, instalment=Instalment.REGISTRATION)


def registration_outcome_recorded(*, actor: Actor, registration: Registration) -> None:
    """The final outcome is on the registration (after the internal panel endorsed it)."""
    registration.refresh_from_db()
    if registration.outcome == Outcome.PASSED:
        claim_make_claimable(actor=actor, registration=registration, instalment=Instalment.COMPLETION)
    elif registration.outcome == Outcome.UNSUCCESSFUL:
        claim_completion_stop(actor=actor, registration=registration, reason=UNSUCCESSFUL_REASON)


def registration_ended(*, actor: Actor, registration: Registration) -> None:
    """The registration was withdrawn or transferred before completion: no completion instalment."""
    if registration.status == RegistrationStatus.TRANSFERRED:
        reason = "The NQSW transferred to another employer before completing the programme."
    else:
        reason = "The NQSW was withdrawn from the programme before completing it"
        reason += f": {registration.end_reason}" if registration.end_reason else "."
    claim_completion_stop(actor=actor, registration=registration, reason=reason)


def registration_funding_withdrawn(*, actor: Actor, registration: Registration, reason: str) -> None:
    """The registration is no longer approved for funding: no instalment is due for it. Nothing to do if
    it never had a claim."""
    for instalment in (Instalment.REGISTRATION, Instalment.COMPLETION):
        claim_instalment_stop(actor=actor, registration=registration, instalment=instalment, reason=reason)
