"""The annual report's figures, gathered once for every output: the registrations, the quality figures,
the equity section when ``reporting.equity`` provides it, and what a publication would suppress.

``annual_figures`` reads (inside a national scope); ``annual_json`` is the internal JSON that
``manage.py national_report --format json`` prints: exact counts, and the cells a publication hides.
"""

from __future__ import annotations

import importlib
import logging

from reporting.quality import funding_by_year, moderation_findings
from reporting.quality_support import support_figures
from reporting.registrations import BOTH, registrations_report
from reporting.tables import report_tables

logger = logging.getLogger(__name__)

# The equity analysis (another part of issue #16) plugs in here when its module exists: the report
# includes ``reporting.equity.equity_summary(cohorts)`` as its own section, and nothing else is assumed.
EQUITY_MODULE = "reporting.equity"
EQUITY_COHORTS = 3  # the three cohorts before the report's year, as the annual report analyses


def equity_cohorts(year: str) -> list[str]:
    """The cohorts the report's equity section covers: the three before ``year`` (whose outcomes are in)."""
    start = int(year[:4])
    return [f"{y}-{str(y + 1)[-2:]}" for y in range(start - EQUITY_COHORTS - 1, start - 1)]


def equity_section(year: str):
    """``reporting.equity.equity_summary(cohorts)`` if that module provides it, else None."""
    try:
        module = importlib.import_module(EQUITY_MODULE)
    except ImportError:
        return None
    summary = getattr(module, "equity_summary", None)
    if summary is None:
        return None
    cohorts = equity_cohorts(year)
    return {"cohorts": cohorts, "summary": summary(cohorts)}


def quality_section(*, year: str, service_area: str = BOTH) -> dict:
    """Moderation findings and funding (for the service area), and the support programme's 360 composite,
    survey response rates and forum attendance (national, for every service area)."""
    return {
        "moderation": moderation_findings(year=year, service_area=service_area),
        "funding": funding_by_year(service_area=service_area),
        **support_figures(year=year),
    }


def annual_figures(*, year: str, service_area: str = BOTH, with_equity: bool = True) -> dict:
    """Every figure of the annual report for ``year`` and ``service_area``, exact."""
    return {
        "year": year,
        "service_area": service_area,
        "registrations": registrations_report(year=year, service_area=service_area),
        "quality": quality_section(year=year, service_area=service_area),
        "equity": equity_section(year) if with_equity else None,
    }


def _rows(rows: list[dict], name: str) -> list[dict]:
    return [{name: row["label"], "employers": row["employers"], "nqsws": row["nqsws"]} for row in rows]


def annual_json(figures: dict, *, threshold: int) -> dict:
    """The internal JSON: exact counts, and under ``disclosure`` every cell a publication would hide."""
    registrations = figures["registrations"]
    tables = report_tables(figures, threshold=threshold, published=False)
    quality = figures["quality"]
    return {
        "year": figures["year"],
        "registrations": {
            "total": registrations["total"],
            "employers": registrations["employers"],
            "by_employer_type": _rows(registrations["by_employer_type"], "employer_type"),
            "by_region": _rows(registrations["by_region"], "region"),
        },
        "service_area": figures["service_area"],
        "region_groups": [
            {
                key: group[key]
                for key in ("label", "regions", "employers", "nqsws", "employers_share", "nqsws_share")
            }
            for group in registrations["region_groups"]
        ],
        "by_service_area": _rows(registrations["by_service_area"], "service_area"),
        "trend": registrations["trend"],
        "quality": {
            "moderation": quality["moderation"],
            "funding": [
                {key: (str(value) if key != "year" else value) for key, value in row.items()}
                for row in quality["funding"]
            ],
            "evaluation": quality["evaluation"],
            "surveys": quality["surveys"],
            "forums": quality["forums"],
        },
        "equity": figures["equity"],
        "disclosure": {
            "threshold": threshold,
            "would_suppress": [
                {"table": table.key, **cell} for table in tables for cell in table.hidden_cells
            ],
        },
    }
