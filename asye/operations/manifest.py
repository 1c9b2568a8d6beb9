"""A backup's ``manifest.json``: what the backup holds and the figures a restore is checked against.

A backup is a folder::

    asye-backup-20261204T031500Z/
        manifest.json      written last: a folder without one is an unfinished backup
        database.dump      pg_dump's custom format
        files/<storage>/…  every uploaded file, under the storage alias it belongs to

The manifest records when it was made, the platform's version and commit, the migration heads, each
table's row count and content checksum (``asye.operations.pg.table_fingerprint``), the tables with
row-level security and their policies, the dump's SHA-256 and size, and each file's SHA-256 and size.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from asye.operations.pg import OperationsError

FORMAT = "asye-backup/1"
MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_with_digest(source: Path, target: Path) -> tuple[int, str]:
    """Copy ``source`` to ``target`` (making its folder), returning the size and SHA-256 of what was read."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reading, target.open("wb") as writing:
        while chunk := reading.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writing.write(chunk)
    shutil.copystat(source, target)
    return size, digest.hexdigest()


def write(folder: Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest atomically (a temporary file renamed), so it exists only once complete."""
    path = folder / MANIFEST
    temporary = folder / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


def _require(condition: bool, where: Path, what: str) -> None:
    if not condition:
        raise OperationsError(f"The manifest {where} is damaged: {what}. Use another backup.")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def safe_relative(name: Any) -> bool:
    """A file name that stays inside its folder: relative, no ``..``, no empty parts."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in path.parts)


def read(folder: Path) -> dict[str, Any]:
    """The manifest of the backup in ``folder``, checked for shape; a damaged one raises."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise OperationsError(f"{folder} is not a backup folder.")
    if not path.is_file():
        raise OperationsError(
            f"{folder} has no {MANIFEST}: the backup did not finish or is damaged. Use another backup."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OperationsError(f"The manifest {path} is damaged: it is not valid JSON ({error}).") from error
    _require(isinstance(manifest, dict), path, "it is not a JSON object")
    _require(manifest.get("format") == FORMAT, path, f"its format is not {FORMAT}")
    database = manifest.get("database")
    _require(isinstance(database, dict), path, "no database section")
    dump = database.get("dump")
    _require(
        isinstance(dump, dict) and _is_count(dump.get("size")) and _is_sha256(dump.get("sha256")),
        path,
        "the dump's size or checksum is missing",
    )
    tables = database.get("tables")
    _require(isinstance(tables, dict) and bool(tables), path, "no table counts")
    for table, figures in tables.items():
        _require(
            isinstance(figures, dict)
            and _is_count(figures.get("rows"))
            and isinstance(figures.get("checksum"), str),
            path,
            f"the figures for table {table!r} are missing or wrong",
        )
    policies = database.get("row_level_security")
    _require(
        isinstance(policies, dict) and all(isinstance(names, list) for names in policies.values()),
        path,
        "the row-level security section is missing",
    )
    files = manifest.get("files")
    _require(isinstance(files, list), path, "no file list")
    for entry in files:
        _require(
            isinstance(entry, dict)
            and safe_relative(entry.get("storage"))
            and safe_relative(entry.get("name"))
            and _is_count(entry.get("size"))
            and _is_sha256(entry.get("sha256")),
            path,
            "a file entry is missing its storage, name, size or checksum, or names a path outside its "
            f"folder: {entry!r}"[:300],
        )
    return manifest
