"""Portfolio test helpers. Every test gets a temporary MEDIA_ROOT, so no uploaded file lands in the
project. ``linked_registration`` registers one of a tenant's NQSWs with the tenant's assessor and line
manager named; ``portfolio_of`` starts its portfolio; ``add_evidence`` adds evidence through the services
as the NQSW (and, with ``status=``, shares it and has the assessor respond)."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from asye.tenancy.db import tenant_context
from portfolios.access import portfolio_ensure, portfolio_statements
from portfolios.models import Evidence, Portfolio
from portfolios.services import evidence_create, evidence_respond, evidence_share
from programmes.models import Registration
from programmes.services import registration_create
from tests.programmes.conftest import TODAY, actor_for, facts, registration_day


def _swe_number() -> str:
    # Random, not a counter: this module may be imported twice (as a conftest and by name), and a
    # duplicate number at one employer would be refused.
    return f"SW{uuid.uuid4().int % 9_000_000 + 1_000_000}"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def linked_registration(tenant, *, nqsw=None, **overrides) -> Registration:
    """A registration of ``nqsw`` (the tenant's NQSW by default) naming the tenant's assessor and line
    manager."""
    nqsw = nqsw or tenant.nqsw
    overrides.setdefault("swe_number", _swe_number())
    overrides.setdefault("email", nqsw.email)
    given = facts(**overrides)
    with tenant_context(tenant.employer.pk):
        # Registered on the start day, as the programmes' helpers do (a start in the previous funding
        # year is closed to new registrations from April).
        registration = registration_create(
            actor=actor_for(tenant.coordinator, tenant.employer), facts=given, today=registration_day(given)
        )
        Registration.objects.filter(pk=registration.pk).update(
            nqsw=nqsw, assessor=tenant.assessor, line_manager=tenant.line_manager
        )
        return Registration.objects.select_related("framework_version__framework").get(pk=registration.pk)


def portfolio_of(tenant, registration: Registration) -> Portfolio:
    with tenant_context(tenant.employer.pk):
        return portfolio_ensure(
            actor=actor_for(tenant.coordinator, tenant.employer), registration=registration
        )


def statement(portfolio: Portfolio, code: str, number: int):
    """The portfolio's statement ``number`` of the capability set ``code`` ("pcf", "cf-pqs", "adults-kss")."""
    with tenant_context(portfolio.employer_id):
        statements = portfolio_statements(portfolio)
    return next(s for s in statements if s.capability_set.code == code and s.number == number)


def text_file(name: str = "notes.txt", body: bytes = b"Notes from my visit.\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="text/plain")


def add_evidence(
    tenant,
    portfolio: Portfolio,
    *,
    nqsw=None,
    title: str = "Home visit",
    tags: tuple[tuple[str, int], ...] = (("pcf", 7),),
    status: str = Evidence.Status.DRAFT,
    files=None,
    comment: str = "",
) -> Evidence:
    """Evidence written, tagged and (for another status) shared and responded to, through the services."""
    nqsw = nqsw or tenant.nqsw
    with tenant_context(tenant.employer.pk):
        nqsw_actor = actor_for(nqsw, tenant.employer)
        evidence = evidence_create(
            actor=nqsw_actor,
            portfolio=portfolio,
            title=title,
            description="What I did on the visit.",
            reflection="What I learned from it.",
            statement_ids=[statement(portfolio, code, number).pk for code, number in tags],
            files=files,
            today=TODAY,
        )
        if status != Evidence.Status.DRAFT:
            evidence = evidence_share(actor=nqsw_actor, evidence=evidence, version=evidence.version)
        if status in (Evidence.Status.ACCEPTED, Evidence.Status.MORE_NEEDED):
            evidence = evidence_respond(
                actor=actor_for(tenant.assessor, tenant.employer),
                evidence=evidence,
                version=evidence.version,
                decision=status,
                comment=comment or ("Add more." if status == Evidence.Status.MORE_NEEDED else ""),
            )
        return evidence


@pytest.fixture
def registration_a(employer_a) -> Registration:
    return linked_registration(employer_a)


@pytest.fixture
def portfolio_a(employer_a, registration_a) -> Portfolio:
    return portfolio_of(employer_a, registration_a)


@pytest.fixture
def registration_b(employer_b) -> Registration:
    return linked_registration(employer_b)


@pytest.fixture
def portfolio_b(employer_b, registration_b) -> Portfolio:
    return portfolio_of(employer_b, registration_b)
