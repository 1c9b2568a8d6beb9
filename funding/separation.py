"""Maker-checker: money moves only after a second person has checked what one person made.

- A payment statement is authorised by a member of national staff who did not prepare it: not the person
  who built it, nor anyone who changed it while it was a draft (topped it up, or took a line off it,
  directly or by voiding a claim on it). Who prepared it is read from the statement's own audit trail,
  which is append-only in the database; the database also refuses an authorisation by its builder.
- A claim is decided (approved or rejected) by someone other than the person who submitted it, and a grant
  application by someone other than the person who submitted it: one person can hold a national staff
  role and a co-ordinator's role at an employer at the same time.

A refusal is a ``SecondPersonRequired`` (a ``ValidationError``: the GOV.UK error summary on a page, a 400
problem detail under the API). The services raise it inside their transaction; ``audits_refusals``,
outside that transaction, records the attempt (``<action>_refused``) once it has been rolled back, so the
record of the attempt survives the refusal wherever the caller keeps what it wrote (a page answering 200
does; a response of 400 or more rolls back the whole request, see ``asye.tenancy.middleware``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction

from asye.accounts.actor import Actor
from asye.audit.services import audit_record
from asye.tenancy.db import system_national_context


class SecondPersonRequired(ValidationError):
    """The actor made (or changed) what they are trying to approve: someone else must do it."""

    def __init__(self, message: str, *, obj: models.Model, attempted: str):
        super().__init__(message, code="second_person_required")
        self.obj = obj
        self.attempted = attempted


SELF_AUTHORISATION = (
    "You built or changed this statement: another member of national staff must check and authorise it."
)
SELF_CLAIM_DECISION = "You submitted this claim: another member of national staff must decide it."
SELF_APPLICATION_DECISION = "You submitted this application: another member of national staff must decide it."


def is_maker(actor: Actor, makers: Iterable[int | None]) -> bool:
    """Whether the acting person is one of ``makers`` (user ids)."""
    return actor.user is not None and actor.user.pk in set(makers)


def refuse_own_work(
    *, actor: Actor, makers: Iterable[int | None], obj: models.Model, attempted: str, message: str
) -> None:
    """Refuse ``attempted`` (like ``statement.authorise``) when the actor is one of ``makers``."""
    if is_maker(actor, makers):
        raise SecondPersonRequired(message, obj=obj, attempted=attempted)


def refuse_own_submission(*, actor: Actor, submitted: models.Model, attempted: str, message: str) -> None:
    """Refuse ``attempted`` on what the actor submitted themselves (its ``submitted_by``)."""
    refuse_own_work(
        actor=actor, makers=[submitted.submitted_by_id], obj=submitted, attempted=attempted, message=message
    )


def refuse_own_claim(*, actor: Actor, claim, attempted: str) -> None:
    """A claim is decided by someone other than the person who submitted it."""
    refuse_own_submission(actor=actor, submitted=claim, attempted=attempted, message=SELF_CLAIM_DECISION)


def refuse_own_application(*, actor: Actor, application, attempted: str) -> None:
    """A grant application is decided by someone other than the person who submitted it."""
    refuse_own_submission(
        actor=actor, submitted=application, attempted=attempted, message=SELF_APPLICATION_DECISION
    )


def audits_refusals(service: Callable) -> Callable:
    """Decorate a service (above its ``transaction.atomic``): when it refuses for want of a second person,
    record the attempt after its transaction was rolled back, then re-raise."""

    @functools.wraps(service)
    def wrapper(*args, actor: Actor, **kwargs):
        try:
            return service(*args, actor=actor, **kwargs)
        except SecondPersonRequired as refusal:
            with transaction.atomic(), system_national_context():
                audit_record(
                    actor=actor,
                    obj=refusal.obj,
                    action=f"{refusal.attempted}_refused",
                    changes={"reason": "second_person_required", "message": refusal.messages[0]},
                )
            raise

    return wrapper
