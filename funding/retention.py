# ruff: noqa: S608 - the table names are the models' own; ids are parameters.
"""Retention: funding's part of the registry (``asye.retention``, docs/equity-and-retention.md). Authorised
payment statement lines are frozen by database triggers; the one change they allow
(``reporting/migrations/0003_retention_privileged``) is this one: the NQSW's name emptied and the Social
Work England number replaced by the registration's ``SW9…`` number. Amounts, claim types (instalments),
kind, employer, funding year, reference and position stay, so every funding total is unchanged. Claims and
recoveries hold no name or number of their own."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from asye.retention import Batch, RetentionPart, counts
from funding.models import Claim, PaymentStatementLine, Recovery
from programmes.retention import ANONYMOUS_SWE_PREFIX, anonymous_swe_number

LINE = PaymentStatementLine._meta.db_table
CLAIM = Claim._meta.db_table
RECOVERY = Recovery._meta.db_table


def _lines(ids: list[int]):
    return PaymentStatementLine.objects.filter(
        Q(claim__registration_id__in=ids) | Q(recovery__claim__registration_id__in=ids)
    ).exclude(nqsw_name="", swe_number__startswith=ANONYMOUS_SWE_PREFIX)


def anonymise(batch: Batch) -> int:
    """Returns the lines changed: one UPDATE for claims' lines, one for recoveries'."""
    if connection.vendor != "postgresql":  # the SQLite quick start: no triggers, one UPDATE a registration
        return sum(
            _lines([pk]).update(nqsw_name="", swe_number=anonymous_swe_number(pk))
            for pk in batch.registration_ids
        )
    params = {"ids": batch.registration_ids, "prefix": ANONYMOUS_SWE_PREFIX}
    new_values = "nqsw_name = '', swe_number = %(prefix)s || lpad(c.registration_id::text, 9, '0')"
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LINE} l SET {new_values} FROM {CLAIM} c "
            "WHERE l.claim_id = c.id AND c.registration_id = ANY(%(ids)s) AND l.nqsw_name <> ''",
            params,
        )
        changed += cursor.rowcount
        cursor.execute(
            f"UPDATE {LINE} l SET {new_values} FROM {RECOVERY} r JOIN {CLAIM} c ON c.id = r.claim_id "
            "WHERE l.recovery_id = r.id AND c.registration_id = ANY(%(ids)s) AND l.nqsw_name <> ''",
            params,
        )
        changed += cursor.rowcount
    return changed


def preview(batch: Batch) -> dict[str, int]:
    return counts({LINE: _lines(batch.registration_ids)})


PARTS = [RetentionPart("funding", anonymise=anonymise, preview=preview, order=40)]
