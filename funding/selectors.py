"""Reads about funding, scoped to the actor. Employers see their own claims, statements (once authorised)
and grant applications, through the co-ordinator role only: claims are finance records. National staff's
reads (``*_national``) are evaluated inside the national scope (``asye.tenancy.national``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from funding.models import (
    ActionPlanItem,
    Claim,
    ClaimStatus,
    FundingYear,
    GrantApplication,
    PaymentStatement,
    PaymentStatementLine,
    Recovery,
)
from programmes.search import registration_search_q
from programmes.selectors import of_employers_chosen

ZERO = Decimal("0.00")
EMPLOYER_STATEMENT_STATUSES = (PaymentStatement.Status.AUTHORISED, PaymentStatement.Status.PAID)
CLAIM_RELATED = (
    "registration__framework_version__framework",
    "funding_year",
    "rolled_forward_from",
    "statement",
)


# --- The employer's --------------------------------------------------------------------------------


def claim_list(*, actor: Actor) -> QuerySet[Claim]:
    """The employer's claims, for its co-ordinators; nothing for anyone else."""
    if not actor.has_role(Role.COORDINATOR):
        return Claim.objects.none()
    return Claim.objects.visible_to(actor).select_related(*CLAIM_RELATED)


def claim_get(*, actor: Actor, pk: int) -> Claim:
    return get_object_or_404(claim_list(actor=actor), pk=pk)


@dataclass(frozen=True)
class StatusTotal:
    status: str
    label: str
    count: int
    amount: Decimal


SUMMARY_ORDER = (
    ClaimStatus.DRAFT,
    ClaimStatus.SUBMITTED,
    ClaimStatus.APPROVED,
    ClaimStatus.ON_STATEMENT,
    ClaimStatus.PAID,
    ClaimStatus.REJECTED,
    ClaimStatus.VOIDED,
)


def claim_summary(claims: QuerySet[Claim]) -> list[StatusTotal]:
    """Count and amount of the claims by status, in the order a claim moves (one SQL aggregate)."""
    rows = {
        row["status"]: row
        for row in claims.order_by().values("status").annotate(n=Count("id"), amount=Sum("amount"))
    }
    return [
        StatusTotal(
            status=status,
            label=ClaimStatus(status).label,
            count=rows.get(status, {}).get("n", 0),
            amount=rows.get(status, {}).get("amount") or ZERO,
        )
        for status in SUMMARY_ORDER
    ]


def claim_history(*, actor: Actor, claim: Claim) -> QuerySet[AuditEvent]:
    """What happened to the claim, oldest first, from the employer's audit trail."""
    return (
        AuditEvent.objects.visible_to(actor)
        .filter(object_type=Claim._meta.label_lower, object_id=str(claim.pk))
        .order_by("created_at", "id")
    )


def statement_list(*, actor: Actor) -> QuerySet[PaymentStatement]:
    """The employer's authorised and paid statements (drafts are national staff's work in progress)."""
    if not actor.has_role(Role.COORDINATOR):
        return PaymentStatement.objects.none()
    return PaymentStatement.objects.visible_to(actor).filter(status__in=EMPLOYER_STATEMENT_STATUSES)


def statement_get(*, actor: Actor, pk: int) -> PaymentStatement:
    return get_object_or_404(statement_list(actor=actor), pk=pk)


def recovery_list(*, actor: Actor) -> QuerySet[Recovery]:
    if not actor.has_role(Role.COORDINATOR):
        return Recovery.objects.none()
    return Recovery.objects.visible_to(actor).select_related("claim__registration", "statement")


def grant_application_list(*, actor: Actor) -> QuerySet[GrantApplication]:
    if not actor.has_role(Role.COORDINATOR):
        return GrantApplication.objects.none()
    return (
        GrantApplication.objects.visible_to(actor)
        .select_related("funding_year")
        .annotate(action_count=Count("actions"))
    )


def grant_application_get(*, actor: Actor, pk: int) -> GrantApplication:
    return get_object_or_404(grant_application_list(actor=actor), pk=pk)


def action_item_get(*, actor: Actor, pk: int) -> ActionPlanItem:
    if not actor.has_role(Role.COORDINATOR):
        return get_object_or_404(ActionPlanItem.objects.none(), pk=pk)
    return get_object_or_404(
        ActionPlanItem.objects.visible_to(actor).select_related("application__funding_year"), pk=pk
    )


# --- Statement lines (for pages, exports and the API) -------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    kind: str  # "Claim" or "Recovery"
    reference: str
    nqsw: str
    swe_number: str
    programme: str
    instalment: str  # as shown: "Registration" or "Completion"
    funding_year: str
    amount: Decimal  # negative for a recovery
    claim_id: int | None = None
    recovery_id: int | None = None
    note: str = ""
    instalment_code: str = ""  # as stored: "registration" or "completion"


def statement_lines(statement: PaymentStatement) -> list[StatementLine]:
    """The lines of a statement. Once it is authorised, as they were at that moment (its frozen lines,
    whatever has changed since: a name, a SWE number, a programme's name); while it is a draft, today's
    values (``live_statement_lines``). Every page, export and API answer reads a statement through here."""
    if statement.status == PaymentStatement.Status.DRAFT:
        return live_statement_lines(statement)
    frozen = PaymentStatementLine.objects.filter(employer_id=statement.employer_id, statement=statement)
    return [
        StatementLine(
            kind=line.get_kind_display(),
            reference=line.reference,
            nqsw=line.nqsw_name,
            swe_number=line.swe_number,
            programme=line.programme,
            instalment=line.get_instalment_display(),
            funding_year=line.funding_year,
            amount=line.amount,
            claim_id=line.claim_id,
            recovery_id=line.recovery_id,
            note=line.note,
            instalment_code=line.instalment,
        )
        for line in frozen.order_by("position")
    ]


def live_statement_lines(statement: PaymentStatement) -> list[StatementLine]:
    """The claims (positive) and recoveries (negative) on a statement with today's values: claims first by
    the NQSW's name, then recoveries by reference."""
    lines = []
    claims = (
        Claim.objects.filter(statement=statement)
        .select_related("registration__framework_version__framework", "funding_year")
        .order_by("registration__last_name", "registration__first_name", "pk")
    )
    for claim in claims:
        lines.append(
            _claim_line(
                claim, kind="Claim", reference=claim.reference, amount=claim.amount, claim_id=claim.pk
            )
        )
    recoveries = (
        Recovery.objects.filter(statement=statement)
        .select_related("claim__registration__framework_version__framework", "claim__funding_year")
        .order_by("pk")
    )
    for recovery in recoveries:
        claim = recovery.claim
        lines.append(
            _claim_line(
                claim,
                kind="Recovery",
                reference=recovery.reference,
                amount=-recovery.amount,
                recovery_id=recovery.pk,
                note=f"Recovers {claim.reference}: {recovery.reason}",
            )
        )
    return lines


def _claim_line(claim: Claim, **line) -> StatementLine:
    """A statement's line about ``claim`` (the claim itself, or a recovery of it): the NQSW, programme,
    instalment and funding year are the claim's; ``line`` gives the rest."""
    registration = claim.registration
    return StatementLine(
        nqsw=registration.full_name,
        swe_number=registration.swe_number,
        programme=registration.framework_version.framework.name,
        instalment=claim.get_instalment_display(),
        funding_year=claim.funding_year.label,
        instalment_code=claim.instalment,
        **line,
    )


# Who prepared a statement, for maker-checker (funding.separation): these events on the statement itself.
PREPARING_ACTIONS = ("statement.built", "statement.topped_up", "statement.line_removed")


def statement_preparers(statement: PaymentStatement) -> set[int]:
    """The people who built the statement or changed it while it was a draft (user ids), from its audit
    trail and its ``built_by``. Read inside the national scope."""
    events = AuditEvent.objects.filter(
        employer_id=statement.employer_id,
        object_type=PaymentStatement._meta.label_lower,
        object_id=str(statement.pk),
        action__in=PREPARING_ACTIONS,
        actor_user__isnull=False,
    )
    return {statement.built_by_id, *events.values_list("actor_user_id", flat=True)}


# --- National staff's ---------------------------------------------------------------------------------


def claim_queue_national(*, actor: Actor, filters: dict[str, str]) -> QuerySet[Claim]:
    """Every employer's claims, filtered; submitted claims (the approval queue) by default, oldest first."""
    actor.require(Role.NATIONAL_STAFF)
    claims = Claim.objects.select_related("employer", *CLAIM_RELATED).order_by("submitted_at", "pk")
    status = filters.get("status") or ClaimStatus.SUBMITTED
    if status != "all":
        claims = claims.filter(status=status)
    if filters.get("funding_year"):
        claims = claims.filter(funding_year__label=filters["funding_year"])
    if filters.get("instalment"):
        claims = claims.filter(instalment=filters["instalment"])
    claims = of_employers_chosen(claims, filters)
    if filters.get("q"):
        q = filters["q"]
        claims = claims.filter(
            Q(employer__name__icontains=q) | registration_search_q(q, prefix="registration__")
        )
    return claims


def claim_get_national(*, actor: Actor, pk: int) -> Claim:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(
        Claim.objects.select_related("employer", "decided_by", "submitted_by", "rate", *CLAIM_RELATED), pk=pk
    )


def claim_history_national(*, actor: Actor, claim: Claim) -> QuerySet[AuditEvent]:
    actor.require(Role.NATIONAL_STAFF)
    return AuditEvent.objects.filter(object_type=Claim._meta.label_lower, object_id=str(claim.pk)).order_by(
        "created_at", "id"
    )


def statement_list_national(*, actor: Actor, filters: dict[str, str]) -> QuerySet[PaymentStatement]:
    actor.require(Role.NATIONAL_STAFF)
    statements = PaymentStatement.objects.select_related("employer").annotate(
        claim_count=Count("claims", distinct=True), recovery_count=Count("recoveries", distinct=True)
    )
    if filters.get("status") in PaymentStatement.Status.values:
        statements = statements.filter(status=filters["status"])
    return statements.order_by("-month", "employer__name")


def statement_get_national(*, actor: Actor, pk: int) -> PaymentStatement:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(
        PaymentStatement.objects.select_related("employer", "built_by", "authorised_by", "paid_by"), pk=pk
    )


def grant_application_list_national(*, actor: Actor, filters: dict[str, str]) -> QuerySet[GrantApplication]:
    actor.require(Role.NATIONAL_STAFF)
    applications = (
        GrantApplication.objects.select_related("employer", "funding_year")
        .annotate(action_count=Count("actions"))
        .order_by("submitted_at", "pk")
    )
    status = filters.get("status") or GrantApplication.Status.SUBMITTED
    if status != "all":
        applications = applications.filter(status=status)
    if filters.get("funding_year"):
        applications = applications.filter(funding_year__label=filters["funding_year"])
    return applications


def grant_application_get_national(*, actor: Actor, pk: int) -> GrantApplication:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(
        GrantApplication.objects.select_related("employer", "funding_year", "submitted_by", "decided_by"),
        pk=pk,
    )


def funding_overview_national(*, actor: Actor) -> dict:
    """What waits for national staff: claims to approve, statements to authorise or pay, applications."""
    actor.require(Role.NATIONAL_STAFF)
    claims = Claim.objects.filter(status=ClaimStatus.SUBMITTED).aggregate(n=Count("id"), amount=Sum("amount"))
    approved = Claim.objects.filter(status=ClaimStatus.APPROVED).aggregate(
        n=Count("id"), amount=Sum("amount")
    )
    statements = dict(
        PaymentStatement.objects.exclude(status=PaymentStatement.Status.PAID)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {
        "claims_submitted": claims["n"],
        "claims_submitted_amount": claims["amount"] or ZERO,
        "claims_approved": approved["n"],
        "claims_approved_amount": approved["amount"] or ZERO,
        "statements_draft": statements.get(PaymentStatement.Status.DRAFT, 0),
        "statements_authorised": statements.get(PaymentStatement.Status.AUTHORISED, 0),
        "applications_submitted": GrantApplication.objects.filter(
            status=GrantApplication.Status.SUBMITTED
        ).count(),
        "recoveries_pending": Recovery.objects.filter(status=Recovery.Status.PENDING).count(),
    }


def funding_years() -> list[FundingYear]:
    """Reference data: every funding year set up, oldest first."""
    return list(FundingYear.objects.order_by("starts_on"))
