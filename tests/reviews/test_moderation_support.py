"""Helpers shared by the national moderation tests (no tests here): registrations with submitted
portfolios at employer A and B, moderators, actors, rounds and assigned cases, all made through the
services in the right tenant context, as the application would make them."""

from __future__ import annotations

import itertools

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from asye.accounts.actor import Actor, build_actor
from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from portfolios.access import portfolio_ensure
from portfolios.models import Evidence, Portfolio
from programmes.services import registration_create
from reviews.models import ModerationCase, ModerationRound
from reviews.moderation_questions import moderation_question
from reviews.moderation_selectors import moderators
from reviews.moderation_services.assignments import case_assign
from reviews.moderation_services.findings import findings_save
from reviews.moderation_services.rounds import round_create, round_preview
from reviews.moderation_services.submissions import moderation_submit_voluntary
from tests.factories import MembershipFactory, person
from tests.programmes.conftest import QUALIFIED, STARTED, facts, registration_day
from tests.today import funding_year_label

_numbers = itertools.count(8_100_001)

# The funding year of the NQSWs who started eleven weeks ago, and the year before it (2026-27 and 2025-26
# when the tests were written, on 23 November 2026).
THIS_YEAR = funding_year_label(STARTED)
LAST_YEAR = funding_year_label(STARTED - relativedelta(years=1))


def actor_for(user: User, employer=None) -> Actor:
    """The actor of ``user`` acting for ``employer`` (or with national roles only, when None)."""
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=employer.pk if employer is not None else None)


def make_moderator(email: str | None = None, *, at=(), ended_at=()) -> User:
    """An NQAP moderator; ``at`` employers where they also hold an (active) assessor role, ``ended_at``
    employers where they held one that has ended."""
    user = person(role=Role.NQAP_MODERATOR, email=email or f"moderator{next(_numbers)}@nqap.example")
    for employer in at:
        MembershipFactory(user=user, employer=employer, role=Role.ASSESSOR)
    for employer in ended_at:
        membership = MembershipFactory(user=user, employer=employer, role=Role.LINE_MANAGER)
        with tenant_context(employer.pk):
            Membership.objects.filter(pk=membership.pk).update(ended_at=timezone.now())
    return user


def registration(tenant, *, service_area: str = "child_and_family", year: str = THIS_YEAR, **overrides):
    """A registration of the tenant's, starting in the funding year ``year`` (``THIS_YEAR``, ``LAST_YEAR`` or
    any other "2025-26"), as far into it as the NQSWs of ``THIS_YEAR`` started, registered on its start day."""
    number = next(_numbers)
    years = relativedelta(years=int(year[:4]) - int(THIS_YEAR[:4]))
    values = {"start_date": STARTED + years, "qualification_date": QUALIFIED + years}
    values.update(
        swe_number=f"SW{number}",
        email=f"nqsw{number}@example.org",
        first_name=f"Nqsw{number}",
        service_area=service_area,
    )
    values.update(overrides)
    given = facts(**values)
    with tenant_context(tenant.employer.pk):
        return registration_create(
            actor=actor_for(tenant.coordinator, tenant.employer), facts=given, today=registration_day(given)
        )


def portfolio(tenant, *, submitted: bool = True, evidence: bool = False, **registration_kwargs) -> Portfolio:
    """The portfolio of a new registration of the tenant's, submitted unless told otherwise."""
    made = registration(tenant, **registration_kwargs)
    actor = actor_for(tenant.coordinator, tenant.employer)
    with tenant_context(tenant.employer.pk):
        folio = portfolio_ensure(actor=actor, registration=made)
        if evidence:
            Evidence.objects.create(
                employer_id=tenant.employer.pk,
                portfolio=folio,
                title="Chairing a child protection conference",
                description="I prepared the family for the conference.",
                reflection="I learned to slow down.",
                status=Evidence.Status.ACCEPTED,
                created_by=tenant.coordinator,
            )
        if submitted:
            Portfolio.objects.filter(pk=folio.pk).update(
                submitted_at=timezone.now(), submitted_by=tenant.coordinator
            )
        folio.refresh_from_db()
    return folio


def submit_voluntarily(tenant, folio: Portfolio) -> ModerationCase:
    with tenant_context(tenant.employer.pk):
        return moderation_submit_voluntary(
            actor=actor_for(tenant.coordinator, tenant.employer), portfolio=folio
        )


def make_round(
    staff: User, *, funding_year: str = THIS_YEAR, by=(), per_stratum=None, percent=None, seed=1234
):
    """A round drawn and confirmed as national staff would: preview, then create with its fingerprint."""
    actor = actor_for(staff)
    if per_stratum is None and percent is None:
        per_stratum = 10
    draw = round_preview(
        actor=actor,
        name="Test round",
        funding_year=funding_year,
        by=tuple(by),
        per_stratum=per_stratum,
        percent=percent,
        seed=seed,
    )
    return round_create(
        actor=actor,
        name="Test round",
        funding_year=funding_year,
        by=tuple(by),
        per_stratum=per_stratum,
        percent=percent,
        seed=seed,
        expected=draw.fingerprint(),
    )


def cases_of(moderation_round: ModerationRound) -> list[ModerationCase]:
    with system_national_context():
        return list(ModerationCase.objects.filter(round=moderation_round).order_by("id"))


def fresh(case: ModerationCase) -> ModerationCase:
    with system_national_context():
        return ModerationCase.objects.get(pk=case.pk)


def assign(staff: User, case: ModerationCase, moderator: User) -> ModerationCase:
    case = fresh(case)
    return case_assign(actor=actor_for(staff), case=case, moderator_id=moderator.pk, version=case.version)


def assigned_case(tenant, staff: User, moderator: User, **portfolio_kwargs) -> ModerationCase:
    """A voluntary submission of the tenant's, assigned to ``moderator``."""
    case = submit_voluntarily(tenant, portfolio(tenant, **portfolio_kwargs))
    return assign(staff, case, moderator)


def send_findings(moderator: User, case: ModerationCase, **overrides) -> ModerationCase:
    """Send findings on the case; the answer, unless given, is the first of the case's question (supports
    the recommendation, or meets the capabilities when the case has no recommendation)."""
    case = fresh(case)
    with system_national_context():
        first_answer = moderation_question(case).answers[0]
    values = {
        "agreement": first_answer,
        "strengths": "Evidence is mapped to the PCF throughout.",
        "areas_for_development": "Reflections could quote more practice examples.",
        "advice": "Set SMART objectives.",
    }
    values.update(overrides)
    return findings_save(actor=actor_for(moderator), case=case, version=case.version, send=True, **values)


def moderator_ids() -> list[int]:
    with system_national_context():
        return list(moderators().values_list("pk", flat=True))
