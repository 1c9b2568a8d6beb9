# ruff: noqa: S608 - table and column names are this module's constants and the models' own; values are parameters.
"""The legacy import's staging table: every registration row of one import, written as it is read, in
chunks (``COPY`` on PostgreSQL), into a temporary table that lives only inside the import's transaction.
The checks that span rows run in SQL over it, and the rows are moved from it into the platform's tables
in set-based statements, so the import's memory does not grow with the file.

The table's columns are given by the caller (``programmes.legacy_import`` adds the equality answers, which
only it may handle): this module knows nothing of what they mean.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, models

from programmes.models import Registration, RegistrationStatus

STAGE_TABLE = "legacy_import_stage"
CHUNK_ROWS = 5000
# Every staged row has these; the rest (the checked values) are empty on a bad row.
KEY_COLUMNS = {
    "line": "integer NOT NULL",
    "employer_ref": "text NOT NULL",
    "ref": "text NOT NULL",
    "ok": "boolean",
}


def column_type(model: type[models.Model], name: str) -> str:
    """The database type of a model's field, for a staging column holding its value."""
    return model._meta.get_field(name).db_type(connection)


@dataclass(frozen=True)
class CrossRowProblem:
    line: int
    reason: str


class Stage:
    """The staging table of one import. Create it inside the import's transaction (it is dropped at the
    end, and rolled back with everything else when the import is refused)."""

    def __init__(self, columns: dict[str, str]):
        self.columns = {**KEY_COLUMNS, **columns}
        self.names = list(self.columns)
        self._buffer: list[tuple] = []
        self.rows = 0

    def __enter__(self) -> Stage:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_TABLE} ("
                + ", ".join(f"{name} {kind}" for name, kind in self.columns.items())
                + ", PRIMARY KEY (line))"
            )
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")

    def add(self, line: int, employer_ref: str, ref: str, ok: bool, values: dict) -> None:
        """Stage one row (``values`` by column name; missing ones are empty), writing a chunk when full."""
        self._buffer.append((line, employer_ref, ref, ok, *(values.get(name) for name in self.names[4:])))
        if len(self._buffer) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        columns = ", ".join(self.names)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {STAGE_TABLE} ({columns}) FROM STDIN") as copy:
                    for row in self._buffer:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.names))
                cursor.executemany(f"INSERT INTO {STAGE_TABLE} ({columns}) VALUES ({marks})", self._buffer)
        self.rows += len(self._buffer)
        self._buffer = []

    def execute(self, sql: str, params: Sequence = ()) -> int:
        """Run a statement over the stage (``{stage}`` names its table); how many rows it changed."""
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{stage}", STAGE_TABLE), params)
            return cursor.rowcount

    def fetch(self, sql: str, params: Sequence = ()) -> Iterator[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{stage}", STAGE_TABLE), params)
            yield from cursor.fetchall()

    # --- The checks that span rows ------------------------------------------------------------------

    def cross_row_problems(self) -> list[CrossRowProblem]:
        """The problems no single row shows, in the order a row reads them: a registration_ref twice for
        one employer (the later lines); then, among rows with nothing else wrong that are in progress, an
        NQSW in progress twice at one employer in the file (the later lines), or already in progress there
        on the platform under another reference. Needs ``employer_id`` set for employers already on the
        platform. Only the problems are read back."""
        self.flush()
        registration = Registration._meta.db_table
        problems = [
            CrossRowProblem(
                line, f"registration_ref {ref} of employer {employer_ref} is also on line {first}"
            )
            for line, employer_ref, ref, first in self.fetch(
                """SELECT line, employer_ref, ref, first FROM (
                       SELECT line, employer_ref, ref,
                              min(line) OVER (PARTITION BY employer_ref, ref) AS first
                       FROM {stage} WHERE ref <> '') AS keyed
                   WHERE line <> first"""
            )
        ]
        # The rows still good after the reference check, in progress: the rows first with their reference.
        in_progress = """SELECT line, employer_ref, ref, swe_number, employer_id FROM (
                             SELECT s.*, min(line) OVER (PARTITION BY employer_ref, ref) AS first
                             FROM {stage} AS s WHERE ref <> '') AS keyed
                         WHERE ok AND line = first AND status = %s"""
        problems += [
            CrossRowProblem(line, f"{swe} is also in progress with employer {employer_ref} on line {first}")
            for line, employer_ref, swe, first in self.fetch(
                f"""SELECT line, employer_ref, swe_number, first FROM (
                        SELECT line, employer_ref, swe_number,
                               min(line) OVER (PARTITION BY employer_ref, swe_number) AS first
                        FROM ({in_progress}) AS open) AS keyed
                    WHERE line <> first""",
                [RegistrationStatus.ACTIVE],
            )
        ]
        problems += [
            CrossRowProblem(
                line,
                f"{swe} already has a registration in progress with employer {employer_ref} on the platform",
            )
            for line, employer_ref, swe in self.fetch(
                f"""SELECT open.line, open.employer_ref, open.swe_number FROM ({in_progress}) AS open
                    JOIN {registration} AS r
                      ON r.employer_id = open.employer_id AND r.swe_number = open.swe_number
                     AND r.status IN (%s, %s)
                    WHERE r.legacy_ref IS NULL OR r.legacy_ref <> open.ref""",
                [RegistrationStatus.ACTIVE, RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED],
            )
        ]
        return problems


def insert_columns(
    model: type[models.Model], given: dict[str, str], now: datetime.datetime
) -> tuple[str, str, list]:
    """The column list and SELECT list of an ``INSERT INTO model (...) SELECT ...`` that writes the
    columns ``given`` (column → SQL expression) and every other column as a new instance would have it
    (its default; ``now`` for the automatic timestamps), so a column added to the model later is filled
    as ``bulk_create`` would fill it. Returns the columns, the expressions and their parameters."""
    columns, expressions, params = [], [], []
    cast = connection.vendor == "postgresql"  # a parameter in a SELECT list has no type of its own there
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False) or (
            field.primary_key and isinstance(field, models.AutoField | models.BigAutoField)
        ):
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in given:
            expressions.append(given[field.column])
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        expressions.append(f"CAST(%s AS {field.db_type(connection)})" if cast else "%s")
        params.append(field.get_db_prep_save(value, connection))
    return ", ".join(columns), ", ".join(expressions), params
