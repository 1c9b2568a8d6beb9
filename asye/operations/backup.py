"""Making a backup: the database with pg_dump as the backup role, the uploaded files, and the manifest.

The figures in the manifest and the dump come from one snapshot: a repeatable-read transaction exports
its snapshot, the row counts and checksums are taken in it, and pg_dump reads the same snapshot
(``--snapshot``), so a restore can be held to them exactly even while people are using the service.
Files are copied after the snapshot. Uploaded files are never rewritten in place (each upload gets a new
server-made name), so a file the database names is in the copy unless it was deleted meanwhile; files
added meanwhile are copied too and are harmless.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from asye import clock
from asye.operations import manifest as manifest_file
from asye.operations.pg import (
    OperationsError,
    applied_migrations,
    backup_connection,
    public_tables,
    row_level_security,
    run_tool,
    stable_output,
    table_fingerprint,
    tool,
)
from asye.operations.storage_roots import file_roots, stored_files


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    tables: int
    rows: int
    files: int
    file_bytes: int
    dump_bytes: int
    storages_elsewhere: list[str]


def migration_heads(applied: list[tuple[str, str]]) -> list[str]:
    """The applied migrations no other applied migration depends on, as ``app.name``."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    done = set(applied)
    heads = []
    for key in sorted(done):
        node = graph.node_map.get(key)
        if node is None or not any(child.key in done for child in node.children):
            heads.append(f"{key[0]}.{key[1]}")
    return heads


def code_version() -> dict[str, str | None]:
    """The platform's version and, when known, the commit it runs (ASYE_GIT_COMMIT, else git)."""
    try:
        version = importlib.metadata.version("asye-platform")
    except importlib.metadata.PackageNotFoundError:
        version = None
    commit = os.environ.get("ASYE_GIT_COMMIT") or None
    if commit is None and (Path(settings.BASE_DIR) / ".git").exists():
        try:
            found = subprocess.run(  # noqa: S603 - a fixed git command, no shell
                ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S607
                capture_output=True,
                text=True,
                check=False,
                timeout=10,
            )
            commit = found.stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            commit = None
    return {"version": version, "commit": commit}


def _dump_database(folder: Path) -> dict[str, Any]:
    """pg_dump in the snapshot the figures are taken in; returns the manifest's database section."""
    pg_dump = tool("pg_dump")
    connection = backup_connection()
    dump_path = folder / manifest_file.DUMP
    with connection.connect(autocommit=True) as conn:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot for figures and dump
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            if not row or not row[0]:
                raise OperationsError(
                    "The backup role cannot bypass row-level security, so the dump would miss rows. "
                    "Run manage.py db_bootstrap (it makes asye_backup), or point DATABASE_BACKUP_URL at it."
                )
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            stable_output(cursor)
            tables = {table: table_fingerprint(cursor, table) for table in public_tables(cursor)}
            policies = row_level_security(cursor)
            applied = applied_migrations(cursor)
            run_tool(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-password",
                    f"--file={dump_path}",
                    f"--dbname={connection.conninfo}",
                ],
                connection=connection,
            )
    return {
        "name": connection.database,
        "dump": {
            "file": manifest_file.DUMP,
            "size": dump_path.stat().st_size,
            "sha256": manifest_file.sha256_of(dump_path),
        },
        "tables": tables,
        "row_level_security": policies,
        "migrations": {"applied": len(applied), "heads": migration_heads(applied)},
    }


def _copy_files(folder: Path, roots: dict[str, Path]) -> list[dict[str, Any]]:
    entries = []
    for alias, root in roots.items():
        for path in stored_files(root):
            name = path.relative_to(root).as_posix()
            size, sha256 = manifest_file.copy_with_digest(path, folder / manifest_file.FILES / alias / name)
            entries.append({"storage": alias, "name": name, "size": size, "sha256": sha256})
    return entries


def backup_create(*, destination: Path) -> BackupResult:
    """Back up the database and the uploaded files into a new folder under ``destination``."""
    made = clock.now().astimezone(UTC)
    destination.mkdir(parents=True, exist_ok=True)
    folder = destination / f"asye-backup-{made:%Y%m%dT%H%M%SZ}"
    try:
        folder.mkdir(mode=0o700)  # it holds personal data: the operator's eyes only
    except FileExistsError as error:
        raise OperationsError(f"{folder} already exists: wait a second and run the backup again.") from error
    roots, elsewhere = file_roots()
    database = _dump_database(folder)
    files = _copy_files(folder, roots)
    manifest_file.write(
        folder,
        {
            "format": manifest_file.FORMAT,
            "created_at": made.isoformat(),
            "platform": code_version(),
            "database": database,
            "storages": {alias: str(root) for alias, root in roots.items()},
            "storages_not_copied": elsewhere,
            "files": files,
        },
    )
    return BackupResult(
        folder=folder,
        tables=len(database["tables"]),
        rows=sum(figures["rows"] for figures in database["tables"].values()),
        files=len(files),
        file_bytes=sum(entry["size"] for entry in files),
        dump_bytes=database["dump"]["size"],
        storages_elsewhere=elsewhere,
    )
