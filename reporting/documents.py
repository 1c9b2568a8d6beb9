"""The annual report as files: the PDF (WeasyPrint) and the workbook (openpyxl, one sheet a table, written
in write-only mode), both made from the published tables (small counts suppressed), and any one table as
CSV. Used by the report job (``reporting.jobs``), the command and the CSV download."""

from __future__ import annotations

import csv
import importlib
import io
from urllib.parse import urlsplit

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from asye import clock
from asye.web.downloads import safe_text
from evaluations.composite import MIN_EMPLOYERS_FOR_EMPLOYERS, MIN_RESPONSES
from reporting.charts import report_charts
from reporting.quality_tables import QUALITY_KEYS
from reporting.registrations import service_area_label
from reporting.tables import MONEY, Table, report_tables
from surveys.selectors import MINIMUM_RESPONSES

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def method_text(threshold: int) -> list[str]:
    """The method and the suppression rule, stated in every published output."""
    return [
        "NQSWs registered are the registrations whose funding year (cohort) is the year, for the service "
        "area shown, whatever their status or funding decision since. A transfer to another employer "
        "continues a registration and is not counted again.",
        "Employers registering are the employers with at least one such registration in the year, not "
        "every employer on the platform.",
        "Regions are the employer's. North is the North East, North West and Yorkshire and Humber; "
        "Midlands is the East of England, East Midlands and West Midlands; South is the South East, "
        "South West and London. Shares are of the total, to the nearest whole per cent.",
        f"Disclosure control: counts from 1 to {threshold - 1} are not published and are shown as [c]. "
        "Where a total or a North, Midlands or South figure would reveal a suppressed count by subtraction, "
        "further counts (the smallest first) are suppressed too, so that every published total with a "
        "suppressed count has at least two. Shares and changes worked out from a suppressed count are "
        "suppressed with it. Zero is published. Money totals are not suppressed.",
        "Moderation findings count NQAP moderation cases of the year's registrations whose findings have "
        "been sent to the employer. Funding is by the funding year claims are paid from: claimed is every "
        "submitted claim, paid the claims paid, outstanding those not yet paid.",
        "The same figure is suppressed in every table that shows it (the total of NQSWs, for example, is "
        "the total of the employer-type and region tables, a row of the service-area table and a year of "
        "the trend), and the suppression is checked across all the tables together, so that no suppressed "
        "count can be worked out by adding or subtracting published figures from different tables.",
        "The 360-degree evaluation's national composite is the mean of the included employers' scores for "
        "each statement (an employer is included when its self-assessment answers every statement and at "
        f"least {MIN_RESPONSES} others responded); a theme's average is the mean of its statements'. It is "
        f"not published when fewer than {MIN_EMPLOYERS_FOR_EMPLOYERS} employers are included. Survey "
        "response rates are responses over invitations sent, given where at least "
        f"{MINIMUM_RESPONSES} people answered. Forum attendance counts the places "
        "booked at sessions held in the year and the attendance organisers recorded.",
    ]


def _title(figures: dict) -> str:
    return f"ASYE annual report {figures['year']}: {service_area_label(figures['service_area']).lower()}"


class DataOnlyURLFetcher(URLFetcher):
    """The report's PDF loads nothing from anywhere: data: URLs only."""

    def fetch(self, url, headers=None):
        if urlsplit(url).scheme.lower() != "data":
            raise ValueError(f"The annual report loads no files: {url[:200]}")
        return super().fetch(url, headers)


EQUITY_TABLES_MODULE = "reporting.equity_tables"


def _equity_published(equity: dict | None, *, threshold: int) -> dict | None:
    """The equity section as published, from ``reporting.equity_tables`` (the equity analysis's own
    disclosure control): None when there is no equity section or no way to publish it safely, so that
    exact small counts never reach a published file."""
    if not equity:
        return None
    try:
        module = importlib.import_module(EQUITY_TABLES_MODULE)
    except ImportError:
        return None
    tables = module.equity_tables(equity["summary"], threshold=threshold, published=True)
    charts = module.equity_charts(tables) if hasattr(module, "equity_charts") else {}
    return {
        "cohorts": equity["cohorts"],
        "overview": tables.get("overview", []),
        "sections": [(table, charts.get(table.key)) for table in tables["breakdowns"] + tables["trends"]],
        "regression": tables.get("regression", []),
    }


def annual_report_html(figures: dict, *, threshold: int) -> str:
    tables = report_tables(figures, threshold=threshold, published=True)
    charts = report_charts(tables)
    return render_to_string(
        "reporting/annual_report_pdf.html",
        {
            "title": _title(figures),
            "figures": figures,
            "sections": [(table, charts.get(table.key)) for table in tables],
            "method": method_text(threshold),
            "threshold": threshold,
            "equity": figures.get("equity"),
            "equity_published": _equity_published(figures.get("equity"), threshold=threshold),
            "quality_keys": QUALITY_KEYS,
            "generated_at": clock.now(),
        },
    )


def annual_report_pdf(figures: dict, *, threshold: int) -> bytes:
    html = annual_report_html(figures, threshold=threshold)
    return HTML(
        string=html, base_url="https://report.asye.invalid/", url_fetcher=DataOnlyURLFetcher()
    ).write_pdf()


SHEET_NAMES = {
    "trend": "Trend",
    "by_employer_type": "By employer type",
    "by_region": "By region",
    "region_groups": "North, Midlands, South",
    "by_service_area": "By service area",
    "moderation": "Moderation findings",
    "funding": "Funding by year",
    "evaluation": "360 evaluation",
    "surveys": "Survey response rates",
    "forums": "Forum attendance",
}
_NOT_IN_SHEET_NAMES = str.maketrans("", "", ":\\/?*[]")


def _sheet_title(table: Table, used: set[str]) -> str:
    base = SHEET_NAMES.get(table.key) or table.title.translate(_NOT_IN_SHEET_NAMES)[:28].strip() or "Table"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:25]} {n}", n + 1
    used.add(title)
    return title


def _value(cell):
    if cell.value is None:
        return cell.plain
    if cell.kind == MONEY:
        return float(cell.value)
    return cell.value


def annual_report_xlsx(figures: dict, *, threshold: int, progress=None) -> bytes:
    """One sheet a table (the equity analysis's published tables too, when there are some), and an 'About'
    sheet with the method and the suppression rule."""
    tables = report_tables(figures, threshold=threshold, published=True)
    equity = _equity_published(figures.get("equity"), threshold=threshold)
    if equity:
        tables += [table for table, _ in equity["sections"]]
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet("About")
    bold = Font(bold=True)

    def heading(sheet, text):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    about.append([heading(about, _title(figures))])
    about.append([f"Made {clock.now():%d %B %Y %H:%M} (UTC)"])
    for paragraph in method_text(threshold):
        about.append([paragraph])
    used: set[str] = {"About"}
    for done, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(_sheet_title(table, used))
        sheet.append([heading(sheet, table.title)])
        sheet.append([heading(sheet, table.row_header), *(heading(sheet, c) for c in table.columns)])
        for row in table.rows:
            sheet.append([row.label, *(_value(cell) for cell in row.cells)])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        if progress:
            progress(done, len(tables))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_csv(table: Table) -> bytes:
    """One table as CSV (UTF-8 with a byte order mark, for spreadsheet programs)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([table.row_header, *table.columns])
    for row in table.rows:
        writer.writerow([safe_text(row.label), *(cell.plain for cell in row.cells)])
    return ("\ufeff" + out.getvalue()).encode()
