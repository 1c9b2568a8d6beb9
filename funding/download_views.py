"""The claims lists as spreadsheets (#18 item 8): the co-ordinator's claims (``/funding/claims/``) and
national staff's (``/national/funding/claims/``), as CSV or XLSX with the page's filters and search applied,
through the one download helper (``asye.web.downloads``: formula injection neutralised, the CSV streamed,
money as numbers formatted in pounds)."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from asye.accounts.models import Role
from asye.tenancy.national import national_view
from asye.web.decorators import employer_view
from asye.web.downloads import EMPLOYER_COLUMNS, Column, queryset_download
from funding.national_views import claims_filtered_national
from funding.views import claims_filtered

COLUMNS = (
    Column("Claim", lambda c: c.reference),
    Column("NQSW", lambda c: c.registration.full_name),
    Column("Social Work England number", lambda c: c.registration.swe_number),
    Column("Instalment", lambda c: c.get_instalment_display()),
    Column("Funding year", lambda c: str(c.funding_year)),
    Column("Status", lambda c: c.get_status_display()),
    Column("Reason", lambda c: c.reason),
    Column("Submitted", lambda c: c.submitted_at.date() if c.submitted_at else ""),
    Column("Amount", lambda c: c.amount, money=True),
)
NATIONAL_COLUMNS = (*EMPLOYER_COLUMNS, *COLUMNS)


@employer_view(Role.COORDINATOR)
@require_GET
def claims_download(request, kind: str):
    """The employer's claims, filtered and searched as the page was."""
    claims, _filters, _form = claims_filtered(request)
    return queryset_download(
        request, kind=kind, name="claims", columns=COLUMNS, queryset=claims, title="Claims"
    )


@national_view
@require_GET
def national_claims_download(request, kind: str):
    """Every employer's claims, filtered and searched as national staff's page was (the search audited)."""
    claims, _filters, _form = claims_filtered_national(
        actor=request.actor, params=request.GET, where="national claims download"
    )
    return queryset_download(
        request,
        kind=kind,
        name="national-claims",
        columns=NATIONAL_COLUMNS,
        queryset=claims,
        title="Claims",
        national=True,
    )
