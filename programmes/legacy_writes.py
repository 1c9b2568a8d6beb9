# ruff: noqa: S608 - table and column names are the models' own; values are parameters.
"""Writing a checked legacy portal export: employers and registrations, in bulk, as an upsert keyed by
the legacy references (``programmes.legacy_import`` checks the rows first and writes the equality answers).
Employers are few and written from memory; registrations are moved from the import's staging table
(``programmes.legacy_stage``) in set-based statements.
"""

from __future__ import annotations

import datetime

from django.db import connection

from asye.tenancy.models import Employer, ServiceArea
from programmes.legacy_rows import MANAGED_FIELDS, EmployerRow, Tally
from programmes.legacy_stage import Stage, insert_columns
from programmes.models import Registration


def write_employers(
    employers: dict[str, EmployerRow],
    areas_by_employer: dict[str, set[str]],
    known_refs: dict[str, Employer],
    tally: Tally,
    now: datetime.datetime,
) -> dict[str, int]:
    to_create, to_update, changed_fields = [], [], set()
    for row in employers.values():
        areas = areas_by_employer.get(row.ref, set())
        wanted = {
            "legacy_ref": row.ref,
            "name": row.name,
            "employer_type": row.employer_type,
            "region": row.region,
        }
        if row.existing is None:
            to_create.append(
                Employer(
                    **wanted,
                    serves_child_and_family=ServiceArea.CHILD_AND_FAMILY in areas,
                    serves_adults=ServiceArea.ADULTS in areas,
                )
            )
            continue
        employer = row.existing
        # Service areas are only ever added: the employer may serve an area the portal never saw.
        if ServiceArea.CHILD_AND_FAMILY in areas:
            wanted["serves_child_and_family"] = True
        if ServiceArea.ADULTS in areas:
            wanted["serves_adults"] = True
        changes = [name for name, value in wanted.items() if getattr(employer, name) != value]
        if not changes:
            tally.unchanged += 1
            continue
        for name in changes:
            setattr(employer, name, wanted[name])
        employer.updated_at = now
        changed_fields.update(changes)
        to_update.append(employer)
    Employer.objects.bulk_create(to_create)
    if to_update:
        Employer.objects.bulk_update(to_update, [*sorted(changed_fields), "updated_at"])
    tally.created = len(to_create)
    tally.updated = len(to_update)
    ids = {ref: employer.pk for ref, employer in known_refs.items()}
    ids.update({e.legacy_ref: e.pk for e in to_create})
    ids.update({row.ref: row.existing.pk for row in employers.values() if row.existing})
    return ids


def write_registrations(stage: Stage, tally: Tally, now: datetime.datetime) -> None:
    """Move the staged rows (every one checked) into registrations, in two statements: update the ones
    imported before whose managed fields differ (moving ``version`` on, so anyone holding the old version
    gets a conflict), then create the others in file order. Unchanged rows are not touched."""
    table = Registration._meta.db_table
    employers = Employer._meta.db_table
    # Every employer of the file has its legacy reference by now (created, linked or imported before).
    stage.execute(
        f"UPDATE {{stage}} SET employer_id = e.id FROM {employers} AS e "
        "WHERE e.legacy_ref = {stage}.employer_ref"
    )
    if connection.vendor == "postgresql":
        stage.execute("ANALYZE {stage}")  # a temporary table is never analysed on its own
    managed = [Registration._meta.get_field(name).column for name in MANAGED_FIELDS]
    tally.updated = stage.execute(
        f"""UPDATE {table} AS r SET {", ".join(f"{c} = s.{c}" for c in managed)},
                version = r.version + 1, updated_at = %s
            FROM {{stage}} AS s
            WHERE r.employer_id = s.employer_id AND r.legacy_ref = s.ref
              AND ({" OR ".join(f"r.{c} IS DISTINCT FROM s.{c}" for c in managed)})""",
        [now],
    )
    # Contracted hours are not in the export: a new row gets its version's full-time hours.
    given = {"employer_id": "s.employer_id", "legacy_ref": "s.ref", "contracted_hours": "s.contracted_hours"}
    columns, expressions, params = insert_columns(Registration, given | {c: f"s.{c}" for c in managed}, now)
    tally.created = stage.execute(
        f"""INSERT INTO {table} ({columns})
            SELECT {expressions} FROM {{stage}} AS s
            WHERE NOT EXISTS (
                SELECT 1 FROM {table} AS r WHERE r.employer_id = s.employer_id AND r.legacy_ref = s.ref)
            ORDER BY s.line""",
        params,
    )
    tally.unchanged = stage.rows - tally.created - tally.updated
