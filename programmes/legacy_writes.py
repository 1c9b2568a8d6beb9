"""Writing a checked legacy portal export: employers and registrations, in bulk, as an upsert keyed by
the legacy references (``programmes.legacy_import`` checks the rows first and writes the equality answers).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from asye.tenancy.models import Employer, ServiceArea
from programmes.legacy_rows import MANAGED_FIELDS, EmployerRow, RegistrationRow, Tally
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


def write_registrations(
    rows: list[RegistrationRow],
    employer_ids: dict[str, int],
    by_legacy: dict[tuple[int, str], Registration],
    tally: Tally,
    now: datetime.datetime,
) -> list[tuple[Registration, dict]]:
    """Create and update the registrations; the registrations with their equality answers, to write next."""
    to_create: list[Registration] = []
    to_update: list[Registration] = []
    changed_fields: set[str] = set()
    equality_for: list[tuple[Registration, dict]] = []
    for row in rows:
        employer_id = employer_ids[row.employer_ref]
        registration = by_legacy.get((employer_id, row.ref))
        if registration is None:
            registration = Registration(
                employer_id=employer_id,
                legacy_ref=row.ref,
                contracted_hours=Decimal(row.version.full_time_hours),
                **row.values,
            )
            to_create.append(registration)
        else:
            changes = [name for name in MANAGED_FIELDS if getattr(registration, name) != row.values[name]]
            if changes:
                for name in changes:
                    setattr(registration, name, row.values[name])
                # Anyone holding the old version gets a conflict rather than overwriting the import.
                registration.version += 1
                registration.updated_at = now
                changed_fields.update(changes)
                to_update.append(registration)
            else:
                tally.unchanged += 1
        equality_for.append((registration, row.equality))
    Registration.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        Registration.objects.bulk_update(
            to_update, [*sorted(changed_fields), "version", "updated_at"], batch_size=1000
        )
    tally.created = len(to_create)
    tally.updated = len(to_update)
    return equality_for
