"""The published annual report: national staff publish a run and withdraw it (``/national/reports/``,
audited), and anyone, signed in or not, reads what is published at ``/reports/`` (namespace
``published_reports``). The public pages read only ``PublishedReport`` rows: suppressed tables, never an
exact small count. A report shows its registrations, its quality and funding figures and, when it was
published with one, its outcomes and equity section (``reporting.equity_tables``), each table with its
chart and the chart's text description."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from asye.tenancy.db import system_national_context
from asye.tenancy.national import national_view
from reporting.charts import report_charts
from reporting.documents import method_text
from reporting.equity_tables import BREAKDOWN_PREFIX, equity_table_charts
from reporting.models import PublishedReport
from reporting.publishing import published_report_get, report_publish, report_withdraw, tables_from_snapshot
from reporting.quality_tables import QUALITY_KEYS
from reporting.registrations import service_area_label


@national_view
@require_POST
def publish(request, pk):
    published = report_publish(actor=request.actor, run_id=pk)
    messages.success(request, f"The {published.year} report is published at its public page")
    return redirect("reports:index")


@national_view
@require_POST
def withdraw(request, pk):
    withdrawn = report_withdraw(actor=request.actor, public_id=pk)
    messages.success(request, f"The {withdrawn.year} report is no longer published")
    return redirect("reports:index")


def _title(year: str, service_area: str) -> str:
    return f"ASYE annual report {year}: {service_area_label(service_area).lower()}"


@require_safe
def published_list(request):
    with system_national_context():
        reports = list(
            PublishedReport.objects.filter(withdrawn_at__isnull=True).values(
                "public_id", "year", "service_area", "published_at"
            )
        )
    for report in reports:
        report["title"] = _title(report["year"], report["service_area"])
    return render(request, "reporting/published_list.html", {"reports": reports})


@require_safe
def published_report(request, pk):
    published = published_report_get(public_id=pk)
    tables = tables_from_snapshot(published.tables)
    charts = {**report_charts(tables), **equity_table_charts(tables)}
    sections = [(table, charts.get(table.key)) for table in tables]
    equity = [s for s in sections if s[0].key.startswith(BREAKDOWN_PREFIX)]
    return render(
        request,
        "reporting/published_report.html",
        {
            "published": published,
            "title": _title(published.year, published.service_area),
            "parts": [
                (heading, anchor, part)
                for heading, anchor, part in [
                    (
                        "Registrations",
                        "registrations",
                        [s for s in sections if s[0].key not in QUALITY_KEYS and s not in equity],
                    ),
                    ("Quality and funding", "quality", [s for s in sections if s[0].key in QUALITY_KEYS]),
                    # Reports published before the equity section was published have none.
                    ("Outcomes and equity", "equity", equity),
                ]
                if part or anchor != "equity"
            ],
            "method": method_text(published.threshold),
        },
    )
