"""The benchmark data generator (benchmarks/generate.py) copies every employer's world consistently.

Runs ``multiply`` (the set-based copy behind ``--scale 10`` and ``--scale 100``) on two small tenants as the
application role, then checks the copies: row counts, every copied row's employer and people, unique
values kept unique, national staff not copied, and row-level security still isolating the employers.
"""

import pytest
from django.db import connection

from asye.accounts.models import Membership, User
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from benchmarks.generate import multiply, plan_copy, read_catalogue
from programmes.models import Registration
from tests.programmes.conftest import actor_for, facts, registration_day

pytestmark = pytest.mark.django_db


def register(tenant, **overrides):
    from programmes.services import registration_create

    actor = actor_for(tenant.coordinator, tenant.employer)
    with tenant_context(tenant.employer.pk):
        given = facts(**overrides)
        return registration_create(actor=actor, facts=given, today=registration_day(given))


def counts():
    with system_national_context():
        return {
            "registrations": Registration.objects.count(),
            "users": User.objects.count(),
            "employer memberships": Membership.objects.filter(employer__isnull=False).count(),
            "national memberships": Membership.objects.filter(employer__isnull=True).count(),
            "audit": AuditEvent.objects.filter(employer__isnull=False).count(),
        }


def test_the_copy_plan_leaves_out_what_one_employer_has_once():
    with connection.cursor() as cursor:
        plan = plan_copy(read_catalogue(cursor))
    assert {"programmes_registration", "accounts_user", "accounts_membership", "funding_claim"} <= set(
        plan.copied
    )
    # One per employer and year or month: copying would break the unique constraint.
    assert {"funding_grantapplication", "funding_paymentstatement", "api_apitoken"} <= set(plan.skipped)
    assert not any(name.startswith(("django_", "mfa_", "account_")) for name in plan.copied)


def test_multiply_copies_each_employers_world_consistently(employer_a, employer_b, national_staff):
    register(employer_a, swe_number="sw100001", email="one@example.org")
    register(employer_a, swe_number="sw100002", email="two@example.org", last_name="Smith")
    register(employer_b, swe_number="sw100003", email="three@example.org")
    before = counts()

    with system_national_context(), connection.cursor() as cursor:
        inserted = multiply(cursor, copies=2, reset_sequences=False, log=lambda line: None)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # foreign keys checked now, not at a commit

    after = counts()
    assert after["registrations"] == 3 * before["registrations"] == 9
    assert after["employer memberships"] == 3 * before["employer memberships"]
    assert after["national memberships"] == before["national memberships"]  # nobody new is national staff
    assert after["users"] == 3 * before["users"] - 2 * 1  # everyone copied twice but the national staff
    assert after["audit"] == 3 * before["audit"]
    assert inserted["programmes_registration"] == 6

    with system_national_context():
        registrations = list(
            Registration.objects.values("employer_id", "swe_number", "nqsw_id", "created_by_id")
        )
        assert {r["employer_id"] for r in registrations} == {employer_a.employer.pk, employer_b.employer.pk}
        assert len({r["swe_number"] for r in registrations}) == 9  # Social Work England numbers stay unique
        assert all(r["swe_number"].startswith("SW") for r in registrations)
        for r in registrations:  # the people on a copy are copies at the same employer
            for user_id in (r["nqsw_id"], r["created_by_id"]):
                if user_id:
                    assert Membership.objects.filter(user_id=user_id, employer_id=r["employer_id"]).exists()
        emails = list(User.objects.values_list("email", flat=True))
        assert len(emails) == len(set(emails))

    # Row-level security still isolates: each employer sees its own three copies and nothing else.
    for tenant, mine in ((employer_a, 6), (employer_b, 3)):
        with tenant_context(tenant.employer.pk):
            seen = set(Registration.objects.values_list("employer_id", flat=True))
            assert Registration.objects.count() == mine and seen == {tenant.employer.pk}
