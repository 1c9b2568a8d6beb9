"""National staff's pages: every employer, read through the audited national scope."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from asye.audit.selectors import audit_event_list_national
from asye.tenancy import selectors
from asye.tenancy.models import EmployerType, Region
from asye.tenancy.national import national_view


@national_view
def overview(request):
    summary = selectors.employer_summary_national(actor=request.actor)
    tables = [("By employer type", summary["by_type"]), ("By region", summary["by_region"])]
    return render(request, "national/overview.html", {"tables": tables})


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
    action = request.GET.get("action", "").strip()[:100]
    events = audit_event_list_national(actor=request.actor, action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "national/audit.html", {"page": page, "action": action})
