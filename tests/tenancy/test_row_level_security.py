"""Row-level security, checked in PostgreSQL's own catalogue and by what queries can see."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, transaction

from asye.accounts.models import Membership, Role
from asye.api.models import ApiToken
from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from asye.tenancy.rls import NATIONAL_POLICY_NAME, NATIONAL_ROLE, POLICY_NAME, TENANT_ROLE
from tests.factories import person

pytestmark = pytest.mark.django_db


def _fetchall(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_every_table_with_employer_id_has_forced_row_level_security_and_a_policy():
    tables = _fetchall(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'employer_id' AND NOT a.attisdropped
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        """,
        [POLICY_NAME],
    )
    assert tables, "expected employer-owned tables"
    unprotected = [name for name, enabled, forced, policy in tables if not (enabled and forced and policy)]
    assert unprotected == []
    # Every model with an employer column is among them (so a new app's tables are found too).
    from django.apps import apps

    model_tables = {
        m._meta.db_table
        for m in apps.get_models()
        if "employer_id" in {f.attname for f in m._meta.concrete_fields}
    }
    assert model_tables <= {name for name, *_ in tables}


def _policies(name: str) -> list[tuple]:
    return _fetchall(
        "SELECT c.relname, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), "
        "ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END FROM unnest(p.polroles) r), "
        "EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'employer_id') "
        "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.polname = %s",
        [name],
    )


def test_policies_read_the_tenant_setting_and_fail_closed():
    policies = _policies(POLICY_NAME)
    for table, expression, _check, roles, has_employer in policies:
        if table in PERSON_TABLES:
            # A person's own sign-in records: keyed on the person (or the session key), never national,
            # and the same for every role.
            assert roles == ["PUBLIC"], table
            for setting in PERSON_TABLES[table]:
                assert f"current_setting('{setting}'::text, true)" in expression, table
            assert "app.national" not in expression and "app.employer_id" not in expression, table
            continue
        # Every other table's tenant policy is the tenant role's, and never opens on app.national.
        assert roles == [TENANT_ROLE], table
        assert "app.national" not in expression, table
        if table == "equality_equalitymonitoring":
            # Stricter than the tenant policy: an employer's ordinary request never reads a row.
            assert "app.equality_aggregate" in expression and "person_id" in expression
            assert expression.count("app.employer_id") == 1
        elif has_employer:
            assert "NULLIF(current_setting('app.employer_id'::text, true)" in expression, table
        elif table in CATALOGUE_TABLES:
            # National catalogues (forums/rls.py): every signed-in request reads them; no tenant writes them.
            assert "current_setting('app.user_id'::text, true)" in expression and _check == "false", table
        elif table in NATIONAL_WITH_OWN_ROWS:
            # National-only, but the person a row is about reads it (surveys/assurance: the NQSW's own
            # confidential concern, and the actions shared with them); no employer condition at all.
            assert expression.startswith("(false OR ") and NATIONAL_WITH_OWN_ROWS[table] in expression, table
            assert "app.employer_id" not in expression, table
        else:
            # National-only tables: the tenant role sees nothing; only the national role does.
            assert expression == "false", table


def test_every_table_but_a_persons_own_has_the_national_roles_policy_and_nothing_more():
    tenant_tables = {table for table, *_ in _policies(POLICY_NAME)} - set(PERSON_TABLES)
    national = _policies(NATIONAL_POLICY_NAME)
    assert {table for table, *_ in national} == tenant_tables
    for table, expression, check, roles, _has_employer in national:
        assert roles == [NATIONAL_ROLE], table
        # A sub-select, worked out once per query: PostgreSQL's row estimates are left alone.
        assert (
            expression
            == check
            == "(( SELECT current_setting('app.national'::text, true) AS current_setting) = 'on'::text)"
        ), table


# National catalogues with no employer that every signed-in person reads (forums/rls.py).
CATALOGUE_TABLES = {
    "forums_forum",
    "forums_forumsession",
    "forums_forummaterial",
    "forums_poll",
    "forums_pollquestion",
}


# National-only tables whose rows the one person they are about also reads (assurance/migrations/0001).
NATIONAL_WITH_OWN_ROWS = {
    "assurance_confidentialconcern": "nqsw_id = (NULLIF(current_setting('app.user_id'::text, true)",
    "assurance_concernaction": "nqsw_id = (NULLIF(current_setting('app.user_id'::text, true)",
    # National staff's API tokens: found by the hash of the secret presented (asye/api/migrations/0003).
    "api_nationalapitoken": "(key_hash)::text = NULLIF(current_setting('app.token_hash'::text, true)",
}


# A person's own sign-in records (asye/accounts/rls.py) and the settings their policy reads.
PERSON_TABLES = {
    "mfa_authenticator": ("app.user_id", "app.auth_user_id"),
    "account_emailaddress": ("app.user_id", "app.auth_user_id"),
    "django_session": ("app.session_key",),
}
# Tables that hold a person's id without an employer and have no row-level security, and why
# (docs/security.md, "What row-level security cannot cover").
PERSON_TABLES_WITHOUT_RLS = {
    # Read before anyone is known (sign-in, password reset, loading a session's user) and across
    # employers by design (colleagues' names, an NQSW's history, the audit trail).
    "accounts_user",
    # Django's groups and permissions and the admin's change log: never written (roles are memberships,
    # the admin is read-only).
    "accounts_user_groups",
    "accounts_user_user_permissions",
    "django_admin_log",
}


def test_person_owned_tables_have_forced_row_level_security_keyed_on_the_person():
    rows = _fetchall(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c WHERE c.relname = ANY(%s)",
        [list(PERSON_TABLES)],
    )
    assert sorted(rows) == sorted((table, True, True) for table in PERSON_TABLES)
    # Besides the one policy per table, only the session clean-up's: read and delete, expired rows only.
    extra = _fetchall(
        "SELECT c.relname, p.polname, p.polcmd, pg_get_expr(p.polqual, p.polrelid), p.polwithcheck IS NULL "
        "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
        "WHERE c.relname = ANY(%s) AND p.polname <> %s ORDER BY p.polname",
        [list(PERSON_TABLES), POLICY_NAME],
    )
    assert [(table, name, command, no_check) for table, name, command, _, no_check in extra] == [
        ("django_session", "expired_sessions_delete", "d", True),
        ("django_session", "expired_sessions_read", "r", True),
    ]
    assert all("app.sessions_expired_before" in expression for *_, expression, _ in extra)


def test_every_table_of_a_persons_rows_is_protected_or_listed_with_its_reason():
    """A new table keyed on a person (a foreign key to the user, no employer) must get row-level
    security or be added to PERSON_TABLES_WITHOUT_RLS with its reason (and to docs/security.md)."""
    unprotected = {
        name
        for name, enabled, forced in _fetchall(
            """
            SELECT DISTINCT c.relname, c.relrowsecurity, c.relforcerowsecurity
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            WHERE k.contype = 'f' AND k.confrelid = 'accounts_user'::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_attribute e
                              WHERE e.attrelid = c.oid AND e.attname = 'employer_id' AND NOT e.attisdropped)
            """
        )
        if not (enabled and forced)
    }
    assert unprotected | {"accounts_user"} == PERSON_TABLES_WITHOUT_RLS


# Reference data every employer reads (frameworks); all other domain tables are protected.
REFERENCE_TABLES = {
    "programmes_programmeframework",
    "programmes_frameworkversion",
    "programmes_frameworkavailability",
    "portfolios_capabilityset",
    "portfolios_capabilitystatement",
    "funding_fundingyear",
    "funding_fundingrate",
    # The 360 evaluation's statements (versioned) and the national figures published before the platform.
    "evaluations_evaluationframework",
    "evaluations_evaluationtheme",
    "evaluations_evaluationstatement",
    "evaluations_nationalreferencefigure",
}
DOMAIN_APPS = {"programmes", "portfolios", "reviews", "funding", "forums", "equality", "evaluations"}


def test_every_domain_table_has_forced_row_level_security():
    from django.apps import apps

    tables = {
        model._meta.db_table
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.managed is not False
    } - REFERENCE_TABLES
    protected = {
        name
        for name, enabled, forced in _fetchall(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relkind = 'r'"
        )
        if enabled and forced
    }
    assert tables - protected == set()


def test_application_role_is_not_superuser_has_no_bypassrls_and_owns_nothing():
    role = settings.DATABASES["default"]["USER"]
    # The application logs in as its role and works as the tenant role (its default role).
    assert _fetchall("SELECT session_user, current_user")[0] == (role, TENANT_ROLE)
    for name in (role, TENANT_ROLE, NATIONAL_ROLE):
        superuser, bypass = _fetchall(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [name]
        )[0]
        assert (superuser, bypass) == (False, False), name
    # Neither group role can log in; the application role holds no privilege of its own (NOINHERIT).
    assert _fetchall(
        "SELECT rolname, rolcanlogin, rolinherit FROM pg_roles WHERE rolname = ANY(%s) ORDER BY rolname",
        [[role, TENANT_ROLE, NATIONAL_ROLE]],
    ) == sorted([(role, True, False), (TENANT_ROLE, False, False), (NATIONAL_ROLE, False, False)])
    owned = _fetchall(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = ANY(%s)",
        [[role, TENANT_ROLE, NATIONAL_ROLE]],
    )
    assert owned == []
    schema_owner = _fetchall("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'")[
        0
    ][0]
    assert schema_owner not in (role, TENANT_ROLE, NATIONAL_ROLE)


def test_with_no_tenant_set_a_query_sees_no_rows(employer_a, employer_b):
    with tenant_context(employer_a.employer.pk):
        assert Membership.objects.count() == 4
    with transaction.atomic():
        # Nothing set: the policies compare employer_id with NULL and every row is hidden.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.employer_id', '', true), set_config('app.national', '', true)"
            )
            cursor.execute("SELECT set_config('app.user_id', '', true)")
        assert Membership.objects.count() == 0
        assert AuditEvent.objects.count() == 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM accounts_membership")
            assert cursor.fetchone()[0] == 0


def test_a_write_into_another_employers_rows_is_refused_by_the_database(employer_a, employer_b):
    from django.db.utils import ProgrammingError

    with pytest.raises(ProgrammingError, match="row-level security"):
        with tenant_context(employer_a.employer.pk):
            ApiToken.objects.create(
                employer=employer_b.employer,
                name="smuggled",
                prefix="asye_x",
                key_hash="0" * 64,
                created_by=employer_a.coordinator,
            )


def test_request_for_a_then_b_on_one_connection_sees_only_bs_rows(client, login, employer_a, employer_b):
    """The middleware replaces the tenant on every request; nothing of A's survives into B's."""
    login(employer_a.coordinator)
    response = client.get("/api/v1/memberships/")
    assert response.status_code == 200
    emails_a = {row["email"] for row in response.json()["results"]}
    assert emails_a == {
        u.email
        for u in (employer_a.coordinator, employer_a.assessor, employer_a.line_manager, employer_a.nqsw)
    }
    client.logout()
    login(employer_b.coordinator)
    response = client.get("/api/v1/memberships/")
    emails_b = {row["email"] for row in response.json()["results"]}
    assert emails_b == {
        u.email
        for u in (employer_b.coordinator, employer_b.assessor, employer_b.line_manager, employer_b.nqsw)
    }
    # And at the database level: the connection now carries B's tenant and sees B's rows only.
    assert set(Membership.objects.values_list("employer_id", flat=True)) <= {employer_b.employer.pk}


def test_a_person_reads_their_own_memberships_before_choosing_an_employer(employer_a, employer_b):
    multi = person(role=Role.ASSESSOR, employer=employer_a.employer)
    from tests.factories import MembershipFactory

    MembershipFactory(user=multi, employer=employer_b.employer, role=Role.NQSW)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.employer_id', '', true), set_config('app.user_id', %s, true)",
                [str(multi.pk)],
            )
        assert set(Membership.objects.values_list("user_id", flat=True)) == {multi.pk}


def test_a_tokens_presenter_reads_only_its_creators_memberships_at_its_employer(employer_a, employer_b):
    """With ``app.token_hash`` set and nothing else (an API call before the token is read), the memberships
    readable are the token creator's at the token's employer: not their memberships elsewhere, not their
    colleagues'. A hash no token has opens none (accounts migration 0007)."""
    from asye.api.services import api_token_create
    from asye.api.tokens import token_hash
    from tests.factories import MembershipFactory
    from tests.programmes.conftest import actor_for

    creator = employer_a.coordinator
    MembershipFactory(user=creator, employer=employer_b.employer, role=Role.ASSESSOR)
    with tenant_context(employer_a.employer.pk):
        secret = api_token_create(actor=actor_for(creator, employer_a.employer), name="sync").secret

    def readable_with(presented_hash: str) -> set[tuple[int, int]]:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('app.employer_id', '', true), set_config('app.user_id', '', true),"
                    " set_config('app.national', '', true), set_config('app.token_hash', %s, true)",
                    [presented_hash],
                )
            found = set(Membership.objects.values_list("user_id", "employer_id"))
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM accounts_membership")
                assert cursor.fetchone()[0] == len(found)
            transaction.set_rollback(True)
        return found

    assert readable_with(token_hash(secret)) == {(creator.pk, employer_a.employer.pk)}
    assert readable_with(token_hash(secret + "x")) == set()
    assert readable_with("") == set()
