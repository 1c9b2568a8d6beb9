"""The registration lists as spreadsheets (#18 item 8): the dashboard's NQSWs (``/registrations/``) and
national staff's registrations (``/national/registrations/``), each as CSV or XLSX with the page's filters
and search applied, through the one download helper (``asye.web.downloads``: formula injection
neutralised, the CSV streamed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.views.decorators.http import require_GET

from asye import clock
from asye.tenancy.national import national_view
from asye.web.decorators import employer_view
from asye.web.downloads import EMPLOYER_COLUMNS, Column, queryset_download
from programmes.forms import NationalQueueFilterForm
from programmes.models import Registration
from programmes.progress_store import progress_catch_up
from programmes.search import national_search_record
from programmes.selectors import (
    registration_list,
    registration_review_queue_national,
    registration_review_years_national,
)
from programmes.views import VIEWER_ROLES, dashboard_registrations


def _person(user) -> str:
    return (user.full_name or user.email) if user is not None else ""


def nqsw_columns(registration: Callable[[Any], Registration] = lambda row: row) -> tuple[Column, ...]:
    """The NQSW's name, email and Social Work England number, the first columns of every list of NQSWs or
    of their records (``registration(row)`` reads a row's registration)."""
    return (
        Column("First name", lambda row: registration(row).first_name),
        Column("Last name", lambda row: registration(row).last_name),
        Column("Email", lambda row: registration(row).email),
        Column("Social Work England number", lambda row: registration(row).swe_number),
    )


COLUMNS = (
    *nqsw_columns(),
    Column("Programme", lambda r: r.framework_version.framework.name),
    Column("Start date", lambda r: r.start_date),
    Column("Contracted hours", lambda r: r.contracted_hours),
    Column("Status", lambda r: r.get_status_display()),
    Column("Funding year", lambda r: r.funding_year),
    Column("Funding", lambda r: r.get_funding_status_display()),
)
DASHBOARD_COLUMNS = (
    *COLUMNS,
    Column("Assessor", lambda r: _person(r.assessor)),
    Column("Line manager", lambda r: _person(r.line_manager)),
    Column("Next due", lambda r: r.next_due_label),
    Column("Next due on", lambda r: r.next_due_on),
)
NATIONAL_COLUMNS = (
    *EMPLOYER_COLUMNS,
    *COLUMNS,
    Column("Needs national review", lambda r: bool(r.needs_review)),
)


@employer_view(*VIEWER_ROLES)
@require_GET
def registrations_download(request, kind: str):
    """The dashboard's NQSWs the person may see, filtered and searched as the page was."""
    # What is due next is kept on each registration: worked out for today first, as the page does.
    progress_catch_up(registration_list(actor=request.actor), today=clock.today())
    registrations, _filters, _form = dashboard_registrations(request)
    return queryset_download(
        request,
        kind=kind,
        name="registrations",
        columns=DASHBOARD_COLUMNS,
        queryset=registrations,
        title="Registrations",
    )


@national_view
@require_GET
def national_registrations_download(request, kind: str):
    """National staff's registrations, filtered and searched as the page was (the search audited)."""
    actor = request.actor
    years = registration_review_years_national(actor=actor)
    filters = NationalQueueFilterForm(request.GET, funding_years=years).values()
    national_search_record(actor=actor, where="national registrations download", value=filters["q"])
    return queryset_download(
        request,
        kind=kind,
        name="national-registrations",
        columns=NATIONAL_COLUMNS,
        queryset=registration_review_queue_national(actor=actor, filters=filters),
        title="Registrations",
        national=True,
    )
