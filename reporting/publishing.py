"""Publishing a run of the annual report on the public page, and withdrawing it (national staff, audited).

Publishing keeps the run's tables as published (``reporting.tables.report_tables(published=True)`` at
the run's threshold, and the equity section's, ``reporting.equity_tables.equity_published_tables``, with
its own cross-table suppression: small counts and the counts that would reveal them carry no value) in a
``PublishedReport``; the public page (``reporting.published_views``) reads nothing else, so exact small
counts cannot reach it. The figures are worked out again when the run is published, from the run's year,
service area and threshold.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.tenancy.db import system_national_context
from reporting.annual import annual_figures
from reporting.cells import TEXT, Cell, Row, Table
from reporting.equity_tables import equity_published_tables
from reporting.models import PublishedReport
from reporting.runs import annual_report_run_get
from reporting.tables import report_tables


def tables_snapshot(tables: list[Table]) -> list[dict]:
    """Published tables as JSON: a suppressed cell keeps its kind and that it is hidden, never a value."""
    return [
        {
            "key": table.key,
            "title": table.title,
            "row_header": table.row_header,
            "columns": table.columns,
            "note": table.note,
            "rows": [
                {
                    "label": row.label,
                    "is_total": row.is_total,
                    "cells": [
                        {
                            "value": None if cell.hidden else _plain(cell.value),
                            "kind": cell.kind,
                            "hidden": cell.hidden,
                        }
                        for cell in row.cells
                    ],
                }
                for row in table.rows
            ],
        }
        for table in tables
    ]


def _plain(value):
    return value if value is None or isinstance(value, int | float) else str(value)


def tables_from_snapshot(snapshot: list[dict]) -> list[Table]:
    def value(cell):
        written_out = cell["kind"] == TEXT or not isinstance(cell["value"], str)
        return cell["value"] if written_out else Decimal(cell["value"])

    return [
        Table(
            item["key"],
            item["title"],
            item["row_header"],
            item["columns"],
            [
                Row(
                    row["label"],
                    [Cell(value(c), c["kind"], c["hidden"]) for c in row["cells"]],
                    row["is_total"],
                )
                for row in item["rows"]
            ],
            True,
            item["note"],
            [],
        )
        for item in snapshot
    ]


@transaction.atomic
def report_publish(*, actor: Actor, run_id: uuid.UUID) -> PublishedReport:
    """Publish a finished run (national scope); publishing a run already published changes nothing."""
    actor.require(Role.NATIONAL_STAFF)
    run = annual_report_run_get(public_id=run_id)
    current = PublishedReport.objects.filter(job=run).first()
    if current is not None and current.withdrawn_at is None:
        return current
    params = run.params
    threshold = int(params.get("threshold", 5))
    figures = annual_figures(year=params["year"], service_area=params["service_area"])
    snapshot = tables_snapshot(
        report_tables(figures, threshold=threshold, published=True)
        + equity_published_tables(figures["equity"], threshold=threshold)
    )
    values = {
        "year": params["year"],
        "service_area": params["service_area"],
        "threshold": threshold,
        "tables": snapshot,
        "published_by": actor.user,
        "published_at": clock.now(),
        "withdrawn_by": None,
        "withdrawn_at": None,
    }
    if current is None:
        published = PublishedReport.objects.create(job=run, **values)
    else:
        for name, field_value in values.items():
            setattr(current, name, field_value)
        current.save()
        published = current
    audit_record(
        actor=actor,
        obj=published,
        action="reporting.report_published",
        employer_id=None,
        changes={"run": str(run.public_id), "year": published.year, "service_area": published.service_area},
    )
    return published


@transaction.atomic
def report_withdraw(*, actor: Actor, public_id: uuid.UUID) -> PublishedReport:
    """Take a published report off the public page (national scope); again changes nothing."""
    actor.require(Role.NATIONAL_STAFF)
    published = get_object_or_404(PublishedReport.objects.select_for_update(), public_id=public_id)
    if published.withdrawn_at is None:
        published.withdrawn_at, published.withdrawn_by = clock.now(), actor.user
        published.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            actor=actor,
            obj=published,
            action="reporting.report_withdrawn",
            employer_id=None,
            changes={"year": published.year, "service_area": published.service_area},
        )
    return published


def published_for_runs(run_ids: list[int]) -> dict[int, PublishedReport]:
    """Run id -> its publication on the public page now, for the runs listed (national scope)."""
    return {
        published.job_id: published
        for published in PublishedReport.objects.filter(job_id__in=run_ids, withdrawn_at__isnull=True)
    }


def published_report_get(*, public_id: uuid.UUID) -> PublishedReport:
    """For anyone, signed in or not: a report national staff published and have not withdrawn, else 404.
    Reads this one row in the system national context (the table is national-only); the row holds only
    published figures."""
    with system_national_context():
        found = PublishedReport.objects.filter(public_id=public_id, withdrawn_at__isnull=True).first()
    if found is None:
        raise Http404("No such published report.")
    return found
