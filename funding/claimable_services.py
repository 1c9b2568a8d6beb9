# ruff: noqa: S608 - the table name is the model's own; values are parameters.
"""Claims arising and stopping with the programme (called by ``funding.hooks``): made claimable one by one
or in bulk, voided or recovered when an NQSW's programme ends, and moved to the next funding year when
their year's claim deadline passes (the year-end roll-forward, run daily by ``funding.tasks``).

The rules on amounts, years and states are ``funding.rules``; a claim's moves are ``funding.services``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import audit_record, audit_record_many
from asye.tenancy.db import system_national_context
from funding.models import Claim, ClaimStatus, FundingYear, Instalment, PaymentStatement
from funding.recovery_services import _outstanding, recovery_record
from funding.rules import claim_arises_in, claim_year_for, instalment_is_due, rate_for
from funding.services import _move, _take_off_statement, _today
from programmes.models import Registration

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
    audit_record_many(
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
        recovery_record(actor=actor, claim=claim, amount=outstanding, reason=reason)
    return claim


# --- Year end -----------------------------------------------------------------------------------------

# Claims moved per transaction at most (one UPDATE and their audit events): the batches are ranges of this
# many ids. Big enough that a national year (~66,000 claims) is a dozen batches, small enough that each
# batch's locks are brief.
ROLL_FORWARD_BATCH = 5000


def claims_roll_forward(
    *, actor: Actor | None = None, today: datetime.date | None = None, batch_size: int = ROLL_FORWARD_BATCH
) -> int:
    """Move every claim not yet submitted whose year's claim deadline has passed to the next open year's
    claim (the system runs this daily; claim_submit applies the same rule). Returns how many moved.

    Set-based, in batches of consecutive ids (``batch_size`` ids a batch), each batch its own transaction
    (a savepoint when called inside one) in the system's national context: one UPDATE moves the batch's
    claimable claims and says which it moved, and their audit events (one each) are written in bulk.
    Idempotent and safe to rerun after a failure part-way: a claim moved is in a year whose deadline has
    not passed, so it is never picked again; a batch that failed moved nothing and the next run takes it."""
    today = today or _today()
    with system_national_context():
        years = list(FundingYear.objects.order_by("starts_on"))
    labels = {year.pk: year.label for year in years}
    moved = 0
    for year in years:
        if year.claim_deadline >= today:
            continue
        try:
            # Where this closed year's claims go: the rule in one place.
            to_year = claim_year_for(label=year.label, today=today, years=years)[0].pk
        except ValidationError:
            continue  # no open year after it yet: its claims move once national staff add the next year
        with system_national_context():
            due = Claim.objects.filter(status=ClaimStatus.DRAFT, funding_year=year)
            bounds = due.aggregate(first=Min("pk"), last=Max("pk"))
        if bounds["first"] is None:
            continue
        # Ranges of ids rather than "the next n": nothing to sort, and a range never shifts as it moves.
        for start in range(bounds["first"], bounds["last"] + 1, batch_size):
            moved += _roll_forward_batch(
                actor=actor,
                from_year=year.pk,
                to_year=to_year,
                labels=labels,
                ids=(start, start + batch_size),
            )
    return moved


def _roll_forward_batch(
    *, actor: Actor | None, from_year: int, to_year: int, labels: dict[int, str], ids: tuple[int, int]
) -> int:
    """Move the claimable claims of ``from_year`` with ids in ``[ids[0], ids[1])`` to ``to_year`` in one
    transaction, with their audit events. Returns how many moved. The UPDATE locks each claim and checks
    it again if someone changed it meanwhile: a claim submitted a moment before stays where it is."""
    table = Claim._meta.db_table
    with system_national_context(), connection.cursor() as cursor:
        cursor.execute(
            # A claim already rolled forward once keeps the year it first belonged to.
            f"""UPDATE {table}
                SET funding_year_id = %s, rolled_forward_from_id = COALESCE(rolled_forward_from_id, %s),
                    version = version + 1, updated_at = %s
                WHERE status = %s AND funding_year_id = %s AND id >= %s AND id < %s
                RETURNING id, employer_id, instalment""",
            [
                to_year,
                from_year,
                connection.ops.adapt_datetimefield_value(clock.now()),
                ClaimStatus.DRAFT,
                from_year,
                *ids,
            ],
        )
        moved = sorted(cursor.fetchall())
        if moved:
            change = {"funding_year": [labels[from_year], labels[to_year]]}
            audit_record_many(
                actor=actor,
                action="claim.rolled_forward",
                objs=(
                    Claim.from_db(connection.alias, ["id", "employer_id", "instalment"], row) for row in moved
                ),
                changes=lambda claim: change,
            )
    return len(moved)
