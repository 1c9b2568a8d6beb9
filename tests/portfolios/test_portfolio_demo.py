"""The portfolio demo data: the demo NQSW's portfolio at Demo County Council has evidence in every state,
tagged, with a small text file stored through the storage API; a few others have some; a second run
creates nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from asye.accounts.models import Role
from asye.tenancy.db import system_national_context
from portfolios import demo
from portfolios.models import Evidence, EvidenceFile, Portfolio
from tests.factories import EmployerFactory, person
from tests.portfolios.conftest import linked_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_county():
    from tests.conftest import Tenant

    employer = EmployerFactory(name=demo.DEMO_COUNTY)
    tenant = Tenant(
        employer=employer,
        coordinator=person(role=Role.COORDINATOR, employer=employer, email="coordinator@demo.example"),
        assessor=person(role=Role.ASSESSOR, employer=employer, email="assessor@demo.example"),
        line_manager=person(role=Role.LINE_MANAGER, employer=employer, email="manager@demo.example"),
        nqsw=person(role=Role.NQSW, employer=employer, email=demo.DEMO_NQSW),
    )
    mine = linked_registration(tenant)
    others = [
        linked_registration(
            tenant, nqsw=person(role=Role.NQSW, employer=employer, email=f"nqsw{i}@demo.example")
        )
        for i in range(2)
    ]
    return tenant, mine, others


def seed(tenant):
    with system_national_context():
        return demo.seed(
            employer_ids={demo.DEMO_COUNTY: tenant.employer.pk},
            user_ids={demo.DEMO_NQSW: tenant.nqsw.pk},
        )


def test_the_demo_nqsw_gets_evidence_in_every_state_and_a_stored_file(demo_county):
    tenant, mine, _others = demo_county
    created = seed(tenant)
    assert created["portfolios"] == 3
    assert created["evidence"] == len(demo.DEMO_NQSW_EVIDENCE) + 2 * len(demo.OTHER_EVIDENCE)
    assert created["evidence files"] == 1
    with system_national_context():
        portfolio = Portfolio.objects.get(registration=mine)
        statuses = set(Evidence.objects.filter(portfolio=portfolio).values_list("status", flat=True))
        assert statuses == set(Evidence.Status.values)
        assert all(e.tags.exists() for e in Evidence.objects.filter(portfolio=portfolio))
        more = Evidence.objects.get(portfolio=portfolio, status=Evidence.Status.MORE_NEEDED)
        assert more.response_comment and more.responded_by == tenant.assessor
        file = EvidenceFile.objects.get(evidence__portfolio=portfolio)
    stored = Path(settings.MEDIA_ROOT) / file.storage_name
    assert file.storage_name.startswith(f"employers/{tenant.employer.pk}/evidence/")
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == file.sha256
    assert file.content_type == "text/plain; charset=utf-8"


def test_a_second_run_creates_nothing(demo_county):
    tenant, _, _ = demo_county
    seed(tenant)
    with system_national_context():
        counts = (Portfolio.objects.count(), Evidence.objects.count(), EvidenceFile.objects.count())
    again = seed(tenant)
    assert +again == {}
    with system_national_context():
        assert (Portfolio.objects.count(), Evidence.objects.count(), EvidenceFile.objects.count()) == counts


def test_without_the_demo_employer_nothing_is_made(demo_county):
    with system_national_context():
        assert demo.seed(employer_ids={}, user_ids={}) == {}
