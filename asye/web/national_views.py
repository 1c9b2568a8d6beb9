"""National staff's pages: every employer, read through the audited national scope."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from asye.audit.forms import AuditFilterForm
from asye.audit.readable import kind_choices
from asye.audit.selectors import audit_event_list_national, audit_kinds_national
from asye.audit.views import audit_page_context
from asye.contributions import contributions
from asye.tenancy import selectors
from asye.tenancy.models import EmployerType, Region
from asye.tenancy.national import national_view


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


@national_view
def employers(request):
    employer_type = request.GET.get("employer_type", "")
    region = request.GET.get("region", "")
    q = request.GET.get("q", "").strip()[:100]
    employer_type = employer_type if employer_type in EmployerType.values else ""
    region = region if region in Region.values else ""
    rows = selectors.employer_list_national(
        actor=request.actor, employer_type=employer_type, region=region, q=q
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "national/employers.html",
        {
            "page": page,
            "employer_types": EmployerType.choices,
            "regions": Region.choices,
            "filters": {"employer_type": employer_type, "region": region, "q": q},
        },
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
