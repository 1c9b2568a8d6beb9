"""National staff's pages: every employer, read through the audited national scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from asye import clock
from asye.audit.forms import AuditFilterForm
from asye.audit.readable import kind_choices
from asye.audit.selectors import audit_event_list_national, audit_kinds_national
from asye.audit.views import audit_page_context
from asye.contributions import contributions
from asye.tenancy import selectors
from asye.tenancy.db import system_national_context
from asye.tenancy.models import EmployerType, Region
from asye.tenancy.national import national_view
from asye.web.downloads import Column, list_download


@national_view
def overview(request):
    """The sections the domain apps contribute (``ASYE_CONTRIBUTIONS["national_overview"]``: each module's
    ``overview_sections(actor=, params=)`` returns ``{"template", "context"}`` dicts; reporting's gives the
    registrations of a chosen funding year and service area), and the number of employers on the platform."""
    sections = [
        section
        for module in contributions("national_overview")
        for section in module.overview_sections(actor=request.actor, params=request.GET)
    ]
    employers = selectors.employer_count_national(actor=request.actor)
    return render(
        request, "national/overview.html", {"sections": sections, "employers_on_platform": employers}
    )


def _employer_filters(request) -> dict[str, str]:
    """The employers list's filters from the address: one not offered is ignored."""
    employer_type = request.GET.get("employer_type", "")
    region = request.GET.get("region", "")
    return {
        "employer_type": employer_type if employer_type in EmployerType.values else "",
        "region": region if region in Region.values else "",
        "q": request.GET.get("q", "").strip()[:100],
    }


EMPLOYER_COLUMNS = (
    Column("Employer", lambda e: e.name),
    Column("Employer type", lambda e: e.get_employer_type_display()),
    Column("Region", lambda e: e.get_region_display()),
    Column("NQSWs", lambda e: e.nqsw_count),
    Column("Assessors", lambda e: e.assessor_count),
    Column("Co-ordinators", lambda e: e.coordinator_count),
)


@national_view
def employers(request):
    filters = _employer_filters(request)
    rows = selectors.employer_list_national(actor=request.actor, **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    chosen = {name: value for name, value in filters.items() if value}
    return render(
        request,
        "national/employers.html",
        {
            "page": page,
            "employer_types": EmployerType.choices,
            "regions": Region.choices,
            "filters": filters,
            "download_query": urlencode(chosen),
        },
    )


@national_view
@require_GET
def employers_download(request, kind: str):
    """The employers list as CSV (streamed) or XLSX, with the page's filters applied."""
    employers = selectors.employer_list_national(actor=request.actor, **_employer_filters(request))
    return list_download(
        kind=kind,
        filename=f"employers-{clock.today():%Y-%m-%d}",
        columns=EMPLOYER_COLUMNS,
        rows=lambda: employers.iterator(chunk_size=500),
        title="Employers",
        # The role was checked, and the read audited, by national_view; the streamed body is read after it.
        within=system_national_context,
    )


@national_view
def employer_detail(request, pk: int):
    employer = selectors.employer_get_national(actor=request.actor, pk=pk)
    return render(request, "national/employer_detail.html", {"employer": employer})


@national_view
def audit(request):
    actor = request.actor
    action = request.GET.get("action", "").strip()[:100]
    form = AuditFilterForm(request.GET, kinds=kind_choices(audit_kinds_national(actor=actor)))
    events = audit_event_list_national(actor=actor, action=action, filters=form.values())
    return render(
        request, "national/audit.html", {**audit_page_context(request, events, form), "action": action}
    )
