"""What other apps tell funding: a registration approved for funding, an outcome recorded, a registration
withdrawn or transferred. Implemented by the funding app; called by programmes and reviews services
inside their transactions."""

from __future__ import annotations

from asye.accounts.actor import Actor
from programmes.models import Registration


def registration_funding_approved(*, actor: Actor, registration: Registration) -> None:
    """National staff approved the registration for funding: its registration instalment is claimable."""


def registration_outcome_recorded(*, actor: Actor, registration: Registration) -> None:
    """The final outcome is on the registration (after the internal panel endorsed it)."""


def registration_ended(*, actor: Actor, registration: Registration) -> None:
    """The registration was withdrawn or transferred before completion: no completion instalment."""
