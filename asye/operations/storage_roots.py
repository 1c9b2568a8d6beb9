"""Which folders hold the uploaded files: every storage in ``settings.STORAGES`` on the local file system
(``default``, which is ``MEDIA_ROOT``, and ``evidence`` when it is configured), except the static files.

A storage that is not on this file system (S3-compatible object storage, for example) is not copied: the
bucket's own versioning and replication back it up (docs/operations.md, "Backups"); the backup says so.
A storage whose folder is inside another's is covered by that one and not copied twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

NOT_UPLOADS = {"staticfiles"}


def file_roots(overrides: dict[str, Path] | None = None) -> tuple[dict[str, Path], list[str]]:
    """The folder of each file-system storage by alias, and the aliases of storages elsewhere."""
    overrides = overrides or {}
    roots: dict[str, Path] = {}
    elsewhere: list[str] = []
    for alias in settings.STORAGES:
        if alias in NOT_UPLOADS:
            continue
        if alias in overrides:
            roots[alias] = Path(overrides[alias])
            continue
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            roots[alias] = Path(storage.location)
        else:
            elsewhere.append(alias)
    covered = {
        alias
        for alias, root in roots.items()
        for other, other_root in roots.items()
        if other != alias and _inside(root, other_root) and (root != other_root or other < alias)
    }
    return {alias: root for alias, root in roots.items() if alias not in covered}, elsewhere


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def stored_files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root`` (symbolic links are not followed), in a stable order."""
    if not root.is_dir():
        return
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def holds_files(root: Path) -> bool:
    return next(stored_files(root), None) is not None
