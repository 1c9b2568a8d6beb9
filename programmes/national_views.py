"""National staff's registrations to review: every registration awaiting funding approval or needing a
national review, across employers, and the decision on each.

The pages run in the audited national scope (``national_view``) and render inside it. National staff
may see both registrations of a person registered twice; the employers never learn of each other: the
reason a national reviewer writes when rejecting is the only text the employer sees.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.national import national_view
from asye.web.forms import add_service_errors
from programmes.forms import FundingDecisionForm, NationalQueueFilterForm, hours_text
from programmes.models import FundingStatus, NationalReview, Registration
from programmes.services import registration_funding_decide
from programmes.views import FUNDING_TAG_COLOURS, STATUS_TAG_COLOURS

PENDING = (FundingStatus.AWAITING_APPROVAL, FundingStatus.NEEDS_REVIEW)

# --- Reads (national selectors: evaluate inside the national scope) ------------------------------


def registration_review_queue_national(*, actor: Actor, filters: dict[str, str]) -> QuerySet[Registration]:
    """Every employer's registrations whose funding is still to be decided, oldest first."""
    actor.require(Role.NATIONAL_STAFF)
    registrations = (
        Registration.objects.filter(funding_status__in=PENDING)
        .select_related("employer", "framework_version__framework")
        .order_by("created_at", "id")
    )
    if filters.get("funding_status") in PENDING:
        registrations = registrations.filter(funding_status=filters["funding_status"])
    if filters.get("funding_year"):
        registrations = registrations.filter(funding_year=filters["funding_year"])
    if filters.get("employer_type"):
        registrations = registrations.filter(employer__employer_type=filters["employer_type"])
    if filters.get("region"):
        registrations = registrations.filter(employer__region=filters["region"])
    return registrations


def registration_get_national(*, actor: Actor, pk: int) -> Registration:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(
        Registration.objects.select_related("employer", "framework_version__framework", "assessor"), pk=pk
    )


def registration_duplicates_national(*, actor: Actor, registration: Registration) -> dict:
    """The national reviews of a registration and every other registration of the same person."""
    actor.require(Role.NATIONAL_STAFF)
    reviews = list(
        NationalReview.objects.filter(Q(registration=registration) | Q(other_registration=registration))
        .select_related("registration__employer", "other_registration__employer", "decided_by")
        .order_by("created_at", "id")
    )
    others = list(
        Registration.objects.filter(swe_number=registration.swe_number)
        .exclude(pk=registration.pk)
        .select_related("employer")
        .order_by("start_date", "id")
    )
    return {"reviews": reviews, "others": others}


# --- Pages ---------------------------------------------------------------------------------------


@national_view
@require_GET
def review_list(request):
    actor = request.actor
    funding_years = list(
        Registration.objects.filter(funding_status__in=PENDING)
        .order_by("-funding_year")
        .values_list("funding_year", flat=True)
        .distinct()
    )
    filters = NationalQueueFilterForm(request.GET, funding_years=funding_years).values()
    form = NationalQueueFilterForm(initial=filters, funding_years=funding_years)
    page = Paginator(registration_review_queue_national(actor=actor, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    chosen = {name: value for name, value in filters.items() if value}
    return render(
        request,
        "programmes/national_list.html",
        {
            "form": form,
            "page": page,
            "rows": [
                {"registration": r, "funding_colour": FUNDING_TAG_COLOURS.get(r.funding_status, "grey")}
                for r in page.object_list
            ],
            "filtered": bool(chosen),
            "query": urlencode(chosen) + "&" if chosen else "",
        },
    )


@national_view
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    actor = request.actor
    registration = registration_get_national(actor=actor, pk=pk)
    pending = registration.funding_status in PENDING
    form = FundingDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and pending and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            registration_funding_decide(
                actor=actor, registration_id=registration.pk, approve=approve, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            verdict = "approved for funding" if approve else "not approved for funding"
            messages.success(request, f"The registration of {registration.full_name} is {verdict}")
            return redirect("national_registrations:list")
    related = registration_duplicates_national(actor=actor, registration=registration)
    return render(
        request,
        "programmes/national_detail.html",
        {
            "registration": registration,
            "pending": pending,
            "form": form,
            "funding_colour": FUNDING_TAG_COLOURS.get(registration.funding_status, "grey"),
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
    )
