"""The retention registry: every app's part in anonymising people whose registrations ended more than four
years ago (docs/equity-and-retention.md).

``asye/`` never imports a domain app, so the apps register here the way they contribute navigation or job
kinds: ``settings.ASYE_CONTRIBUTIONS["retention"]`` lists each app's ``retention.py``, which declares
``PARTS = [RetentionPart(...)]``. The run (``reporting.retention``) builds a :class:`Batch` of expired
registrations and calls every part, in ``order``, inside one savepoint:

- ``identifiers(batch)``: the strings that identify the batch's people in this app's rows (names, emails,
  Social Work England numbers), added to ``batch.terms`` before anything is changed, so later parts
  (audit, notifications, jobs) can remove them from text they cannot link to a registration otherwise;
- ``anonymise(batch) -> rows changed``: set-based UPDATEs or DELETEs; stored files to delete go through
  ``batch.delete_files`` (deleted once the transaction commits);
- ``preview(batch) -> {table: rows}``: what ``anonymise`` would change, without changing it;
- ``housekeeping(today) -> {name: count}``: nightly work that is not about one batch (expired job files).

A new app with personal data adds its ``retention.py`` and one line to the settings;
``tests/reporting/test_retention_everywhere.py`` searches every text column of the database afterwards, so
a part that is forgotten fails there.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.storage import Storage
from django.db import connection, transaction

from asye.contributions import contributions

REMOVED = "[removed]"
# Shorter strings (initials, "Jo") would remove too much from other people's text.
MIN_TERM_LENGTH = 3


@dataclass
class Batch:
    """The registrations one savepoint anonymises, and what identifies their people."""

    registration_ids: list[int]
    # What the audit trail and the outbox call a registration (``app_label.model``), set by the run.
    registration_type: str = ""
    employer_ids: list[int] = field(default_factory=list)
    # The NQSWs' accounts linked to these registrations, and those of them that hold nothing else (no
    # other live registration, no other role): only these are anonymised themselves.
    nqsw_user_ids: list[int] = field(default_factory=list)
    released_user_ids: list[int] = field(default_factory=list)
    # Strong terms (full names, emails, numbers) are removed wherever they appear; weak ones (a first or
    # last name alone) only from rows linked to these registrations or people.
    terms: set[str] = field(default_factory=set)
    weak_terms: set[str] = field(default_factory=set)
    files_deleted: int = 0
    _pending: list[tuple[Storage, str]] = field(default_factory=list)

    def add_terms(self, *values: str | None) -> None:
        for value in values:
            value = (value or "").strip()
            if len(value) >= MIN_TERM_LENGTH and value != REMOVED:
                self.terms.add(value)

    def add_weak_terms(self, *values: str | None) -> None:
        for value in values:
            value = (value or "").strip()
            if len(value) >= MIN_TERM_LENGTH and value != REMOVED:
                self.weak_terms.add(value)

    def delete_files(self, storage: Storage, names: list[str]) -> None:
        """Delete these stored files once the transaction commits (a rolled-back batch keeps them)."""
        names = [name for name in names if name]
        if not names:
            return
        self.files_deleted += len(names)
        transaction.on_commit(lambda: _delete(storage, names))

    def pattern(self) -> str:
        """A PostgreSQL regular expression matching any term as a whole word (case-insensitive with ~*)."""
        return terms_pattern(self.terms)

    def linked_pattern(self) -> str:
        """Strong and weak terms: for rows linked to the batch's registrations or people."""
        return terms_pattern(self.terms | self.weak_terms)


def _delete(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def terms_pattern(terms: set[str] | list[str]) -> str:
    """Longest first, so "Jane Smith" is removed whole rather than as "Jane" then "Smith". JSON spells a
    quote or backslash escaped: both spellings are matched."""
    spellings: set[str] = set()
    for term in terms:
        spellings.add(term)
        spellings.add(term.replace("\\", "\\\\").replace('"', '\\"'))
    alternatives = "|".join(re.escape(term) for term in sorted(spellings, key=lambda t: (-len(t), t)))
    return rf"(?<![[:alnum:]_])(?:{alternatives})(?![[:alnum:]_])" if alternatives else ""


def scrub_columns(table: str, columns: list[str], pattern: str, where: str = "TRUE", params=()) -> int:
    """Replace every term of ``pattern`` by ``[removed]`` in these text columns of the rows ``where``
    selects that contain one; returns the rows changed. ``table`` and ``columns`` are the models' own names
    (never user input). A ``jsonb`` column is scrubbed as its text and read back. PostgreSQL only."""
    if not pattern or not columns or connection.vendor != "postgresql":
        return 0  # the SQLite quick start has no regular expressions to replace with
    types = _column_types(table)
    sets, tests = [], []
    for column in columns:
        as_text = f'"{column}"::text' if types.get(column) == "jsonb" else f'"{column}"'
        replaced = f"regexp_replace({as_text}, %(pattern)s, %(removed)s, 'gi')"
        sets.append(f'"{column}" = ' + (f"({replaced})::jsonb" if types.get(column) == "jsonb" else replaced))
        tests.append(f"{as_text} ~* %(pattern)s")
    sql = f'UPDATE "{table}" SET {", ".join(sets)} WHERE ({where}) AND ({" OR ".join(tests)})'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, {"pattern": pattern, "removed": REMOVED, **dict(params)})
        return cursor.rowcount


def _column_types(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table]
        )
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class RetentionPart:
    """One app's part of a retention run (see the module's docstring)."""

    name: str
    anonymise: Callable[[Batch], int]
    preview: Callable[[Batch], dict[str, int]]
    identifiers: Callable[[Batch], None] | None = None
    housekeeping: Callable[[datetime.date], dict[str, int]] | None = None
    # Parts that remove names from text others wrote (audit, notifications, jobs) come after the parts
    # that contribute the names; the accounts come last.
    order: int = 50


def retention_parts() -> list[RetentionPart]:
    """Every registered part, in order."""
    parts = [part for module in contributions("retention") for part in module.PARTS]
    return sorted(parts, key=lambda part: part.order)


def counts(querysets: dict) -> dict[str, int]:
    """A preview's rows by table, from the querysets a part would change (tables with none left out)."""
    found = {label: queryset.count() for label, queryset in querysets.items()}
    return {label: n for label, n in found.items() if n}
