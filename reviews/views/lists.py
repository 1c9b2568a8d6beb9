"""The list of every review a person may see (#18 items 2 and 8): searched by the NQSW's name, email or
Social Work England number (``programmes.search``), filtered by status and review point, paged with GOV.UK
pagination, and downloaded as CSV or XLSX with the same filters (``asye.web.downloads``).

The list reads through ``reviews.selectors.review_search_list``, which starts from the registrations the
person may see: a co-ordinator every one of the employer's, an assessor, line manager or NQSW only those
that name them. Another employer's reviews never appear, on the page or in the file.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from asye import clock
from asye.accounts.models import Role
from asye.tenancy.db import tenant_context
from asye.web.decorators import employer_view
from asye.web.downloads import Column, list_download
from programmes.download_views import nqsw_columns
from programmes.search import result_count_text, search_text
from programmes.selectors import OPEN_STATUSES, registration_list, registrations_with_deferrals
from reviews import selectors
from reviews.forms import ReviewListFilterForm
from reviews.models import Review
from reviews.services import reviews as review_services
from reviews.views.reviews import ANYONE, OUTCOME_COLOURS, STATUS_COLOURS

PAGE_SIZE = 50
CHUNK = 500
NOUN = ("review", "reviews")


def _review_name(review: Review) -> str:
    if review.extra:
        return f"Extra review after the {review.month}-month review"
    return f"{review.month}-month review"


def _status(review: Review, today) -> str:
    if selectors.review_not_open_yet(review, today):
        return "Not due yet"
    return review.get_status_display()


def _columns(today) -> tuple[Column, ...]:
    return (
        *nqsw_columns(lambda r: r.registration),
        Column("Programme", lambda r: r.registration.framework_version.framework.name),
        Column("Assessor", lambda r: r.registration.assessor.full_name if r.registration.assessor else ""),
        Column("Review", _review_name),
        Column("Due on", lambda r: r.due_on),
        Column("Held on", lambda r: r.held_on or ""),
        Column("Status", lambda r: _status(r, today)),
        Column("Overdue", lambda r: selectors.review_is_overdue(r, today)),
        Column("Outcome", lambda r: r.get_outcome_display() if r.assessor_signed_at else ""),
    )


def _filtered(request, today) -> tuple:
    """The reviews with the request's filters applied, the filters' values and the (unbound) form."""
    actor = request.actor
    months = selectors.review_months(actor=actor)
    filters = ReviewListFilterForm(request.GET, months=months).values()
    # Shown unbound: a filter that is not offered is ignored, not reported as an error.
    form = ReviewListFilterForm(initial=filters, months=months)
    return selectors.review_search_list(actor=actor, filters=filters, today=today), filters, form


@employer_view(*ANYONE)
@require_GET
def review_list_page(request):
    """Every review of the NQSWs the person works with, searched and filtered, 50 a page."""
    actor = request.actor
    today = clock.today()
    # The reviews of open programmes exist, due when their timelines say, before the page lists them (as
    # on the reviews page).
    mine = registration_list(actor=actor).filter(status__in=OPEN_STATUSES)
    review_services.reviews_schedule(
        actor=actor, registrations=list(registrations_with_deferrals(mine)), today=today
    )
    reviews, filters, form = _filtered(request, today)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "review": review,
            "status_colour": STATUS_COLOURS[review.status],
            "outcome_colour": OUTCOME_COLOURS.get(review.outcome, "grey"),
            "overdue": selectors.review_is_overdue(review, today),
            "not_due": selectors.review_not_open_yet(review, today),
        }
        for review in page.object_list
    ]
    chosen = {name: value for name, value in filters.items() if value}
    return render(
        request,
        "reviews/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": bool(chosen),
            "search": search_text(filters["q"]),
            "search_result": result_count_text(page.paginator.count, NOUN, filters["q"]),
            "download_query": urlencode(chosen),
            "nqsw_only": not actor.has_role(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER),
        },
    )


@employer_view(*ANYONE)
@require_GET
def review_list_download(request, kind: str):
    """The reviews of the list, filtered and searched as the page was, as CSV (streamed) or XLSX."""
    today = clock.today()
    reviews, _filters, _form = _filtered(request, today)
    employer_id = request.actor.employer_id
    return list_download(
        kind=kind,
        filename=f"reviews-{today:%Y-%m-%d}",
        columns=_columns(today),
        rows=lambda: reviews.iterator(chunk_size=CHUNK),
        title="Reviews",
        within=lambda: tenant_context(employer_id),
    )
