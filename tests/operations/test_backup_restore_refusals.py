"""``backup`` and ``restore`` say clearly what is wrong, without a traceback, and change nothing: pg_dump or
pg_restore missing, a target database that is not empty, a damaged or incomplete backup, a manifest that
names a file outside the backup; and the backup role is what db_bootstrap says it is."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from asye.operations.manifest import safe_relative

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def made_backup(tmp_path) -> Path:
    """A backup of the test database (its committed reference data; nothing a test adds is committed)."""
    media = tmp_path / "media" / "employer-1"
    media.mkdir(parents=True)
    (media / "evidence.txt").write_bytes(b"Notes from my visit.\n")
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def test_the_backup_role_bypasses_row_level_security_and_may_only_read():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolbypassrls, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles "
            "WHERE rolname = 'asye_backup'"
        )
        assert cursor.fetchone() == (True, False, False, False, True)
        cursor.execute(
            "SELECT count(*) FILTER (WHERE has_table_privilege('asye_backup', c.oid, 'SELECT')), "
            "count(*) FILTER (WHERE has_table_privilege('asye_backup', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')), "
            "count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )
        readable, writable, tables = cursor.fetchone()
    assert readable == tables > 50 and writable == 0


def test_a_backup_holds_the_dump_the_files_and_a_manifest_with_counts_and_checksums(made_backup):
    manifest = _manifest(made_backup)
    assert (made_backup / "database.dump").stat().st_size == manifest["database"]["dump"]["size"]
    assert manifest["database"]["tables"]["programmes_programmeframework"]["rows"] > 0  # reference data, committed
    assert "programmes_registration" in manifest["database"]["row_level_security"]
    assert manifest["files"] == [
        {
            "storage": "default",
            "name": "employer-1/evidence.txt",
            "size": 21,
            "sha256": hashlib.sha256(b"Notes from my visit.\n").hexdigest(),
        }
    ]
    assert (
        made_backup / "files" / "default" / "employer-1" / "evidence.txt"
    ).read_bytes() == b"Notes from my visit.\n"
    assert oct(made_backup.stat().st_mode & 0o777) == "0o700"


def test_restore_refuses_a_database_that_is_not_empty(made_backup, tmp_path):
    with pytest.raises(CommandError, match=r"is not empty \(\d+ tables.*--force"):
        call_command("restore", str(made_backup), media_root=str(tmp_path / "empty"))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda folder: (folder / "manifest.json").write_text("{not json"),
            "is damaged: it is not valid JSON",
        ),
        (
            lambda folder: (folder / "manifest.json").unlink(),
            "has no manifest.json: the backup did not finish",
        ),
        (
            lambda folder: (folder / "manifest.json").write_text(json.dumps({"format": "asye-backup/1"})),
            "is damaged: no database section",
        ),
        (lambda folder: (folder / "database.dump").write_bytes(b"PGDMP garbage"), "the dump is damaged"),
    ],
    ids=["not-json", "no-manifest", "no-database-section", "dump-changed"],
)
def test_restore_refuses_a_damaged_backup_before_touching_anything(made_backup, tmp_path, damage, message):
    damage(made_backup)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(made_backup), media_root=str(tmp_path / "empty"))
    assert not (tmp_path / "empty").exists()


def test_a_manifest_naming_a_file_outside_the_backup_is_damaged(made_backup, tmp_path):
    manifest = _manifest(made_backup)
    manifest["files"][0]["name"] = "../../outside.txt"
    (made_backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="names a path outside its folder"):
        call_command("restore", str(made_backup), media_root=str(tmp_path / "empty"))
    assert (
        not safe_relative("/etc/passwd") and not safe_relative("a/../b") and safe_relative("employer-1/x.pdf")
    )


def test_missing_postgresql_tools_are_named(monkeypatch, tmp_path, made_backup):
    monkeypatch.setenv("ASYE_PG_BIN", str(tmp_path))  # a folder with no pg_dump or pg_restore in it
    with pytest.raises(CommandError, match=r"pg_dump was not found in .*postgresql-client"):
        call_command("backup", str(tmp_path / "more-backups"))
    with pytest.raises(CommandError, match="pg_restore was not found"):
        call_command("restore", str(made_backup), media_root=str(tmp_path / "empty"))


def test_restore_of_a_folder_that_is_not_a_backup_says_so(tmp_path):
    with pytest.raises(CommandError, match="is not a backup folder"):
        call_command("restore", str(tmp_path / "nowhere"))
