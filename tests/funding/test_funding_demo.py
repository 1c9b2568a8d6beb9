"""The funding part of ``manage.py seed_demo``: claims for every approved registration by the hooks' rules,
Demo County Council's journey through the services (paid and draft statements, a rejection with its
reason, claims waiting), a submitted grant application with its action plan; a second run creates nothing.
The picture's dates are the demo story's, moved to the run's day as the demo moves its own.
(The whole command is exercised by tests/demo/test_seed_demo.py.)"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context
from demo.calendar import DemoCalendar
from funding import demo
from funding.models import Claim, ClaimStatus, GrantApplication, PaymentStatement, PaymentStatementLine
from tests.factories import EmployerFactory, person
from tests.funding.helpers import approve, register
from tests.today import TODAY, funding_year_label

pytestmark = pytest.mark.django_db

# Written in the demo story's calendar (reference day 23 November 2026), moved to the run's day.
STORY = DemoCalendar(TODAY)
D = datetime.date
QUALIFIED = STORY.shift(D(2026, 3, 1))
STARTS = [STORY.shift(D(2026, month, day)) for month, day in ((4, 13), (5, 11), (6, 1), (7, 6), (8, 17))]


@pytest.fixture
def picture(employer_b, national_staff):
    from tests.conftest import Tenant

    county = EmployerFactory(name="Demo County Council")
    tenant = Tenant(
        employer=county,
        coordinator=person(role=Role.COORDINATOR, employer=county, email="coordinator@demo.example"),
        assessor=person(role=Role.ASSESSOR, employer=county),
        line_manager=person(role=Role.LINE_MANAGER, employer=county),
        nqsw=person(role=Role.NQSW, employer=county),
    )
    national_user = person(role=Role.NATIONAL_STAFF, email="national@demo.example")
    from tests.funding.helpers import national_actor

    national = national_actor(national_user)
    dates = [*STARTS, *(STORY.shift(D(2026, 9, d)) for d in (7, 14, 21, 28)), STORY.shift(D(2026, 10, 5))]
    dates += [STORY.shift(D(2026, 10, 12)), STORY.shift(D(2026, 11, 2))]
    for i, start in enumerate(dates):
        approve(
            national, register(tenant, start_date=start, first_name=f"N{i:02d}", qualification_date=QUALIFIED)
        )
    register(tenant, first_name="Waiting")  # not approved: no claim
    elsewhere = [
        approve(
            national, register(employer_b, start_date=start, first_name=name, qualification_date=QUALIFIED)
        )
        for start, name in (
            (STORY.shift(D(2026, 8, 3)), "Early"),
            (STORY.shift(D(2026, 9, 14)), "Middle"),
            (STORY.shift(D(2026, 11, 9)), "Late"),
        )
    ]
    with system_national_context():
        Claim.objects.all().delete()  # the demo makes them, as seed_demo's bulk registrations have none
    employer_ids = {"Demo County Council": county.pk, employer_b.employer.name: employer_b.employer.pk}
    payments_user = person(role=Role.NATIONAL_STAFF, email="payments@demo.example")
    user_ids = {
        "coordinator@demo.example": tenant.coordinator.pk,
        "national@demo.example": national_user.pk,
        "payments@demo.example": payments_user.pk,
    }
    return employer_ids, user_ids, county, elsewhere


def seed(employer_ids, user_ids):
    with system_national_context():
        return demo.seed(employer_ids=employer_ids, user_ids=user_ids)


def test_demo_funding_picture_and_a_second_run_creates_nothing(picture, employer_b):
    employer_ids, user_ids, county, _elsewhere = picture
    created = seed(employer_ids, user_ids)
    assert created["funding claims"] == 12 + 3
    assert created["payment statements"] == 2 and created["grant applications"] == 1
    with system_national_context():
        county_claims = list(Claim.objects.filter(employer=county).select_related("statement"))
        statuses = sorted(c.status for c in county_claims)
        statements = {s.status: s for s in PaymentStatement.objects.filter(employer=county)}
        application = GrantApplication.objects.select_related("funding_year").get(employer=county)
        actions = application.actions.count()
        others = {
            c.registration.first_name: c.status
            for c in Claim.objects.filter(employer=employer_b.employer).select_related("registration")
        }
        rejected = Claim.objects.get(employer=county, status=ClaimStatus.REJECTED)
        claims_on_paid = list(Claim.objects.filter(statement=statements["paid"]))
        frozen_lines = PaymentStatementLine.objects.filter(statement=statements["paid"]).count()
    assert len(county_claims) == 12 and all(c.amount == Decimal("1000.00") for c in county_claims)
    assert statuses.count(ClaimStatus.PAID) == 4 and statuses.count(ClaimStatus.ON_STATEMENT) == 3
    assert statuses.count(ClaimStatus.REJECTED) == 1 and statuses.count(ClaimStatus.SUBMITTED) == 2
    assert statuses.count(ClaimStatus.DRAFT) == 2
    assert set(statements) == {"paid", "draft"}
    # Last month's statement paid, this month's a draft; the application is for the year under way.
    assert statements["draft"].month == TODAY.replace(day=1)
    assert statements["paid"].month == (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert application.funding_year.label == funding_year_label(TODAY)
    assert statements["paid"].total == Decimal("4000.00") == sum(c.amount for c in claims_on_paid)
    assert statements["draft"].total == Decimal("3000.00")
    # One person built the paid statement, a second authorised it, and its lines were frozen.
    assert (statements["paid"].built_by_id, statements["paid"].authorised_by_id) == (
        user_ids["national@demo.example"],
        user_ids["payments@demo.example"],
    )
    assert frozen_lines == 4
    assert rejected.reason.startswith("Claimed in error")
    assert application.status == GrantApplication.Status.SUBMITTED and actions == 3
    assert others == {
        "Early": ClaimStatus.APPROVED,
        "Middle": ClaimStatus.SUBMITTED,
        "Late": ClaimStatus.DRAFT,
    }

    with system_national_context():
        before = (Claim.objects.count(), PaymentStatement.objects.count(), AuditEvent.objects.count())
    again = seed(employer_ids, user_ids)
    assert +again == {}
    with system_national_context():
        assert (Claim.objects.count(), PaymentStatement.objects.count(), AuditEvent.objects.count()) == before


def test_every_demo_claim_is_audited(picture):
    employer_ids, user_ids, _county, _ = picture
    seed(employer_ids, user_ids)
    with system_national_context():
        claims = set(Claim.objects.values_list("pk", flat=True))
        audited = set(AuditEvent.objects.filter(action="claim.claimable").values_list("object_id", flat=True))
        elsewhere = employer_ids["Betaford Fostering"]
        labels = {
            action: set(
                AuditEvent.objects.filter(action=action, employer_id=elsewhere).values_list(
                    "actor_label", flat=True
                )
            )
            for action in ("claim.submitted", "claim.approved")
        }
    assert {str(pk) for pk in claims} <= audited  # (the fixture's deleted claims were audited too)
    # Elsewhere, claims were made by the employer's co-ordinator and approved by national staff.
    assert labels == {
        "claim.submitted": {"coordinator@betaford.example"},
        "claim.approved": {"national@demo.example"},
    }
