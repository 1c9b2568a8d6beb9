"""Who may read and write a portfolio, and the portfolio of a registration.

The NQSW owns their portfolio and writes it; their assessor responds to evidence and records
observations; their line manager and the employer's co-ordinator read it. A portfolio is reached through
its registration, so everything here starts from ``programmes.selectors.registration_get``: another
employer's registration, or one that does not name the actor, is a 404 decided by the query.

National staff do not browse portfolios. NQAP moderators read a portfolio only once it is submitted and
assigned to them (the reviews app's moderation pages, inside the audited national scope).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from portfolios.models import CapabilitySet, CapabilityStatement, Portfolio, PortfolioCapabilitySet
from programmes.models import Registration
from programmes.selectors import registration_get


def _is(actor: Actor, user_id: int | None) -> bool:
    return actor.user is not None and user_id is not None and actor.user.pk == user_id


def _is_named(actor: Actor, registration: Registration, role: str, user_id: int | None) -> bool:
    """The actor holds ``role`` at the registration's employer and is the person it names in that part."""
    return registration.employer_id == actor.employer_id and actor.has_role(role) and _is(actor, user_id)


def is_owner(actor: Actor, registration: Registration) -> bool:
    """The NQSW whose portfolio it is."""
    return _is_named(actor, registration, Role.NQSW, registration.nqsw_id)


def is_assessor(actor: Actor, registration: Registration) -> bool:
    return _is_named(actor, registration, Role.ASSESSOR, registration.assessor_id)


def is_line_manager(actor: Actor, registration: Registration) -> bool:
    return _is_named(actor, registration, Role.LINE_MANAGER, registration.line_manager_id)


def is_coordinator(actor: Actor, registration: Registration) -> bool:
    return registration.employer_id == actor.employer_id and actor.has_role(Role.COORDINATOR)


def require_owner(
    actor: Actor,
    registration: Registration,
    refusal: str = "Only the NQSW whose portfolio this is can change it.",
) -> None:
    """403 (``refusal``) unless the actor is the registration's NQSW."""
    if not is_owner(actor, registration):
        raise PermissionDenied(refusal)


def require_assessor(actor: Actor, registration: Registration) -> None:
    if not is_assessor(actor, registration):
        raise PermissionDenied("Only the NQSW's assessor can do this.")


def is_writable(portfolio: Portfolio | None, registration: Registration) -> bool:
    """Whether the portfolio can still change (``require_writable`` says why not). A portfolio not yet
    made is written on first use."""
    return registration.is_open and (portfolio is None or portfolio.submitted_at is None)


def require_writable(portfolio: Portfolio, registration: Registration) -> None:
    """A portfolio is written while the programme is under way and until it is submitted."""
    if portfolio.submitted_at is not None:
        raise ValidationError(
            "This portfolio has been submitted for moderation: it can no longer be changed."
        )
    if not registration.is_open:
        raise ValidationError(
            f"This registration is {registration.get_status_display().lower()}: "
            "its portfolio can no longer be changed."
        )


def portfolio_registration_get(*, actor: Actor, pk: int) -> Registration:
    """The registration whose portfolio the actor may read (its NQSW, assessor, line manager, or the
    employer's co-ordinator); 404 otherwise, whether missing or another employer's."""
    return registration_get(actor=actor, pk=pk)


def pcf_first(capability_sets) -> list[CapabilitySet]:
    """Capability sets in the order pages and the pack show them: the PCF first, then by code."""
    return sorted(capability_sets, key=lambda s: (s.kind != CapabilitySet.Kind.PCF, s.code))


def capability_sets_for(registration: Registration) -> list[CapabilitySet]:
    """The newest published version of the PCF and of the standards for the registration's service area."""
    service_area = registration.framework_version.framework.service_area
    newest: dict[str, CapabilitySet] = {}
    for capability_set in CapabilitySet.objects.filter(published_at__isnull=False).order_by(
        "code", "-version"
    ):
        if capability_set.service_area in ("", service_area):
            newest.setdefault(capability_set.code, capability_set)
    return pcf_first(newest.values())


def portfolio_ensure(*, actor: Actor, registration: Registration) -> Portfolio:
    """The registration's portfolio, made on first use with the capability frameworks then published
    (kept for its lifetime, as a registration keeps its framework version). Safe to call repeatedly and
    concurrently: the one-to-one constraint decides a race."""
    portfolio = Portfolio.objects.filter(registration=registration).first()
    if portfolio is not None:
        return portfolio
    try:
        with transaction.atomic():
            portfolio = Portfolio.objects.create(
                employer_id=registration.employer_id, registration=registration
            )
            PortfolioCapabilitySet.objects.bulk_create(
                PortfolioCapabilitySet(
                    employer_id=registration.employer_id, portfolio=portfolio, capability_set=capability_set
                )
                for capability_set in capability_sets_for(registration)
            )
    except IntegrityError:
        return Portfolio.objects.get(registration=registration)
    audit_record(
        actor=actor,
        obj=portfolio,
        action="portfolio.started",
        changes={
            "registration": registration.pk,
            "capability_sets": [s.pk for s in portfolio.capability_sets.all()],
        },
    )
    return portfolio


def portfolio_statements(portfolio: Portfolio) -> list[CapabilityStatement]:
    """Every capability statement the portfolio is mapped to, PCF first, in number order."""
    sets = list(portfolio.capability_sets.all())
    order = {s.pk: i for i, s in enumerate(pcf_first(sets))}
    statements = CapabilityStatement.objects.filter(capability_set__in=sets).select_related("capability_set")
    return sorted(statements, key=lambda st: (order[st.capability_set_id], st.number))
