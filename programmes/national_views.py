"""National staff's registrations to review: every registration awaiting funding approval or needing a
national review, across employers, and the decision on each.

The pages run in the audited national scope (``national_view``) and render inside it. National staff
may see both registrations of a person registered twice; the employers never learn of each other: the
reason a national reviewer writes when rejecting is the only text the employer sees.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye.tenancy.national import national_view
from asye.web.flow import form_flow
from asye.web.forms import posted
from programmes.forms import NEEDS_REVIEW_LABEL, FundingDecisionForm, NationalQueueFilterForm, hours_text
from programmes.search import chosen_filters, list_search_context, national_search_record
from programmes.selectors import (
    EVERY_REGISTRATION,
    PENDING_FUNDING,
    registration_duplicates_national,
    registration_get_national,
    registration_review_queue_national,
    registration_review_years_national,
)
from programmes.services import registration_funding_decide
from programmes.views import FUNDING_TAG_COLOURS, STATUS_TAG_COLOURS

# --- Pages ---------------------------------------------------------------------------------------


@national_view
@require_GET
def review_list(request):
    return review_list_page(request)


def review_list_page(request, *, params=None, bulk_error: str = ""):
    """The registrations to review (or every registration), filtered and searched by ``params`` (the GET,
    or the bulk form's POST when it comes back with ``bulk_error``); those to decide can be ticked."""
    actor = request.actor
    params = request.GET if params is None else params
    funding_years = registration_review_years_national(actor=actor)
    filters = NationalQueueFilterForm(params, funding_years=funding_years).values()
    form = NationalQueueFilterForm(initial=filters, funding_years=funding_years)
    national_search_record(actor=actor, where="national registrations", value=filters["q"])
    page = Paginator(registration_review_queue_national(actor=actor, filters=filters), 50).get_page(
        params.get("page")
    )
    chosen = chosen_filters(filters)
    return render(
        request,
        "programmes/national_list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {
                    "registration": r,
                    "funding_colour": "yellow"
                    if r.needs_review
                    else FUNDING_TAG_COLOURS.get(r.funding_status, "grey"),
                    "funding_label": NEEDS_REVIEW_LABEL if r.needs_review else r.get_funding_status_display(),
                }
                for r in page.object_list
            ],
            **list_search_context(filters, page, ("registration", "registrations")),
            "every": filters["funding_status"] == EVERY_REGISTRATION,
            "chosen": sorted(chosen.items()),
            "can_bulk": filters["funding_status"] != EVERY_REGISTRATION and page.paginator.count > 0,
            "bulk_error": bulk_error,
            "selected": set(params.getlist("registrations")) if hasattr(params, "getlist") else set(),
        },
    )


def _verdict(form) -> str:
    approved = form.cleaned_data["decision"] == "approve"
    return "approved for funding" if approved else "not approved for funding"


@national_view
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    actor = request.actor
    registration = registration_get_national(actor=actor, pk=pk)
    # Undecided, or a possible duplicate (an open national review) to decide.
    pending = registration.funding_status in PENDING_FUNDING or registration.needs_review
    form = FundingDecisionForm(posted(request))
    status = 200
    if pending:

        def decide(data):
            try:
                approve = data["decision"] == "approve"
                return registration_funding_decide(
                    actor=actor, registration_id=registration.pk, approve=approve, note=data["note"]
                )
            except PermissionDenied as refusal:  # their own employer's registration: said on the page
                raise ValidationError(str(refusal)) from refusal

        flow = form_flow(
            request,
            form,
            save=decide,
            done=lambda _saved: redirect("national_registrations:list"),
            message=lambda _saved: f"The registration of {registration.full_name} is {_verdict(form)}",
        )
        if flow.response:
            return flow.response
        form, status = flow.form, flow.status
    related = registration_duplicates_national(actor=actor, registration=registration)
    return render(
        request,
        "programmes/national_detail.html",
        {
            "registration": registration,
            "pending": pending,
            "form": form,
            "funding_colour": FUNDING_TAG_COLOURS.get(registration.funding_status, "grey"),
            "needs_review_label": NEEDS_REVIEW_LABEL if registration.needs_review else "",
            "hours": hours_text(registration.contracted_hours),
            "reviews": related["reviews"],
            "others": [
                {
                    "registration": other,
                    "funding_colour": FUNDING_TAG_COLOURS.get(other.funding_status, "grey"),
                    "status_colour": STATUS_TAG_COLOURS.get(other.status, "grey"),
                }
                for other in related["others"]
            ],
        },
        status=status,
    )
