"""The employer's voluntary submissions to national moderation: a co-ordinator submits one of the
employer's submitted portfolios, and may withdraw it while it waits outside a round."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.records import created_unless_taken
from portfolios.models import Portfolio
from reviews.models import ModerationCase


@transaction.atomic
def moderation_submit_voluntary(*, actor: Actor, portfolio: Portfolio) -> ModerationCase:
    """A co-ordinator puts one of the employer's submitted portfolios forward for national moderation."""
    actor.require(Role.COORDINATOR, employer=portfolio.employer_id)
    if portfolio.submitted_at is None:
        raise ValidationError(
            {"portfolio": ["Only a portfolio that has been submitted can go to national moderation"]}
        )
    if ModerationCase.objects.filter(employer_id=portfolio.employer_id, portfolio=portfolio).exists():
        raise ValidationError({"portfolio": ["This portfolio is already in national moderation"]})
    case = created_unless_taken(
        ModerationCase,
        employer_id=portfolio.employer_id,
        portfolio=portfolio,
        source=ModerationCase.Source.VOLUNTARY,
        status=ModerationCase.Status.WAITING,
        submitted_by=actor.user,
    )
    if case is None:
        # Sampled into a round (or submitted by a colleague) a moment ago.
        raise ValidationError({"portfolio": ["This portfolio is already in national moderation"]})
    audit_record(
        actor=actor,
        obj=case,
        action="moderation.voluntary_submitted",
        changes={"portfolio": portfolio.pk, "registration": portfolio.registration_id},
    )
    return case


@transaction.atomic
def moderation_withdraw_voluntary(*, actor: Actor, case: ModerationCase) -> None:
    """The co-ordinator withdraws a voluntary submission that is still waiting outside a round."""
    actor.require(Role.COORDINATOR, employer=case.employer_id)
    if case.source != ModerationCase.Source.VOLUNTARY:
        raise ValidationError("A portfolio sampled by national staff cannot be withdrawn.")
    deleted, _ = ModerationCase.objects.filter(
        pk=case.pk, employer_id=case.employer_id, status=ModerationCase.Status.WAITING, round__isnull=True
    ).delete()
    if not deleted:
        raise ValidationError("This portfolio has joined a moderation round: it can no longer be withdrawn.")
    audit_record(
        actor=actor,
        obj=case,
        action="moderation.voluntary_withdrawn",
        changes={"portfolio": case.portfolio_id},
    )
