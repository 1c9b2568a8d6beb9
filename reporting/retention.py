# ruff: noqa: S608 - the table names are the models' own; dates are parameters.
"""Retention: personal data is kept four years. Registrations that ended more than four years ago are
anonymised (docs/equity-and-retention.md), by each app's own function, in batches:

- ``programmes.retention``: names, contact details, the Social Work England number, the account link, the
  legacy reference, free text;
- ``portfolios.retention``: every free text of the portfolio, and uploaded files (deleted from storage);
- ``reviews.retention``: every free text of reviews, support plans, recommendations, moderation;
- ``equality.retention``: only gender, ethnic group and age band stay (what the equity analysis reads).

What the reports read stays: employer, service area, dates, funding year and status, status, outcome,
deferrals, and those equality answers, with no person identifier. So every report gives the same figures
before and after (``tests/reporting/test_retention.py``).

A registration's end is its ``ended_at``, else its ``outcome_date``, else (the legacy portal recorded
neither) its start date plus the programme's length and any extension. Only registrations that have ended
(completed, withdrawn or transferred) are considered. Anonymised registrations have empty names (required
otherwise), so a run is idempotent: a second run finds nothing. Each batch is one savepoint; if a batch
fails, its registrations are tried one by one, each all-or-nothing, and those that still fail are counted
and left as they were for the next run. A run writes ONE audit event, ``retention.anonymised``, with its
counts; nothing per registration or per field.
"""

from __future__ import annotations

import datetime
import logging

from django.db import DatabaseError, connection, transaction

from asye.audit.models import AuditEvent
from asye.audit.services import audit_record
from asye.tenancy.models import Employer
from equality.retention import anonymise_equality
from portfolios.retention import anonymise_portfolios
from programmes.models import FrameworkVersion, Registration, RegistrationStatus
from programmes.retention import anonymise_registrations
from reviews.retention import anonymise_reviews

logger = logging.getLogger(__name__)
RETENTION_YEARS = 4
BATCH_SIZE = 500
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
    }


def _expired_ids(today: datetime.date) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(_expired_sql("r.id, r.funding_year", "ORDER BY r.id"), _params(today))
        return cursor.fetchall()


def _anonymise(ids: list[int]) -> tuple[int, int]:
    """Every app's part for these registrations, in one savepoint: all of it, or none of it."""
    with transaction.atomic():
        rows = anonymise_registrations(ids)
        portfolio_rows, files = anonymise_portfolios(ids)
        rows += portfolio_rows + anonymise_reviews(ids) + anonymise_equality(ids)
    return rows, files


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
    result = {
        "cutoff": retention_cutoff(today).isoformat(),
        "registrations": sum(done_years.values()),
        "by_year": dict(sorted(done_years.items())),
        "rows_changed": rows,
        "files_deleted": files,
        "failed": failed,
        "run_by": run_by,
    }
    audit_record(actor=None, action=RUN_ACTION, employer_id=None, changes=result)
    return result


def retention_runs(*, limit: int = 20) -> list[dict]:
    """The latest runs, from their audit events (inside a national scope)."""
    events = AuditEvent.objects.filter(action=RUN_ACTION, employer__isnull=True).order_by(
        "-created_at", "-id"
    )
    return [{"at": event.created_at, **event.changes} for event in events[:limit]]
