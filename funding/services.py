"""Writes about claims: made claimable (by the hooks), submitted, approved, rejected or voided, recovery
lines for overpayments, and the year-end roll-forward. Payment statements are in
``funding.statement_services``, grant applications in ``funding.application_services``.

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
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.audit.services import _jsonable, audit_record
from asye.errors import Conflict
from asye.tenancy.db import system_national_context
from funding.models import (
    Claim,
    ClaimStatus,
    FundingYear,
    Instalment,
    PaymentStatement,
    Recovery,
)
from funding.rules import (
    can_move,
    claim_arises_in,
    claim_year_for,
    instalment_is_due,
    parse_money,
    rate_for,
    refuse_move,
)
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


def _audit_many(*, actor: Actor | None, action: str, objs: Iterable, changes) -> int:
    """One audit event per object, written in one statement (statements can carry hundreds of claims).
    The same rows ``audit_record`` writes; ``changes(obj)`` gives each object's changed fields."""
    user = actor.user if actor is not None else None
    label = actor.label if actor is not None else "system"
    events = [
        AuditEvent(
            employer_id=obj.employer_id,
            actor_user=user,
            actor_label=label,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            changes=_jsonable(changes(obj)),
        )
        for obj in objs
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


def _update_versioned(model, obj, version: int | None, message: str, **changes):
    """Write ``changes`` if the row is still at ``version`` (default: the version read); otherwise 409."""
    expected = obj.version if version is None else version
    updated = model.objects.filter(pk=obj.pk, version=expected).update(
        version=expected + 1, updated_at=clock.now(), **changes
    )
    if not updated:
        raise Conflict(message)
    obj.refresh_from_db()
    return obj


# --- Claims becoming claimable (called by funding.hooks) ---------------------------------------------


def _transfer_family(registration: Registration) -> list[int]:
    """Every registration of the same programme, through transfers either way (read nationally: they
    belong to the other employers the NQSW moved between), the first one first."""
    with system_national_context():
        root, seen = registration.pk, {registration.pk}
        parent = registration.transferred_from_id
        while parent and parent not in seen:
            root = parent
            seen.add(parent)
            parent = Registration.objects.filter(pk=parent).values_list("transferred_from_id", flat=True)[0]
        family, frontier = [root], [root]
        while frontier:
            frontier = list(
                Registration.objects.filter(transferred_from_id__in=frontier)
                .exclude(pk__in=family)
                .values_list("pk", flat=True)
            )
            family += frontier
    return family


def _registration_instalment_paid_elsewhere(registration: Registration) -> bool:
    """A transfer continues the same programme: it earns one registration instalment, for whichever of
    its registrations was approved first. True when another registration of the programme has a live
    registration claim."""
    family = _transfer_family(registration)
    if len(family) == 1:
        return False
    with system_national_context():
        # Lock the first registration, so two approvals along one programme cannot both pay.
        Registration.objects.select_for_update().filter(pk=family[0]).first()
        return (
            Claim.objects.filter(registration_id__in=family, instalment=Instalment.REGISTRATION)
            .exclude(registration_id=registration.pk)
            .exclude(status__in=[ClaimStatus.VOIDED, ClaimStatus.REJECTED])
            .exists()
        )


@transaction.atomic
def claim_make_claimable(
    *, actor: Actor, registration: Registration, instalment: str, today: datetime.date | None = None
) -> Claim | None:
    """Make the registration's ``instalment`` claimable, once: a claim in its first state (claimable),
    its amount copied from the cohort's rate. Calling it again returns the claim already made (the
    database's unique constraint settles a race). None when nothing is due (not approved for funding,
    no pass, or a transferred programme whose registration instalment another of its registrations has)."""
    today = today or _today()
    registration = Registration.objects.select_related("framework_version").get(pk=registration.pk)
    if not instalment_is_due(registration, instalment):
        return None
    existing = Claim.objects.filter(
        employer_id=registration.employer_id, registration=registration, instalment=instalment
    ).first()
    if existing is not None:
        return existing
    if instalment == Instalment.REGISTRATION and _registration_instalment_paid_elsewhere(registration):
        return None
    year, rolled_from = claim_year_for(label=claim_arises_in(registration, instalment), today=today)
    rate = rate_for(
        cohort=registration.funding_year,
        framework_id=registration.framework_version.framework_id,
        instalment=instalment,
    )
    claim, created = Claim.objects.get_or_create(
        employer_id=registration.employer_id,
        registration=registration,
        instalment=instalment,
        defaults={
            "funding_year": year,
            "rolled_forward_from": rolled_from,
            "rate": rate,
            "amount": rate.amount,
            "claimable_on": today,
        },
    )
    if created:
        audit_record(
            actor=actor,
            obj=claim,
            action="claim.claimable",
            changes={
                "registration": registration.pk,
                "instalment": instalment,
                "amount": claim.amount,
                "funding_year": year.label,
                "rate": rate.pk,
                **({"rolled_forward_from": rolled_from.label} if rolled_from else {}),
            },
        )
    return claim


@transaction.atomic
def claims_make_claimable_bulk(
    *,
    actor: Actor | None,
    registrations: Iterable[Registration],
    instalment: str,
    on: dict[int, datetime.date] | None = None,
    today: datetime.date | None = None,
) -> list[Claim]:
    """``claim_make_claimable`` for many registrations at once, for system jobs (the demo data): the same
    rules (what is due, the year and its roll-forward, the cohort's rate), a few queries in all. ``on``
    gives the day each registration's instalment became claimable (default ``today``). A registration
    continuing a transfer gets no registration instalment here (the one-at-a-time service checks the
    transfer chain). Runs single-threaded; the unique constraint still refuses any second claim."""
    today = today or _today()
    on = on or {}
    due = [
        r
        for r in registrations
        if instalment_is_due(r, instalment)
        and not (instalment == Instalment.REGISTRATION and r.transferred_from_id)
    ]
    existing = set(
        Claim.objects.filter(registration_id__in=[r.pk for r in due], instalment=instalment).values_list(
            "registration_id", flat=True
        )
    )
    years = list(FundingYear.objects.order_by("starts_on"))
    rates: dict[tuple[str, int], object] = {}
    new = []
    for registration in due:
        if registration.pk in existing:
            continue
        day = on.get(registration.pk, today)
        year, rolled_from = claim_year_for(
            label=claim_arises_in(registration, instalment), today=day, years=years
        )
        key = (registration.funding_year, registration.framework_version.framework_id)
        if key not in rates:
            rates[key] = rate_for(cohort=key[0], framework_id=key[1], instalment=instalment)
        rate = rates[key]
        new.append(
            Claim(
                employer_id=registration.employer_id,
                registration=registration,
                instalment=instalment,
                funding_year=year,
                rolled_forward_from=rolled_from,
                rate=rate,
                amount=rate.amount,
                claimable_on=day,
            )
        )
    Claim.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    created = list(
        Claim.objects.filter(registration_id__in=[c.registration_id for c in new], instalment=instalment)
        .exclude(registration_id__in=existing)
        .select_related("funding_year")
    )
    _audit_many(
        actor=actor,
        action="claim.claimable",
        objs=created,
        changes=lambda claim: {
            "registration": claim.registration_id,
            "instalment": instalment,
            "amount": claim.amount,
            "funding_year": claim.funding_year.label,
            "rate": claim.rate_id,
        },
    )
    return created


@transaction.atomic
def claim_completion_stop(*, actor: Actor, registration: Registration, reason: str) -> Claim | None:
    """No completion instalment for this registration: void its completion claim if it is not yet on an
    authorised statement; if it is (or was paid), record a recovery of what was paid instead."""
    return claim_instalment_stop(
        actor=actor, registration=registration, instalment=Instalment.COMPLETION, reason=reason
    )


@transaction.atomic
def claim_instalment_stop(
    *, actor: Actor, registration: Registration, instalment: str, reason: str
) -> Claim | None:
    """No ``instalment`` for this registration (any more): void its claim if it is not yet on an authorised
    statement; if it is (or was paid), the claim is not changed: a recovery of what was paid is recorded."""
    claim = (
        Claim.objects.select_for_update()
        .filter(employer_id=registration.employer_id, registration=registration, instalment=instalment)
        .first()
    )
    if claim is None or claim.status in (ClaimStatus.VOIDED, ClaimStatus.REJECTED):
        return claim
    if claim.status == ClaimStatus.ON_STATEMENT and claim.statement.status == PaymentStatement.Status.DRAFT:
        claim = _take_off_statement(actor=actor, claim=claim)
    if claim.status in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED):
        return _move(claim, to=ClaimStatus.VOIDED, actor=actor, action="claim.voided", reason=reason)
    outstanding = _outstanding(claim)
    if outstanding > 0:
        recovery = Recovery.objects.create(
            employer_id=claim.employer_id,
            claim=claim,
            amount=outstanding,
            reason=reason,
            created_by=actor.user,
        )
        audit_record(
            actor=actor,
            obj=recovery,
            action="recovery.created",
            changes={"claim": claim.pk, "amount": outstanding, "reason": reason},
        )
    return claim


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
    expected = claim.version if version is None else version
    updated = Claim.objects.filter(pk=claim.pk, version=expected, status=before).update(
        status=to, version=expected + 1, updated_at=clock.now(), **changes
    )
    if not updated:
        raise Conflict(CLAIM_CHANGED)
    claim.refresh_from_db()
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
        refuse_own_claim(actor=actor, claim=claim, attempted="claim.approve")
        return _move(
            claim,
            to=ClaimStatus.APPROVED,
            actor=actor,
            action="claim.approved",
            version=version,
            audit={"amount": claim.amount},
            decided_at=clock.now(),
            decided_by=actor.user,
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
        refuse_own_claim(actor=actor, claim=claim, attempted="claim.reject")
        return _move(
            claim,
            to=ClaimStatus.REJECTED,
            actor=actor,
            action="claim.rejected",
            version=version,
            reason=reason.strip(),
            decided_at=clock.now(),
            decided_by=actor.user,
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


# --- Recovery lines ----------------------------------------------------------------------------------


def _outstanding(claim: Claim) -> Decimal:
    recovered = (
        Recovery.objects.filter(claim=claim)
        .exclude(status=Recovery.Status.CANCELLED)
        .aggregate(s=Sum("amount"))["s"]
    )
    return claim.amount - (recovered or 0)


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
                {"amount": [f"The amount must be £{outstanding:,.2f} or less: what is left to recover"]}
            )
        recovery = Recovery.objects.create(
            employer_id=claim.employer_id,
            claim=claim,
            amount=amount,
            reason=reason.strip(),
            created_by=actor.user,
        )
        audit_record(
            actor=actor,
            obj=recovery,
            action="recovery.created",
            changes={"claim": claim.pk, "amount": amount, "reason": reason.strip()},
        )
        return recovery


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
        recovery = _update_versioned(
            Recovery,
            recovery,
            version,
            RECOVERY_CHANGED,
            status=Recovery.Status.CANCELLED,
            cancelled_reason=reason.strip(),
        )
        audit_record(
            actor=actor,
            obj=recovery,
            action="recovery.cancelled",
            changes={
                "status": [Recovery.Status.PENDING, Recovery.Status.CANCELLED],
                "reason": reason.strip(),
            },
        )
        return recovery


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
    before = statement.total
    statement = _recompute_totals(statement)
    audit_record(
        actor=actor,
        obj=statement,
        action="statement.line_removed",
        changes={"claim": claim.pk, "total": [before, statement.total]},
    )
    return claim


# --- Year end -----------------------------------------------------------------------------------------


@transaction.atomic
def claims_roll_forward(*, actor: Actor | None = None, today: datetime.date | None = None) -> int:
    """Move every claim not yet submitted whose year's claim deadline has passed to the next open year's
    claim (the system runs this daily; claim_submit applies the same rule). Returns how many moved."""
    today = today or _today()
    moved = 0
    with system_national_context():
        past = FundingYear.objects.filter(claim_deadline__lt=today)
        claims = list(
            Claim.objects.select_for_update(of=("self",))
            .select_related("funding_year")
            .filter(status=ClaimStatus.DRAFT, funding_year__in=past)
            .order_by("pk")
        )
        for claim in claims:
            try:
                year, _ = claim_year_for(label=claim.funding_year.label, today=today)
            except ValidationError:
                continue  # the next year is not set up yet: it moves once national staff add it
            from_year = claim.rolled_forward_from or claim.funding_year
            Claim.objects.filter(pk=claim.pk).update(
                funding_year=year,
                rolled_forward_from=from_year,
                version=F("version") + 1,
                updated_at=clock.now(),
            )
            audit_record(
                actor=actor,
                obj=claim,
                action="claim.rolled_forward",
                changes={"funding_year": [claim.funding_year.label, year.label]},
            )
            moved += 1
    return moved
