"""The co-ordinator's list of support needs (#18 items 2 and 8): searched by the NQSW's name, email or Social
Work England number (``programmes.search``), filtered by status, paged with GOV.UK pagination, and
downloaded as CSV or XLSX with the same filters (``asye.web.downloads``).

Neither the page nor the file ever holds what the NQSW wrote about their need: only its kind, status and
dates, and whether they chose to share it (the detail is read on the need's own page, and only when
shared). Another employer's needs never appear: the list reads through ``support_need_list``.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from asye import clock
from asye.accounts.models import Role
from asye.web.decorators import employer_view
from asye.web.downloads import Column, queryset_download
from asye.web.forms import FilterForm
from programmes.download_views import nqsw_columns
from programmes.search import list_search_context, search_field
from programmes.support_selectors import days_waiting, support_need_search_list, support_need_views

PAGE_SIZE = 50
NOUN = ("support need", "support needs")


class SupportNeedFilterForm(FilterForm):
    """The list's filters (a GET form): anything not recognised is ignored, not an error."""

    q = search_field()
    status = forms.ChoiceField(
        label="Status",
        choices=[
            ("", "Not resolved yet (requested or being arranged)"),
            ("resolved", "Resolved (in place, declined or withdrawn)"),
            ("all", "Any status"),
        ],
        required=False,
    )


def _filtered(request):
    filters = SupportNeedFilterForm(request.GET).values()
    # Shown unbound: a filter that is not offered is ignored, not reported as an error.
    form = SupportNeedFilterForm(initial=filters)
    return support_need_search_list(actor=request.actor, filters=filters), filters, form


@employer_view(Role.COORDINATOR)
@require_GET
def support_needs(request):
    """The co-ordinator's list of support needs, longest waiting first (open ones unless filtered). Never
    the detail."""
    today = clock.today()
    needs, filters, form = _filtered(request)
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/needs.html",
        {
            "form": form,
            "page": page,
            "needs": support_need_views(page.object_list, actor=request.actor, today=today),
            **list_search_context(filters, page, NOUN),
        },
    )


def _columns(today) -> tuple[Column, ...]:
    return (
        *nqsw_columns(lambda n: n.registration),
        Column("Support", lambda n: n.get_kind_display()),
        Column("Status", lambda n: n.get_status_display()),
        Column("Asked for on", lambda n: n.requested_on),
        Column("Resolved on", lambda n: n.resolved_on or ""),
        Column("Days waiting", lambda n: days_waiting(n, today=today)),
        Column("Details shared with you", lambda n: n.detail_shared),
    )


@employer_view(Role.COORDINATOR)
@require_GET
def support_needs_download(request, kind: str):
    """The list's support needs, filtered and searched as the page was, as CSV (streamed) or XLSX."""
    today = clock.today()
    needs, _filters, _form = _filtered(request)
    return queryset_download(
        request,
        kind=kind,
        name="support-needs",
        columns=_columns(today),
        queryset=needs,
        title="Support needs",
    )
