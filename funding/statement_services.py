"""Writes about payment statements: national staff build an employer's monthly statement from its
approved claims and recovery lines, take lines off a draft, authorise it (after which it cannot change:
the services refuse, and database triggers refuse too, see migrations 0002 and 0005) and mark it paid.

Authorising freezes the statement: each line is stored as it stands (``PaymentStatementLine``: the NQSW's
name, SWE number, programme, instalment, funding year and amount), and from then on every page, export and
API answer reads those. A second person authorises what one person prepared (``funding.separation``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import User
from asye.audit.services import audit_record_many, audited_update
from asye.records import locked_at, versioned_update
from asye.tenancy.db import system_national_context
from funding.models import Claim, ClaimStatus, PaymentStatement, PaymentStatementLine, Recovery
from funding.rules import month_start
from funding.selectors import live_statement_lines, statement_preparers
from funding.separation import SELF_AUTHORISATION, audits_refusals, refuse_own_work
from funding.services import (
    RECOVERY_CHANGED,
    STATEMENT_CHANGED,
    _lock,
    _recompute_totals,
    _require_national,
    _statement_line_removed,
    _take_off_statement,
    _today,
)


@dataclass(frozen=True)
class LinesMove:
    """A move of every claim, or every recovery, on a statement from one status to the next (added to it,
    paid by it), each line audited as ``action``."""

    model: type[Claim | Recovery]
    action: str
    before: str
    after: str

    def apply(self, lines: list, *, actor: Actor, now: datetime.datetime, **fields) -> None:
        """Move ``lines`` (locked) in one UPDATE that also sets ``fields``, stamps ``now`` and moves each
        version on (a line no longer in ``before`` is left as it is); audit each with its move of status
        and ``fields``."""
        self.model.objects.filter(pk__in=[line.pk for line in lines], status=self.before).update(
            status=self.after, updated_at=now, version=F("version") + 1, **fields
        )
        changes = {"status": [self.before, self.after], **fields}
        audit_record_many(actor=actor, action=self.action, objs=lines, changes=lambda line: changes)


CLAIMS_ADDED = LinesMove(Claim, "claim.added_to_statement", ClaimStatus.APPROVED, ClaimStatus.ON_STATEMENT)
RECOVERIES_ADDED = LinesMove(
    Recovery, "recovery.added_to_statement", Recovery.Status.PENDING, Recovery.Status.ON_STATEMENT
)
CLAIMS_PAID = LinesMove(Claim, "claim.paid", ClaimStatus.ON_STATEMENT, ClaimStatus.PAID)
RECOVERIES_RECOVERED = LinesMove(
    Recovery, "recovery.recovered", Recovery.Status.ON_STATEMENT, Recovery.Status.RECOVERED
)


@transaction.atomic
def statement_build(
    *, actor: Actor, employer_id: int, month: datetime.date, today: datetime.date | None = None
) -> PaymentStatement:
    """National staff put every approved claim and every pending recovery of an employer on that employer's
    statement for ``month`` (made if needed; a draft is topped up). Totals are the sums of its lines."""
    _require_national(actor)
    month = month_start(month)
    with system_national_context():
        statement = (
            PaymentStatement.objects.select_for_update().filter(employer_id=employer_id, month=month).first()
        )
        if statement is not None and statement.status != PaymentStatement.Status.DRAFT:
            raise ValidationError(
                {
                    "month": [
                        f"The statement for {month:%B %Y} is {statement.get_status_display().lower()}: "
                        "choose a later month"
                    ]
                }
            )
        claims = list(
            Claim.objects.select_for_update()
            .filter(employer_id=employer_id, status=ClaimStatus.APPROVED, statement__isnull=True)
            .order_by("pk")
        )
        recoveries = list(
            Recovery.objects.select_for_update()
            .filter(employer_id=employer_id, status=Recovery.Status.PENDING, statement__isnull=True)
            .order_by("pk")
        )
        if not claims and not recoveries:
            if statement is not None:
                return statement
            raise ValidationError({"employer": ["This employer has no approved claims or recoveries to pay"]})
        created = statement is None
        if created:
            statement = PaymentStatement.objects.create(
                employer_id=employer_id, month=month, built_by=actor.user
            )
        now = clock.now()
        CLAIMS_ADDED.apply(claims, actor=actor, now=now, statement=statement)
        RECOVERIES_ADDED.apply(recoveries, actor=actor, now=now, statement=statement)
        before = statement.total
        statement = _recompute_totals(statement)
        return audited_update(
            statement,
            None,
            STATEMENT_CHANGED,
            actor=actor,
            action="statement.built" if created else "statement.topped_up",
            changes={
                "month": month,
                "claims_added": len(claims),
                "recoveries_added": len(recoveries),
                "total": [before, statement.total] if not created else statement.total,
            },
        )


def employers_to_pay(*, actor: Actor) -> list[int]:
    """The employers with approved claims or pending recoveries not yet on a statement."""
    _require_national(actor)
    with system_national_context():
        ids = set(
            Claim.objects.filter(status=ClaimStatus.APPROVED, statement__isnull=True).values_list(
                "employer_id", flat=True
            )
        ) | set(
            Recovery.objects.filter(status=Recovery.Status.PENDING, statement__isnull=True).values_list(
                "employer_id", flat=True
            )
        )
    return sorted(ids)


@dataclass(frozen=True)
class StatementsPreview:
    """What building every employer's statement for a month would do: how many statements, for how much
    (approved claims less pending recoveries not yet on a statement)."""

    month: datetime.date
    employer_ids: list[int]
    total: Decimal

    @property
    def count(self) -> int:
        return len(self.employer_ids)


def statements_build_preview(*, actor: Actor, month: datetime.date) -> StatementsPreview:
    """What ``statements_build_all`` would build for ``month``, without building it: four queries whatever
    the number of employers (employers with an authorised statement for the month wait for the next)."""
    _require_national(actor)
    month = month_start(month)
    candidates = employers_to_pay(actor=actor)
    with system_national_context():
        taken = set(
            PaymentStatement.objects.filter(employer_id__in=candidates, month=month)
            .exclude(status=PaymentStatement.Status.DRAFT)
            .values_list("employer_id", flat=True)
        )
        employer_ids = [pk for pk in candidates if pk not in taken]
        claims = Claim.objects.filter(
            employer_id__in=employer_ids, status=ClaimStatus.APPROVED, statement__isnull=True
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        recoveries = Recovery.objects.filter(
            employer_id__in=employer_ids, status=Recovery.Status.PENDING, statement__isnull=True
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return StatementsPreview(month=month, employer_ids=employer_ids, total=claims - recoveries)


@transaction.atomic
def statements_build_all(
    *, actor: Actor, month: datetime.date, progress: Callable[[int, int], None] | None = None
) -> list[PaymentStatement]:
    """A statement for ``month`` for every employer with something to pay (employers whose statement for
    the month is already authorised wait for the next month's). All or none. A background job
    (``funding.jobs``) passes ``progress(done, total)``."""
    built = []
    employer_ids = employers_to_pay(actor=actor)
    for done, employer_id in enumerate(employer_ids):
        if progress is not None:
            progress(done, len(employer_ids))
        with system_national_context():
            taken = (
                PaymentStatement.objects.filter(employer_id=employer_id, month=month_start(month))
                .exclude(status=PaymentStatement.Status.DRAFT)
                .exists()
            )
        if not taken:
            built.append(statement_build(actor=actor, employer_id=employer_id, month=month))
    if not built:
        raise ValidationError(
            {"employer": ["No employer has approved claims or recoveries to pay this month"]}
        )
    return built


@transaction.atomic
def statement_remove_line(
    *,
    actor: Actor,
    statement_id: int,
    claim_id: int | None = None,
    recovery_id: int | None = None,
    version: int | None = None,
) -> PaymentStatement:
    """Take a claim (back to approved) or a recovery (back to pending) off a draft statement."""
    _require_national(actor)
    with system_national_context():
        statement = locked_at(PaymentStatement.objects, statement_id, version, STATEMENT_CHANGED)
        if statement.status != PaymentStatement.Status.DRAFT:
            raise ValidationError("This statement is authorised: it cannot change.")
        if (claim_id is None) == (recovery_id is None):
            raise ValidationError("Choose one line to take off the statement.")
        if claim_id is not None:
            if not Claim.objects.filter(pk=claim_id, statement=statement).exists():
                raise ValidationError("This claim is not on this statement.")
            _take_off_statement(actor=actor, claim=_lock(claim_id))
        else:
            recovery = (
                Recovery.objects.select_for_update().filter(pk=recovery_id, statement=statement).first()
            )
            if recovery is None:
                raise ValidationError("This recovery is not on this statement.")
            audited_update(
                recovery,
                None,
                RECOVERY_CHANGED,
                actor=actor,
                action="recovery.removed_from_statement",
                changes={
                    "status": [Recovery.Status.ON_STATEMENT, Recovery.Status.PENDING],
                    "statement": statement.pk,
                },
                status=Recovery.Status.PENDING,
                statement=None,
            )
            _statement_line_removed(actor=actor, statement=statement, recovery=recovery.pk)
        statement.refresh_from_db()
        return versioned_update(statement, None, STATEMENT_CHANGED)


@audits_refusals
@transaction.atomic
def statement_authorise(*, actor: Actor, statement_id: int, version: int | None = None) -> PaymentStatement:
    """National staff authorise a draft statement for payment: someone who did not prepare it (neither
    built it nor changed it while it was a draft). Its lines are stored as they stand, and from then on it
    cannot change (the services refuse, and so does the database); its totals were checked against its
    lines as it was authorised. A refusal for want of a second person is audited."""
    _require_national(actor)
    with system_national_context():
        statement = locked_at(PaymentStatement.objects, statement_id, version, STATEMENT_CHANGED)
        if statement.status != PaymentStatement.Status.DRAFT:
            raise ValidationError(f"This statement is already {statement.get_status_display().lower()}.")
        preparers = statement_preparers(statement)
        refuse_own_work(
            actor=actor,
            makers=preparers,
            obj=statement,
            attempted="statement.authorise",
            message=SELF_AUTHORISATION,
        )
        statement = _recompute_totals(statement)
        if not statement.claims.exists() and not statement.recoveries.exists():
            raise ValidationError("This statement has no claims or recoveries on it.")
        now = clock.now()
        lines = _freeze_lines(statement, now=now)
        return audited_update(
            statement,
            None,
            STATEMENT_CHANGED,
            actor=actor,
            action="statement.authorised",
            changes={
                "status": [PaymentStatement.Status.DRAFT, PaymentStatement.Status.AUTHORISED],
                "total_claims": statement.total_claims,
                "total_recoveries": statement.total_recoveries,
                "total": statement.total,
                "lines": lines,
                "prepared_by": sorted(User.objects.filter(pk__in=preparers).values_list("email", flat=True)),
            },
            status=PaymentStatement.Status.AUTHORISED,
            authorised_at=now,
            authorised_by=actor.user,
        )


def _freeze_lines(statement: PaymentStatement, *, now: datetime.datetime) -> int:
    """Store the draft's lines as they stand, in the order the statement shows them; returns how many."""
    rows = [
        PaymentStatementLine(
            employer_id=statement.employer_id,
            statement=statement,
            position=position,
            kind=PaymentStatementLine.Kind.CLAIM if line.claim_id else PaymentStatementLine.Kind.RECOVERY,
            claim_id=line.claim_id,
            recovery_id=line.recovery_id,
            reference=line.reference,
            nqsw_name=line.nqsw,
            swe_number=line.swe_number,
            programme=line.programme,
            instalment=line.instalment_code,
            funding_year=line.funding_year,
            amount=line.amount,
            note=line.note,
            frozen_at=now,
        )
        for position, line in enumerate(live_statement_lines(statement), start=1)
    ]
    PaymentStatementLine.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@transaction.atomic
def statement_mark_paid(
    *,
    actor: Actor,
    statement_id: int,
    paid_on: datetime.date,
    payment_reference: str = "",
    version: int | None = None,
    today: datetime.date | None = None,
) -> PaymentStatement:
    """Finance paid an authorised statement: it and its claims are paid, its recoveries recovered."""
    _require_national(actor)
    today = today or _today()
    if paid_on is None:
        raise ValidationError({"paid_on": ["Enter the date the payment was made"]})
    if paid_on > today:
        raise ValidationError({"paid_on": ["The payment date must be today or in the past"]})
    with system_national_context():
        statement = locked_at(PaymentStatement.objects, statement_id, version, STATEMENT_CHANGED)
        if statement.status == PaymentStatement.Status.DRAFT:
            raise ValidationError("Authorise this statement before marking it paid.")
        if statement.status == PaymentStatement.Status.PAID:
            raise ValidationError("This statement is already paid.")
        if statement.authorised_at and paid_on < timezone.localtime(statement.authorised_at).date():
            raise ValidationError(
                {"paid_on": ["The payment date must be on or after the day it was authorised"]}
            )
        claims = list(Claim.objects.select_for_update().filter(statement=statement).order_by("pk"))
        recoveries = list(Recovery.objects.select_for_update().filter(statement=statement).order_by("pk"))
        now = clock.now()
        CLAIMS_PAID.apply(claims, actor=actor, now=now, paid_on=paid_on)
        RECOVERIES_RECOVERED.apply(recoveries, actor=actor, now=now)
        return audited_update(
            statement,
            None,
            STATEMENT_CHANGED,
            actor=actor,
            action="statement.paid",
            changes={
                "status": [PaymentStatement.Status.AUTHORISED, PaymentStatement.Status.PAID],
                "paid_on": paid_on,
                "payment_reference": payment_reference.strip(),
                "total": statement.total,
            },
            status=PaymentStatement.Status.PAID,
            paid_on=paid_on,
            paid_at=now,
            paid_by=actor.user,
            payment_reference=payment_reference.strip(),
        )
