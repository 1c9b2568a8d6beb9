"""Creating the PostgreSQL roles and database the platform needs (run as a superuser).

Two login roles: the owner, which owns the schema and runs migrations; and the application role, which
is not superuser, has no BYPASSRLS and owns nothing, so row-level security applies to every query it
makes. The application role holds no privilege of its own (NOINHERIT): it works through two group roles
that cannot log in (docs/security.md, "Two roles"):

- ``asye_tenant``, its default role (``ALTER ROLE … SET role``), which every employer's request and job
  runs as; the row-level security policies give it one employer's rows;
- ``asye_national``, taken with ``SET LOCAL ROLE`` only by the audited national scope and the system's
  national jobs, for the length of their transaction; its policies give it every row while
  ``app.national`` is on, and nothing otherwise.

The owner inherits both, so a migration's data step can work as either.

A third login role, the backup role (``asye_backup`` unless ``DATABASE_BACKUP_URL`` names another), is made
for ``manage.py backup`` (``asye.operations``): BYPASSRLS, so pg_dump reads every row whatever the policies
say, and SELECT only (tables and sequences, now and through default privileges), so it can change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from asye.tenancy.rls import NATIONAL_ROLE, TENANT_ROLE

GROUP_ROLES = (TENANT_ROLE, NATIONAL_ROLE)
DEFAULT_BACKUP_ROLE = "asye_backup"
# The advisory lock (on the admin connection's database) that db_bootstrap holds while it makes roles.
BOOTSTRAP_LOCK = 0x61737965  # "asye"
# Tables the application role may read and add to but never change or remove from: the audit trail.
APPEND_ONLY_TABLES = ("audit_auditevent",)


def append_only_statements(app_role: str) -> list[sql.Composed]:
    """REVOKE UPDATE and DELETE on the append-only tables from the application role and the group roles
    it works as (the owner keeps them, for a maintenance task such as anonymisation after the retention
    period)."""
    grantees = sql.SQL(", ").join(sql.Identifier(role) for role in (app_role, *GROUP_ROLES))
    return [
        sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), grantees)
        for table in APPEND_ONLY_TABLES
    ]


def backup_grants(database: str, *, owner_role: str, backup_role: str) -> list[sql.Composed]:
    """What the backup role may do in ``database``: connect and read every table and sequence (those the
    owner creates later too). Nothing else; with BYPASSRLS the policies do not filter what it reads."""
    owner, backup = sql.Identifier(owner_role), sql.Identifier(backup_role)
    return [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), backup),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(backup),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(backup),
        sql.SQL("GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(backup),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT ON TABLES TO {}").format(
            owner, backup
        ),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT ON SEQUENCES TO {}"
        ).format(owner, backup),
    ]


def backup_role_from_url(url: str) -> tuple[str, str | None]:
    """The backup role's name and password from DATABASE_BACKUP_URL; with none, ``asye_backup`` and no
    password (pg_dump then authenticates as the server allows, e.g. from ~/.pgpass)."""
    if not url:
        return DEFAULT_BACKUP_ROLE, None
    parsed = psycopg.conninfo.conninfo_to_dict(url)
    return parsed.get("user") or DEFAULT_BACKUP_ROLE, parsed.get("password") or None


@dataclass(frozen=True)
class DatabasePlan:
    admin_url: str
    database: str
    owner_role: str
    app_role: str
    owner_password: str | None = None
    app_password: str | None = None
    # Tests flush tables between browser tests as the application role; production never grants this.
    grant_truncate: bool = False
    # The role pg_dump runs as (manage.py backup): BYPASSRLS and SELECT only. None: no backup role.
    backup_role: str | None = None
    backup_password: str | None = None


def _ensure_role(
    cursor,
    name: str,
    password: str | None,
    *,
    login: bool = True,
    inherit: bool = True,
    bypassrls: bool = False,
) -> None:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(name)))
    cursor.execute(
        sql.SQL(
            "ALTER ROLE {} "
            + ("LOGIN" if login else "NOLOGIN")
            + (" INHERIT" if inherit else " NOINHERIT")
            + " NOSUPERUSER"
            + (" BYPASSRLS" if bypassrls else " NOBYPASSRLS")
            + " NOCREATEROLE NOCREATEDB"
        ).format(sql.Identifier(name))
    )
    if password:
        cursor.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password))
        )


def bootstrap(plan: DatabasePlan, *, recreate: bool = False) -> None:
    """Make the roles and the database, idempotently; with ``recreate`` drop the database first."""
    with psycopg.connect(plan.admin_url, autocommit=True) as admin:
        with admin.cursor() as cursor:
            # Roles belong to the whole cluster: two bootstraps at once (test workers, each making its own
            # database) would both find a role missing, or update the same catalogue row, and one fail.
            # This session lock makes them take turns; it ends with the connection.
            cursor.execute("SELECT pg_advisory_lock(%s)", [BOOTSTRAP_LOCK])
            _ensure_role(cursor, plan.owner_role, plan.owner_password)
            _ensure_role(cursor, plan.app_role, plan.app_password, inherit=False)
            for group in GROUP_ROLES:
                _ensure_role(cursor, group, None, login=False, inherit=False)
                for member in (plan.owner_role, plan.app_role):
                    cursor.execute(
                        sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(member))
                    )
            if plan.backup_role:
                _ensure_role(cursor, plan.backup_role, plan.backup_password, inherit=False, bypassrls=True)
            # Every session of the application role starts as the tenant role.
            cursor.execute(
                sql.SQL("ALTER ROLE {} SET role = {}").format(
                    sql.Identifier(plan.app_role), sql.Literal(TENANT_ROLE)
                )
            )
            if recreate:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(plan.database))
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [plan.database])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(plan.database), sql.Identifier(plan.owner_role)
                    )
                )
    db_url = psycopg.conninfo.make_conninfo(plan.admin_url, dbname=plan.database)
    owner, app = sql.Identifier(plan.owner_role), sql.Identifier(plan.app_role)
    groups = sql.SQL(", ").join(sql.Identifier(role) for role in GROUP_ROLES)
    table_privileges = "SELECT, INSERT, UPDATE, DELETE" + (", TRUNCATE" if plan.grant_truncate else "")
    with psycopg.connect(db_url, autocommit=True) as conn, conn.cursor() as cursor:
        statements = [
            sql.SQL("ALTER SCHEMA public OWNER TO {}").format(owner),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(plan.database), app),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(groups),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT "
                + table_privileges
                + " ON TABLES TO {}"
            ).format(owner, groups),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
            ).format(owner, groups),
            sql.SQL("GRANT " + table_privileges + " ON ALL TABLES IN SCHEMA public TO {}").format(groups),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(groups),
            # The application role itself holds nothing (a database made before the group roles gave it
            # these directly): it works only as one of the group roles.
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public REVOKE ALL ON TABLES FROM {}"
            ).format(owner, app),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {}"
            ).format(owner, app),
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(app),
            sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(app),
        ]
        if plan.backup_role:
            statements += backup_grants(
                plan.database, owner_role=plan.owner_role, backup_role=plan.backup_role
            )
        for statement in statements:
            cursor.execute(statement)
        # GRANT ... ON ALL TABLES above gave the application role UPDATE and DELETE on everything: take
        # them back from the append-only tables that already exist (their migration does it otherwise).
        for table, statement in zip(APPEND_ONLY_TABLES, append_only_statements(plan.app_role), strict=True):
            cursor.execute("SELECT to_regclass(%s)", [f"public.{table}"])
            if cursor.fetchone()[0] is not None:
                cursor.execute(statement)
