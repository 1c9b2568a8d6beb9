"""The completion certificate: a PDF made with WeasyPrint once the internal moderation panel has endorsed a
pass. It names the NQSW, their Social Work England number, the employer, the programme and the outcome
date. Callers authorise the reader first (``reviews.views.recommendations.certificate``); nothing here
checks who asks.

WeasyPrint gets the portfolio pack's url fetcher (``portfolios.pack.StaticOnlyURLFetcher``), which reads
only the platform's own static files and ``data:`` URLs: the certificate holds text people typed (names),
and nothing in it may make the server read a file or call an address while rendering.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import HTML

from portfolios.pack import PACK_BASE_URL, StaticOnlyURLFetcher
from programmes.models import Registration
from reviews.selectors import endorsed_recommendation


def certificate_reference(registration: Registration) -> str:
    return f"ASYE-{registration.employer_id}-{registration.pk}"


def certificate_filename(registration: Registration) -> str:
    name = slugify(f"{registration.first_name} {registration.last_name}") or "nqsw"
    return f"asye-completion-certificate-{name}.pdf"


def certificate_html(*, registration: Registration) -> str:
    """The certificate's HTML (the template engine escapes every value)."""
    recommendation = endorsed_recommendation(registration)
    decision = (
        recommendation.decisions.select_related("panel").order_by("-decided_at").first()
        if recommendation
        else None
    )
    return render_to_string(
        "reviews/certificate.html",
        {
            "registration": registration,
            "employer": registration.employer,
            "programme": registration.framework_version.framework.name,
            "outcome_date": registration.outcome_date,
            "panel": decision.panel if decision else None,
            "reference": certificate_reference(registration),
            "service_name": settings.ASYE_SERVICE_NAME,
        },
    )


def certificate_pdf(*, registration: Registration) -> bytes:
    """The completion certificate of an endorsed pass, as PDF bytes."""
    html = certificate_html(registration=registration)
    return HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf()
