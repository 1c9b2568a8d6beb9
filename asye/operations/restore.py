"""Restoring a backup into an empty database and empty storage, then proving it came back whole.

Order: read and check the manifest and the dump's checksum (a damaged backup is refused before anything is
touched); refuse a database or storage folder that is not empty unless ``force``; pg_restore as the owner
in one transaction (the data loads before row-level security is switched on, so it needs no tenant
setting); copy the files; then check, as the backup role, that every table has the manifest's row count
and content checksum, that the same tables have row-level security forced with the same policies, and
that every file is there with its SHA-256. Every difference is reported; any makes the restore fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.migrations.loader import MigrationLoader

from asye.operations import manifest as manifest_file
from asye.operations.pg import (
    OperationsError,
    applied_migrations,
    backup_connection,
    owner_connection,
    public_tables,
    row_level_security,
    run_tool,
    schema_objects,
    stable_output,
    table_fingerprint,
    tool,
)
from asye.operations.storage_roots import file_roots, holds_files


@dataclass
class RestoreReport:
    database: str
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_dump(folder: Path, manifest: dict[str, Any]) -> Path:
    dump = manifest["database"]["dump"]
    path = folder / manifest_file.DUMP
    if not path.is_file():
        raise OperationsError(f"{path} is missing: the backup is incomplete. Use another backup.")
    if path.stat().st_size != dump["size"] or manifest_file.sha256_of(path) != dump["sha256"]:
        raise OperationsError(
            f"{path} does not match the checksum in the manifest: the dump is damaged. Nothing was restored."
        )
    return path


def _roots_for(manifest: dict[str, Any], media_root: Path | None) -> dict[str, Path]:
    overrides = {"default": media_root} if media_root is not None else {}
    roots, _elsewhere = file_roots(overrides)
    needed = sorted({entry["storage"] for entry in manifest["files"]})
    missing = [alias for alias in needed if alias not in roots]
    if missing:
        raise OperationsError(
            f"The backup holds files of storage {', '.join(missing)}, which is not on this file system here: "
            "configure it as a FileSystemStorage in STORAGES, or copy those files into its bucket by hand."
        )
    return {alias: roots[alias] for alias in sorted(set(needed) | ({"default"} & roots.keys()))}


def _refuse_non_empty(database: str, objects: int, roots: dict[str, Path]) -> None:
    if objects:
        raise OperationsError(
            f"The database {database} is not empty ({objects} tables, views or sequences). Restore into an "
            "empty database made by db_bootstrap, or pass --force to replace what is in it."
        )
    full = [str(root) for root in roots.values() if holds_files(root)]
    if full:
        raise OperationsError(
            f"The storage folder {', '.join(full)} is not empty. Restore into an empty one (--media-root), "
            "or pass --force to write the backup's files over it."
        )


def _restore_database(dump: Path, *, pg_restore: str, database: str | None, force: bool) -> str:
    owner = owner_connection(database)
    arguments = [pg_restore, "--no-owner", "--exit-on-error", "--single-transaction", "--no-password"]
    if force:
        arguments += ["--clean", "--if-exists"]
    run_tool([*arguments, f"--dbname={owner.conninfo}", str(dump)], connection=owner)
    return owner.database


def _copy_files(
    folder: Path, manifest: dict[str, Any], roots: dict[str, Path], report: RestoreReport
) -> None:
    for entry in manifest["files"]:
        source = folder / manifest_file.FILES / entry["storage"] / entry["name"]
        target = roots[entry["storage"]] / entry["name"]
        if not source.is_file():
            report.problems.append(f"file {entry['storage']}/{entry['name']}: missing from the backup")
            continue
        size, _sha256 = manifest_file.copy_with_digest(source, target)
        report.files += 1
        report.file_bytes += size


def _verify_files(manifest: dict[str, Any], roots: dict[str, Path], report: RestoreReport) -> None:
    for entry in manifest["files"]:
        target = roots[entry["storage"]] / entry["name"]
        where = f"file {entry['storage']}/{entry['name']}"
        if not target.is_file():
            continue  # already reported as missing from the backup
        size = target.stat().st_size
        if size != entry["size"] or manifest_file.sha256_of(target) != entry["sha256"]:
            report.problems.append(f"{where}: its checksum does not match the manifest ({size} bytes)")


def _verify_database(manifest: dict[str, Any], database: str, report: RestoreReport) -> None:
    expected = manifest["database"]["tables"]
    with backup_connection(database).connect(autocommit=True) as conn, conn.cursor() as cursor:
        stable_output(cursor)
        found = set(public_tables(cursor))
        for table, figures in sorted(expected.items()):
            if table not in found:
                report.problems.append(f"table {table}: missing")
                continue
            restored = table_fingerprint(cursor, table)
            report.tables += 1
            report.rows += restored["rows"]
            if restored["rows"] != figures["rows"]:
                report.problems.append(
                    f"table {table}: {restored['rows']} rows, the backup had {figures['rows']}"
                )
            elif restored["checksum"] != figures["checksum"]:
                report.problems.append(f"table {table}: the rows' contents differ from the backup's")
        extra = sorted(found - set(expected))
        if extra:
            report.notes.append(f"tables not in the backup, left as they were: {', '.join(extra)}")
        policies = row_level_security(cursor)
        for table, names in sorted(manifest["database"]["row_level_security"].items()):
            if policies.get(table) != sorted(names):
                report.problems.append(
                    f"table {table}: row-level security is {policies.get(table, 'off')}, "
                    f"the backup had {names}"
                )
        applied = {f"{app}.{name}" for app, name in applied_migrations(cursor)}
    heads = manifest["database"].get("migrations", {}).get("heads", [])
    lost = sorted(set(heads) - applied)
    if lost:
        report.problems.append(f"migrations recorded in the backup but not restored: {', '.join(lost)}")
    code = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    behind = sorted(f"{app}.{name}" for app, name in code if f"{app}.{name}" not in applied)
    if behind:
        report.notes.append(
            "the code has migrations this backup predates: run manage.py migrate "
            f"({', '.join(behind[:5])}{', …' if len(behind) > 5 else ''})"
        )


def backup_restore(
    *, folder: Path, database: str | None = None, media_root: Path | None = None, force: bool = False
) -> RestoreReport:
    """Restore the backup in ``folder`` into ``database`` (default: DATABASE_OWNER_URL's) and the storage
    folders (``media_root`` for the default storage), and check it all came back."""
    manifest = manifest_file.read(folder)
    dump = _check_dump(folder, manifest)
    pg_restore = tool("pg_restore")
    roots = _roots_for(manifest, media_root)
    owner = owner_connection(database)
    with owner.connect(autocommit=True) as conn, conn.cursor() as cursor:
        objects = schema_objects(cursor)
    if not force:
        _refuse_non_empty(owner.database, objects, roots)
    restored = _restore_database(dump, pg_restore=pg_restore, database=database, force=force)
    report = RestoreReport(database=restored)
    _copy_files(folder, manifest, roots, report)
    _verify_files(manifest, roots, report)
    _verify_database(manifest, report.database, report)
    return report
