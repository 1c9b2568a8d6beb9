"""National reads run under their own database role (#14): PostgreSQL plans them without a per-row
filter, and an employer's request can never work as that role."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from asye.accounts.actor import build_actor
from asye.accounts.models import Membership
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from asye.tenancy.national import national_scope
from asye.tenancy.rls import NATIONAL_ROLE, TENANT_ROLE

pytestmark = pytest.mark.django_db


def _current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def _actor(user, employer_id=None):
    # As the middleware does: the person reads their own memberships, then acts for an employer.
    with tenant_settings(user_id=user.pk):
        actor = build_actor(user, employer_id=employer_id)
    assert actor.is_authenticated
    return actor


def _employers_seen() -> set[int]:
    return set(Membership.objects.exclude(employer=None).values_list("employer_id", flat=True))


def test_the_national_scope_works_as_the_national_role_and_gives_it_back(
    employer_a, employer_b, national_staff
):
    actor = _actor(national_staff)
    with tenant_settings(user_id=national_staff.pk):  # as a national staff member's request is
        assert _current_user() == TENANT_ROLE
        with national_scope(actor=actor, purpose="test"):
            assert _current_user() == NATIONAL_ROLE
            assert _employers_seen() == {employer_a.employer.pk, employer_b.employer.pk}
            # An employer's block inside a national one works as the tenant role, then national again.
            with tenant_context(employer_a.employer.pk):
                assert _current_user() == TENANT_ROLE
                assert _employers_seen() == {employer_a.employer.pk}
            assert _current_user() == NATIONAL_ROLE
        assert _current_user() == TENANT_ROLE


def test_the_role_is_given_back_when_the_national_block_fails(employer_a, national_staff):
    actor = _actor(national_staff)
    with tenant_settings(user_id=national_staff.pk):
        with pytest.raises(ZeroDivisionError), national_scope(actor=actor, purpose="test"):
            assert _current_user() == NATIONAL_ROLE
            1 / 0  # noqa: B018
        assert _current_user() == TENANT_ROLE
        with tenant_context(employer_a.employer.pk):
            assert _employers_seen() == {employer_a.employer.pk}


def test_an_employers_people_cannot_enter_the_national_scope(employer_a, employer_b):
    for user in (employer_a.coordinator, employer_a.assessor, employer_a.nqsw):
        actor = _actor(user, employer_a.employer.pk)
        assert actor.employer_id == employer_a.employer.pk
        with transaction.atomic():
            with pytest.raises(PermissionDenied), national_scope(actor=actor, purpose="test"):
                pass  # pragma: no cover - never reached
            assert _current_user() == TENANT_ROLE


def test_neither_key_alone_opens_another_employers_rows(employer_a, employer_b):
    """The tenant role ignores app.national; the national role sees nothing without it."""
    with tenant_context(employer_a.employer.pk):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.national', 'on', true)")
        assert _current_user() == TENANT_ROLE
        assert _employers_seen() == {employer_a.employer.pk}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('role', %s, true), set_config('app.national', '', true), "
                "set_config('app.employer_id', %s, true)",
                [NATIONAL_ROLE, str(employer_a.employer.pk)],
            )
        assert _current_user() == NATIONAL_ROLE
        assert _employers_seen() == set()


def test_an_employers_request_always_works_as_the_tenant_role(client, login, employer_a, employer_b):
    """Even on a connection a national block left in the national role, the request's tenant context
    takes the tenant role back before anything is read."""
    login(employer_a.coordinator)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('role', %s, true), set_config('app.national', 'on', true)", [NATIONAL_ROLE]
            )
        response = client.get("/api/v1/memberships/")
        assert response.status_code == 200
        assert {row["email"] for row in response.json()["results"]} == {
            u.email
            for u in (employer_a.coordinator, employer_a.assessor, employer_a.line_manager, employer_a.nqsw)
        }
        assert _current_user() == TENANT_ROLE


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_national_read_has_no_per_row_filter_and_an_employers_read_an_equality(employer_a, employer_b):
    """What made national pages slow: the planner guessed the OR-ed national condition per row. Now the
    national condition is a one-time filter and the employer's condition a plain equality."""
    sql = (
        "SELECT e.name, count(*) FROM programmes_registration r "
        "JOIN tenancy_employer e ON e.id = r.employer_id GROUP BY e.name"
    )
    with system_national_context():
        plan = _plan(sql)
    # The national condition is an InitPlan, evaluated once; no filter on any row reads a setting.
    assert "InitPlan" in plan
    assert not [line for line in plan.splitlines() if "Filter:" in line and "current_setting" in line], plan
    with tenant_context(employer_a.employer.pk):
        plan = _plan(sql)
    assert "app.national" not in plan
    assert "app.employer_id" in plan


def test_system_jobs_work_as_the_national_role_only_inside_their_block(employer_a, employer_b):
    with tenant_settings(user_id=None):
        assert _current_user() == TENANT_ROLE
        with system_national_context():
            assert _current_user() == NATIONAL_ROLE
        assert _current_user() == TENANT_ROLE
