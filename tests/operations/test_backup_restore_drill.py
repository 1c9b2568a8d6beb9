"""The restore drill (issue #19, "Recovery"): back up a world of two employers with uploaded evidence,
restore it into a database made for the drill and an empty storage folder, and find every row and file.

The checks here are the test's own, not the restore command's: each table's row count and an exact
checksum of its rows (every row as text, sorted), read as a superuser in the database backed up and in
the one restored; every file's bytes; and the row-level security policies, with the application role
seeing nothing in the restored database until a tenant is set. Then a backup with one file changed
after it was made must fail its restore.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from psycopg import sql

from asye.operations.pg import STABLE_OUTPUT
from asye.tenancy.pgroles import DatabasePlan, bootstrap
from portfolios.models import Evidence
from tests.portfolios.conftest import add_evidence, linked_registration, portfolio_of, text_file
from tests.portfolios.samples import pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_URL = os.environ.get("ASYE_DB_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def drill_database():
    """An empty database for the restore, made as production's are (db_bootstrap's roles and grants),
    dropped afterwards."""
    name = f"{settings.DATABASES['default']['NAME']}_drill_{uuid.uuid4().hex[:8]}"
    owner, app = settings.DATABASES["owner"], settings.DATABASES["default"]
    bootstrap(
        DatabasePlan(
            admin_url=ADMIN_URL,
            database=name,
            owner_role=owner["USER"],
            app_role=app["USER"],
            owner_password=owner.get("PASSWORD") or None,
            app_password=app.get("PASSWORD") or None,
            backup_role="asye_backup",
        )
    )
    try:
        yield name
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _connect(database: str, **overrides) -> psycopg.Connection:
    return psycopg.connect(
        psycopg.conninfo.make_conninfo(ADMIN_URL, dbname=database, **overrides), autocommit=True
    )


def contents(database: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and the MD5 of all its rows as text, sorted: read as a superuser."""
    with _connect(database) as conn, conn.cursor() as cursor:
        for statement in STABLE_OUTPUT:
            cursor.execute(statement)
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        found = {}
        for table in tables:
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
                ).format(sql.Identifier(table))
            )
            found[table] = tuple(cursor.fetchone())
        return found


def policies(database: str) -> dict[str, list[tuple[str, str]]]:
    """Tables with row-level security enabled and forced, with each policy's name and condition."""
    with _connect(database) as conn:
        rows = conn.execute(
            "SELECT c.relname, p.polname, pg_get_expr(p.polqual, p.polrelid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_policy p ON p.polrelid = c.oid "
            "WHERE n.nspname = 'public' AND c.relrowsecurity AND c.relforcerowsecurity ORDER BY 1, 2"
        ).fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table, name, condition in rows:
        found.setdefault(table, []).append((name, condition))
    return found


def files_under(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def world(employer_a, employer_b) -> None:
    """Two employers' NQSWs with portfolios and evidence with files (text and PDF), one shared and accepted."""
    for tenant, letter in ((employer_a, "a"), (employer_b, "b")):
        portfolio = portfolio_of(tenant, linked_registration(tenant))
        add_evidence(
            tenant, portfolio, title=f"Home visit {letter}", files=[text_file(f"visit-{letter}.txt")]
        )
        add_evidence(
            tenant,
            portfolio,
            title=f"Court report {letter}",
            status=Evidence.Status.ACCEPTED,
            files=[
                upload(f"report-{letter}.pdf", pdf_bytes(), "application/pdf"),
                text_file("notes.txt", b"More\n"),
            ],
        )


def backup(destination: Path) -> Path:
    out = io.StringIO()
    call_command("backup", str(destination), stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def test_a_restore_into_an_empty_database_and_storage_finds_every_row_and_file(
    employer_a, employer_b, drill_database, tmp_path
):
    world(employer_a, employer_b)
    source_db = settings.DATABASES["default"]["NAME"]
    media = Path(settings.MEDIA_ROOT)
    folder = backup(tmp_path / "backups")

    manifest = json.loads((folder / "manifest.json").read_text())
    before = contents(source_db)
    assert set(manifest["database"]["tables"]) == set(before)
    assert {t: f["rows"] for t, f in manifest["database"]["tables"].items()} == {
        t: c[0] for t, c in before.items()
    }
    assert before["portfolios_evidencefile"][0] == 6 and before["programmes_registration"][0] == 2
    source_files = files_under(media)
    assert len(source_files) == 6
    assert {(e["storage"], e["name"], e["sha256"]) for e in manifest["files"]} == {
        ("default", name, sha) for name, sha in source_files.items()
    }
    assert manifest["database"]["migrations"]["heads"] and manifest["platform"]["version"]

    # A storage folder that already holds files is refused, and nothing is restored.
    occupied = tmp_path / "occupied"
    (occupied / "someone-else").mkdir(parents=True)
    (occupied / "someone-else" / "file.txt").write_text("keep me")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(folder), database=drill_database, media_root=str(occupied))
    assert contents(drill_database) == {}

    restored_media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command("restore", str(folder), database=drill_database, media_root=str(restored_media), stdout=out)
    assert "Every table's rows and every file match the manifest" in out.getvalue()

    # 100% of rows, table by table, by count and by content; 100% of files, byte for byte.
    assert contents(drill_database) == before
    assert files_under(restored_media) == source_files

    # Row-level security came back: the same tables, forced, with the same policies and conditions.
    restored_policies = policies(drill_database)
    assert restored_policies == policies(source_db)
    assert {name for name, _ in restored_policies["programmes_registration"]} == {
        "national_access",
        "tenant_isolation",
    }
    app = settings.DATABASES["default"]
    with _connect(drill_database, user=app["USER"], password=app.get("PASSWORD") or None) as conn:
        assert conn.execute("SELECT current_user, count(*) FROM programmes_registration").fetchone() == (
            "asye_tenant",
            0,
        )
        conn.execute("BEGIN")
        employer = employer_a.employer.pk
        conn.execute("SELECT set_config('app.employer_id', %s, true)", [str(employer)])
        assert conn.execute("SELECT count(*), min(employer_id) FROM programmes_registration").fetchone() == (
            1,
            employer,
        )
        conn.execute("ROLLBACK")

    # Again with --force over the restored database and files: the same result.
    call_command(
        "restore",
        str(folder),
        database=drill_database,
        media_root=str(restored_media),
        force=True,
        stdout=io.StringIO(),
    )
    assert contents(drill_database) == before


def test_a_file_changed_after_the_backup_makes_the_restore_fail(
    employer_a, employer_b, drill_database, tmp_path
):
    world(employer_a, employer_b)
    folder = backup(tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    tampered = manifest["files"][0]
    path = folder / "files" / tampered["storage"] / tampered["name"]
    data = bytearray(path.read_bytes())
    data[0] ^= 0xFF  # same size, different content
    path.write_bytes(bytes(data))

    errors = io.StringIO()
    with pytest.raises(CommandError, match="does not match the backup: 1 problem"):
        call_command(
            "restore",
            str(folder),
            database=drill_database,
            media_root=str(tmp_path / "restored"),
            stdout=io.StringIO(),
            stderr=errors,
        )
    assert f"MISMATCH file default/{tampered['name']}: its checksum does not match" in errors.getvalue()
