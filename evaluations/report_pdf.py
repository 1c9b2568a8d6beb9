"""The employer's report as a page's context and as a PDF (WeasyPrint, with the portfolio pack's url
fetcher, which reads only the platform's own static files). The PDF holds only figures: 33 rows, made in
well under a second, so it is made in the request. Callers authorise the reader first."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import HTML

from evaluations.composite import MIN_RESPONSES
from evaluations.models import EvaluationCycle, RespondentType
from evaluations.scoring import MIN_GROUP
from evaluations.selectors import EmployerReport
from portfolios.pack import PACK_BASE_URL, StaticOnlyURLFetcher

TYPE_LABELS = dict(RespondentType.choices)


def report_context(result: EmployerReport) -> dict:
    figures = result.figures
    return {
        "cycle": result.cycle,
        "figures": figures,
        "columns": [
            (column, TYPE_LABELS[column], figures.responses.get(column, 0)) for column in figures.columns
        ],
        "hidden_types": [(TYPE_LABELS[t], figures.responses[t]) for t in figures.hidden_types],
        "national_label": result.national_label,
        "last_year_label": result.last_year_label,
        "min_group": MIN_GROUP,
        "min_responses": MIN_RESPONSES,
        "service_name": settings.ASYE_SERVICE_NAME,
    }


def filename(cycle: EvaluationCycle) -> str:
    return f"360-evaluation-{slugify(cycle.employer.name)}-{cycle.year_label}.pdf"


def report_pdf(result: EmployerReport) -> bytes:
    html = render_to_string("evaluations/report_pdf.html", report_context(result))
    return HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf()
