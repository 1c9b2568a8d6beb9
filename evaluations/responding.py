"""Answering through a single-use link, with no account: finding the invitation by its secret, and storing
the answers once, anonymously.

The invitation is found by the SHA-256 of the secret (row-level security shows that one row to whoever
presents the secret, through ``app.evaluation_hash``, before any employer is known). The answers are
written in the employer's tenant context as a response that names only the cycle and the respondent
type, with the date; the invitation is marked used, with no time. Nothing joins the two afterwards.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import audit_record
from asye.notifications.outbox import outbox_cancel
from asye.tenancy.db import apply_settings, tenant_context
from evaluations import selectors
from evaluations.models import (
    EvaluationCycle,
    EvaluationInvitation,
    EvaluationRating,
    EvaluationResponse,
)
from evaluations.services import INVITATION_EMAIL, rating_of, secret_hash


class LinkNotUsable(Exception):
    """``reason``: unknown (404), used or closed (410)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_find(*, secret: str) -> EvaluationInvitation | None:
    """The invitation whose link carries ``secret``, whatever its state; None for an unknown secret."""
    if not secret or len(secret) > 200:
        return None
    token_hash = secret_hash(secret)
    apply_settings({"app.evaluation_hash": token_hash})
    try:
        return EvaluationInvitation.objects.filter(token_hash=token_hash).first()
    finally:
        apply_settings({"app.evaluation_hash": None})


def link_state(invitation: EvaluationInvitation) -> str:
    """waiting, used or closed (the cycle has closed). Reads the cycle in its employer's context."""
    if invitation.used:
        return "used"
    with tenant_context(invitation.employer_id):
        cycle = EvaluationCycle.objects.get(pk=invitation.cycle_id)
        return "waiting" if selectors.cycle_is_open(cycle) else "closed"


def link_page(invitation: EvaluationInvitation) -> dict:
    """What the respondent's page shows: the employer's name, the closing date and the statements."""
    with tenant_context(invitation.employer_id):
        cycle = EvaluationCycle.objects.select_related("employer", "framework").get(pk=invitation.cycle_id)
        return {
            "employer_name": cycle.employer.name,
            "closes_on": cycle.closes_on,
            "structure": selectors.framework_structure(cycle.framework),
            "respondent_type": invitation.get_respondent_type_display(),
        }


def response_submit(*, secret: str, answers: dict[int, str]) -> None:
    """Store the answers given through a link, once. ``answers`` maps every statement number to "1".."5"
    or "dont_know". Raises LinkNotUsable for an unknown, used or closed link (and changes nothing);
    ValidationError for missing answers. Of two submissions at once, the conditional update lets one in."""
    with transaction.atomic():
        invitation = invitation_find(secret=secret)
        if invitation is None:
            raise LinkNotUsable("unknown")
        state = link_state(invitation)
        if state != "waiting":
            raise LinkNotUsable(state)
        with tenant_context(invitation.employer_id):
            cycle = EvaluationCycle.objects.get(pk=invitation.cycle_id)
            statements = selectors.statements_by_number(cycle.framework_id)
            missing = [number for number in statements if answers.get(number) in (None, "")]
            if missing:
                raise ValidationError(f"Answer every statement ({len(missing)} not answered)")
            claimed = EvaluationInvitation.objects.filter(pk=invitation.pk, used=False).update(used=True)
            if not claimed:
                raise LinkNotUsable("used")
            response = EvaluationResponse.objects.create(
                employer_id=cycle.employer_id,
                cycle=cycle,
                respondent_type=invitation.respondent_type,
                submitted_on=clock.today(),
            )
            EvaluationRating.objects.bulk_create(
                EvaluationRating(
                    employer_id=cycle.employer_id,
                    response=response,
                    statement=statement,
                    rating=rating_of(answers[number]),
                )
                for number, statement in statements.items()
            )
            outbox_cancel(about=invitation, kind=INVITATION_EMAIL)  # answered before its email went
            # The cycle, not the invitation or the response: the trail says an answer came in, not whose.
            audit_record(actor=Actor.anonymous(), obj=cycle, action="evaluation_response.received")
