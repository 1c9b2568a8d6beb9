# ruff: noqa: S608 - the table names are the models' own; dates are parameters.
"""Retention: personal data is kept four years. Registrations that ended more than four years ago are
anonymised (docs/equity-and-retention.md) in batches, by every app's part of the registry
(``asye.retention``: each app's ``retention.py``, listed in ``settings.ASYE_CONTRIBUTIONS["retention"]``):
programmes, portfolios (and their files and packs), reviews, equality, funding's statement lines,
assurance, forums, evaluations, notifications, jobs, the audit trail and, last, the accounts that hold
nothing else.

What the reports read stays: employer, service area, dates, funding year and status, status, outcome,
deferrals, and the equity analysis's equality answers, with no person identifier. So every report gives
the same figures before and after (``tests/reporting/test_retention.py``).

A registration's end is its ``ended_at``, else its ``outcome_date``, else (the legacy portal recorded
neither) its start date plus the programme's length and any extension. Only registrations that have ended
(completed, withdrawn or transferred) are considered. Anonymised registrations have empty names (required
otherwise), so a run is idempotent: a second run finds nothing. Each batch is one savepoint; if a batch
fails, its registrations are tried one by one, each all-or-nothing, and those that still fail are counted
and left as they were for the next run. A run also does every part's nightly housekeeping (job result files
expire). A run writes ONE audit event, ``retention.anonymised``, with its counts; nothing per registration
or per field.
"""

from __future__ import annotations

import datetime
import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from asye.accounts.models import Membership, Role, User
from asye.audit.models import AuditEvent
from asye.audit.services import audit_record
from asye.retention import Batch, retention_parts
from asye.tenancy.models import Employer
from programmes.models import FrameworkVersion, Registration, RegistrationStatus

logger = logging.getLogger(__name__)
RETENTION_YEARS = 4
BATCH_SIZE = 500
PREVIEW_BATCH_SIZE = 5000
RUN_ACTION = "retention.anonymised"
ENDED = (RegistrationStatus.COMPLETED, RegistrationStatus.WITHDRAWN, RegistrationStatus.TRANSFERRED)


def retention_cutoff(today: datetime.date) -> datetime.date:
    """Registrations that ended before this day are anonymised: four years before ``today`` (29 February
    becomes 28 February)."""
    try:
        return today.replace(year=today.year - RETENTION_YEARS)
    except ValueError:
        return today.replace(year=today.year - RETENTION_YEARS, day=28)


def _expired_sql(select: str, group: str = "") -> str:
    registration = Registration._meta.db_table
    version = FrameworkVersion._meta.db_table
    employer = Employer._meta.db_table
    return f"""
        SELECT {select}
          FROM {registration} r
          JOIN {version} v ON v.id = r.framework_version_id
          JOIN {employer} e ON e.id = r.employer_id
         WHERE r.status = ANY(%(ended)s)
           AND NOT (r.first_name = '' AND r.last_name = '')
           AND COALESCE(
                 r.ended_at,
                 r.outcome_date,
                 (r.start_date + make_interval(months => v.length_months)
                  + r.extension_days * interval '1 day')::date
               ) < %(cutoff)s
         {group}
    """


def _params(today: datetime.date) -> dict:
    return {"ended": list(ENDED), "cutoff": retention_cutoff(today)}


def retention_preview(*, today: datetime.date) -> dict:
    """What the next run will anonymise, before it runs: counts by employer and funding year (one query;
    inside a national scope)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _expired_sql(
                "e.name, r.funding_year, count(*)",
                "GROUP BY e.name, r.funding_year ORDER BY r.funding_year, e.name",
            ),
            _params(today),
        )
        rows = [
            {"employer": name, "funding_year": year, "registrations": n}
            for name, year, n in cursor.fetchall()
        ]
    by_year: dict[str, int] = {}
    for row in rows:
        by_year[row["funding_year"]] = by_year.get(row["funding_year"], 0) + row["registrations"]
    return {
        "cutoff": retention_cutoff(today).isoformat(),
        "total": sum(row["registrations"] for row in rows),
        "by_year": [{"funding_year": year, "registrations": n} for year, n in sorted(by_year.items())],
        "by_employer_and_year": rows,
        "by_table": _preview_tables([pk for pk, _ in _expired_ids(today)]),
    }


def _preview_tables(ids: list[int]) -> list[dict]:
    """Per table, the rows the next run will change or delete (every part's ``preview``), in batches."""
    tables: dict[str, int] = {}
    for start in range(0, len(ids), PREVIEW_BATCH_SIZE):
        batch = build_batch(ids[start : start + PREVIEW_BATCH_SIZE])
        for part in retention_parts():
            for table, n in part.preview(batch).items():
                tables[table] = tables.get(table, 0) + n
    return [{"table": table, "rows": n} for table, n in sorted(tables.items())]


def build_batch(ids: list[int]) -> Batch:
    """The registrations, their employers, their NQSWs' accounts and those of the accounts that hold
    nothing else: no live registration outside ``ids`` (anonymised ones have no account link) and no
    role but NQSW still held."""
    rows = list(Registration.objects.filter(pk__in=ids).values_list("employer_id", "nqsw_id", "email"))
    linked = {nqsw for _, nqsw, _ in rows if nqsw}
    emails = {email.strip().lower() for _, _, email in rows if email}
    if emails:
        linked |= set(User.objects.filter(email__in=emails).values_list("pk", flat=True))
    busy = set(
        Registration.objects.filter(nqsw_id__in=linked).exclude(pk__in=ids).values_list("nqsw_id", flat=True)
    )
    busy |= set(
        Membership.objects.filter(user_id__in=linked, ended_at__isnull=True)
        .exclude(role=Role.NQSW)
        .values_list("user_id", flat=True)
    )
    still_registered = set(
        Registration.objects.filter(email__in=emails).exclude(pk__in=ids).values_list("email", flat=True)
    )
    busy |= set(
        User.objects.filter(pk__in=linked)
        .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(email__in=still_registered))
        .values_list("pk", flat=True)
    )
    return Batch(
        registration_ids=list(ids),
        registration_type=Registration._meta.label_lower,
        employer_ids=sorted({employer for employer, _, _ in rows}),
        nqsw_user_ids=sorted(linked),
        released_user_ids=sorted(linked - busy),
    )


def _expired_ids(today: datetime.date) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(_expired_sql("r.id, r.funding_year", "ORDER BY r.id"), _params(today))
        return cursor.fetchall()


def _anonymise(ids: list[int]) -> tuple[int, int]:
    """Every app's part for these registrations, in one savepoint: all of it, or none of it. The names
    are gathered first, from every part, then every part anonymises, in order."""
    with transaction.atomic():
        batch = build_batch(ids)
        parts = retention_parts()
        for part in parts:
            if part.identifiers is not None:
                part.identifiers(batch)
        rows = sum(part.anonymise(batch) for part in parts)
    return rows, batch.files_deleted


def anonymise_expired(*, today: datetime.date, run_by: str = "system") -> dict:
    """Anonymise every registration that ended before the cut-off; one audit event for the run. Call in
    a transaction, inside ``system_national_context()`` (the command and the scheduled task do)."""
    expired = _expired_ids(today)
    done_years: dict[str, int] = {}
    rows = files = failed = 0
    for start in range(0, len(expired), BATCH_SIZE):
        batch = expired[start : start + BATCH_SIZE]
        try:
            changed, deleted = _anonymise([pk for pk, _ in batch])
            succeeded = batch
        except DatabaseError:
            logger.exception("Retention batch failed; trying its registrations one by one")
            changed = deleted = 0
            succeeded = []
            for pk, year in batch:
                try:
                    one_rows, one_files = _anonymise([pk])
                except DatabaseError:
                    logger.exception("Retention could not anonymise registration %s", pk)
                    failed += 1
                    continue
                changed, deleted = changed + one_rows, deleted + one_files
                succeeded.append((pk, year))
        rows, files = rows + changed, files + deleted
        for _, year in succeeded:
            done_years[year] = done_years.get(year, 0) + 1
    housekeeping: dict[str, int] = {}
    for part in retention_parts():
        if part.housekeeping is not None:
            housekeeping |= part.housekeeping(today)
    result = {
        "cutoff": retention_cutoff(today).isoformat(),
        "registrations": sum(done_years.values()),
        "by_year": dict(sorted(done_years.items())),
        "rows_changed": rows,
        "files_deleted": files,
        "failed": failed,
        "run_by": run_by,
        **housekeeping,
    }
    audit_record(actor=None, action=RUN_ACTION, employer_id=None, changes=result)
    return result


def retention_runs(*, limit: int = 20) -> list[dict]:
    """The latest runs, from their audit events (inside a national scope)."""
    events = AuditEvent.objects.filter(action=RUN_ACTION, employer__isnull=True).order_by(
        "-created_at", "-id"
    )
    return [{"at": event.created_at, **event.changes} for event in events[:limit]]
