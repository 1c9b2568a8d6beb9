"""PostgreSQL for backup and restore: whom to connect as, the client tools, and what the catalogue says.

Three connections matter (docs/operations.md, "Backups"):

- the **backup role** (``DATABASE_BACKUP_URL``, else ``asye_backup`` on ``DATABASE_URL``'s server): BYPASSRLS
  and SELECT only, made by ``db_bootstrap``. pg_dump runs as it, and the counts before the dump and after a
  restore are taken as it, so row-level security (forced on every employer's table) hides nothing from them;
- the **owner** (``DATABASE_OWNER_URL``), which pg_restore runs as, so the restored tables are the owner's;
- never the application role, which row-level security binds.

Tables are found in the catalogue (every table in the ``public`` schema), not from the models, so nothing
is missed and no domain app is imported.
"""

# ruff: noqa: S603 - runs PostgreSQL's own client tools with arguments built here, never through a shell.

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from psycopg import sql

from asye.tenancy.pgroles import backup_role_from_url


class OperationsError(Exception):
    """A backup or restore cannot go on; the message says why and what to do, for the operator."""


@dataclass(frozen=True)
class Connection:
    """Where and as whom to connect; the password travels in PGPASSWORD, never on a command line."""

    conninfo: str
    password: str | None
    database: str

    def connect(self, **kwargs) -> psycopg.Connection:
        try:
            return psycopg.connect(self.conninfo, password=self.password, connect_timeout=10, **kwargs)
        except psycopg.OperationalError as error:
            said = _first_line(error)
            raise OperationsError(f"Cannot connect to database {self.database}: {said}") from error

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _from_parts(parts: dict, *, database: str | None = None) -> Connection:
    parts = {key: str(value) for key, value in parts.items() if value not in (None, "")}
    password = parts.pop("password", None)
    if database:
        parts["dbname"] = database
    parts.setdefault("application_name", "asye-operations")
    return Connection(psycopg.conninfo.make_conninfo(**parts), password, parts.get("dbname", ""))


def _django_parts(alias: str) -> dict:
    db = settings.DATABASES.get(alias)
    if db is None or not db["ENGINE"].endswith("postgresql"):
        raise OperationsError(
            "Backup and restore need PostgreSQL: set DATABASE_URL and DATABASE_OWNER_URL "
            f"(the database alias {alias!r} is not PostgreSQL or not configured)."
        )
    return {
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "dbname": db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
    }


def backup_connection(database: str | None = None) -> Connection:
    """The backup role on the application's server (``database``: another database on it)."""
    parts = _django_parts("default")
    url = getattr(settings, "DATABASE_BACKUP_URL", "")
    if url:
        parts.update(psycopg.conninfo.conninfo_to_dict(url))
    else:
        parts["user"], parts["password"] = backup_role_from_url("")
    return _from_parts(parts, database=database)


def owner_connection(database: str | None = None) -> Connection:
    """The schema owner (``DATABASE_OWNER_URL``), which restores run as."""
    if "owner" not in settings.DATABASES:
        raise OperationsError("Set DATABASE_OWNER_URL: a restore runs as the role that owns the schema.")
    return _from_parts(_django_parts("owner"), database=database)


def tool(name: str) -> str:
    """The path of a PostgreSQL client program (``ASYE_PG_BIN`` first, then PATH)."""
    folder = os.environ.get("ASYE_PG_BIN", "")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        raise OperationsError(
            f"{name} was not found{' in ' + folder if folder else ' on PATH'}. Install PostgreSQL's client "
            f"programs (Debian: apt-get install postgresql-client-15) or set ASYE_PG_BIN to their folder."
        )
    return found


def run_tool(arguments: list[str], *, connection: Connection) -> None:
    """Run a PostgreSQL client program; a failure raises with the end of what it said."""
    try:
        completed = subprocess.run(
            arguments, env=connection.environment(), capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise OperationsError(f"Could not run {Path(arguments[0]).name}: {error}") from error
    if completed.returncode != 0:
        said = "\n".join(completed.stderr.strip().splitlines()[-8:]) or f"exit status {completed.returncode}"
        raise OperationsError(f"{Path(arguments[0]).name} failed:\n{said}")


# The text form of a row depends on these settings; fixing them makes a checksum comparable between the
# database backed up and the one restored.
STABLE_OUTPUT = (
    "SET TIME ZONE 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)


def stable_output(cursor) -> None:
    for statement in STABLE_OUTPUT:
        cursor.execute(statement)


def public_tables(cursor) -> list[str]:
    """Every table in the ``public`` schema, by name."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def schema_objects(cursor) -> int:
    """How many tables, views and sequences the ``public`` schema holds (0: an empty database)."""
    cursor.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
    )
    return cursor.fetchone()[0]


def table_fingerprint(cursor, table: str) -> dict[str, int | str]:
    """The table's row count and a checksum of its contents that does not depend on row order: the sum of
    the first 64 bits of each row's MD5 (as text, in the stable output settings). Needs a role that
    row-level security does not filter (the backup role)."""
    cursor.execute(
        sql.SQL(
            "SELECT count(*), "
            "coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0)::text FROM {} AS t"
        ).format(sql.Identifier(table))
    )
    rows, checksum = cursor.fetchone()
    return {"rows": rows, "checksum": checksum}


def row_level_security(cursor) -> dict[str, list[str]]:
    """Each table with row-level security enabled and forced, and the names of its policies."""
    cursor.execute(
        "SELECT c.relname, coalesce(array_agg(p.polname ORDER BY p.polname) "
        "FILTER (WHERE p.polname IS NOT NULL), '{}') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_policy p ON p.polrelid = c.oid "
        "WHERE n.nspname = 'public' AND c.relrowsecurity AND c.relforcerowsecurity "
        "GROUP BY c.relname ORDER BY c.relname"
    )
    return {table: list(policies) for table, policies in cursor.fetchall()}


def applied_migrations(cursor) -> list[tuple[str, str]]:
    cursor.execute("SELECT to_regclass('public.django_migrations')")
    if cursor.fetchone()[0] is None:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [(app, name) for app, name in cursor.fetchall()]
