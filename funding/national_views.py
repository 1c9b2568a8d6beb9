"""National staff's funding pages: the overview, claims to approve or reject (and void, and recover), grant
applications (accept or return) and the national budget position. Payment statements are
``funding.national_statement_views``.

The pages run in the audited national scope (``national_view``) and render inside it; writes go through
the national services, which check the role again.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from asye.accounts.actor import Actor
from asye.tenancy.national import national_view
from asye.web.actions import action_post
from asye.web.decorators import opens
from asye.web.flow import form_page
from asye.web.formats import money
from asye.web.forms import is_whole_number, posted
from funding import application_services, recovery_services, services
from funding.application_views import FORM_METHODS, application_summary
from funding.budget import budget_position_national
from funding.forms import (
    ApplicationDecisionForm,
    ApplicationFilterForm,
    BudgetYearForm,
    ClaimDecisionForm,
    ClaimVoidForm,
    NationalClaimFilterForm,
    RecoveryCancelForm,
    RecoveryForm,
)
from funding.models import ClaimStatus, GrantApplication, PaymentStatement
from funding.selectors import (
    claim_get_national,
    claim_history_national,
    claim_queue_national,
    funding_overview_national,
    funding_years,
    grant_application_get_national,
    grant_application_list_national,
)
from funding.separation import is_maker
from funding.views import history_rows
from programmes.search import chosen_filters, national_search_record, search_text

PAGE_SIZE = 50


@national_view
@require_GET
def overview(request):
    return render(
        request, "funding/national/overview.html", {"counts": funding_overview_national(actor=request.actor)}
    )


# --- Claims --------------------------------------------------------------------------------------------


@national_view
@require_GET
def claims(request):
    return claims_page(request)


def claims_filtered_national(*, actor: Actor, params, where: str) -> tuple:
    """Every employer's claims with ``params``' filters and search applied (the search audited, as seen on
    ``where``), the filters' values and the (unbound) filter form: shared by the page and its downloads."""
    years = [year.label for year in reversed(funding_years())]
    filters = NationalClaimFilterForm(params, years=years).values()
    form = NationalClaimFilterForm(initial=filters, years=years)
    national_search_record(actor=actor, where=where, value=filters["q"])
    return claim_queue_national(actor=actor, filters=filters), filters, form


def claims_page(request, *, bulk_error: str = "", params=None, status: int = 200):
    """The claims list, filtered and searched by ``params`` (the request's GET, or the bulk form's POST
    when it comes back with ``bulk_error``); submitted claims can be ticked for a bulk decision."""
    params = request.GET if params is None else params
    queue, filters, form = claims_filtered_national(
        actor=request.actor, params=params, where="national claims"
    )
    page = Paginator(queue, PAGE_SIZE).get_page(params.get("page"))
    chosen = chosen_filters(filters)
    return render(
        request,
        "funding/national/claims.html",
        {
            "form": form,
            "page": page,
            "total": queue.aggregate(total=Sum("amount"))["total"],
            "status_label": dict(ClaimStatus.choices).get(filters["status"], "Any status"),
            "filtered": set(chosen) != {"status"} or filters["status"] != ClaimStatus.SUBMITTED,
            "query": urlencode(chosen) + "&",
            "search": search_text(filters["q"]),
            "download_query": urlencode(chosen),
            "chosen": sorted(chosen.items()),
            "can_bulk": filters["status"] == ClaimStatus.SUBMITTED and page.paginator.count > 0,
            "bulk_error": bulk_error,
            "selected": set(params.getlist("claims")) if hasattr(params, "getlist") else set(),
        },
        status=status,
    )


def _claim_page(request, claim, *, decision=None, void=None, recovery=None, cancel=None, status=200):
    actor = request.actor
    version = {"version": claim.version}
    submitted_by_you = claim.status == ClaimStatus.SUBMITTED and is_maker(actor, [claim.submitted_by_id])
    return render(
        request,
        "funding/national/claim.html",
        {
            "claim": claim,
            "registration": claim.registration,
            "decision_form": decision or ClaimDecisionForm(initial=version),
            "void_form": void or ClaimVoidForm(initial=version),
            "recovery_form": recovery or RecoveryForm(),
            "cancel_form": cancel,
            "cancel_failed": _int(cancel.data.get("cancel-recovery")) if cancel is not None else None,
            "can_decide": claim.status == ClaimStatus.SUBMITTED and not submitted_by_you,
            "submitted_by_you": submitted_by_you,
            "can_void": claim.status in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)
            or (
                claim.status == ClaimStatus.ON_STATEMENT
                and claim.statement.status == PaymentStatement.Status.DRAFT
            ),
            "can_recover": claim.is_paid_out,
            "recoveries": list(claim.recoveries.order_by("created_at")),
            "history": history_rows(
                claim_history_national(actor=actor, claim=claim), name_national_staff=True
            ),
        },
        status=status,
    )


def _int(value) -> int | None:
    return int(value) if is_whole_number(str(value or "")) else None


@national_view
@opens(claim_get_national, FORM_METHODS)
def claim_detail(request, claim):
    """One claim: approve or reject it, void it, or recover money paid on it."""
    actor = request.actor
    if request.method == "GET":
        return _claim_page(request, claim)

    def decide(data) -> str:
        if data["decision"] == "approve":
            services.claim_approve(actor=actor, claim_id=claim.pk, version=data["version"])
            return f"Claim {claim.reference} approved for payment"
        services.claim_reject(actor=actor, claim_id=claim.pk, reason=data["reason"], version=data["version"])
        return f"Claim {claim.reference} rejected"

    def void(data) -> str:
        services.claim_void(actor=actor, claim_id=claim.pk, reason=data["reason"], version=data["version"])
        return f"Claim {claim.reference} is void"

    def recover(data) -> str:
        recovery = recovery_services.recovery_create(
            actor=actor, claim_id=claim.pk, amount=data["amount"], reason=data["reason"]
        )
        return f"{money(recovery.amount)} will be recovered on the employer's next payment statement"

    def cancel_recovery(data) -> str:
        recovery = claim.recoveries.filter(pk=data["recovery"]).first()
        if recovery is None:
            raise ValidationError({"cancelled_reason": ["Choose a recovery of this claim"]})
        recovery_services.recovery_cancel(
            actor=actor, recovery_id=recovery.pk, reason=data["cancelled_reason"], version=data["version"]
        )
        return "Recovery cancelled"

    return action_post(
        request,
        {
            "decide": ("decision", ClaimDecisionForm, decide),
            "void": ("void", ClaimVoidForm, void),
            "recover": ("recovery", RecoveryForm, recover),
            "cancel_recovery": ("cancel", RecoveryCancelForm, cancel_recovery),
        },
        page=lambda **bound: _claim_page(request, claim_get_national(actor=actor, pk=claim.pk), **bound),
        done=lambda action: (
            redirect("national_funding:claims")
            if action == "decide"
            else redirect("national_funding:claim", pk=claim.pk)
        ),
    )


# --- Grant applications ------------------------------------------------------------------------------


@national_view
@require_GET
def applications(request):
    actor = request.actor
    years = [year.label for year in reversed(funding_years())]
    filters = ApplicationFilterForm(request.GET, years=years).values()
    page = Paginator(grant_application_list_national(actor=actor, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    chosen = chosen_filters(filters)
    return render(
        request,
        "funding/national/applications.html",
        {
            "form": ApplicationFilterForm(initial=filters, years=years),
            "page": page,
            "status_label": dict(GrantApplication.Status.choices).get(filters["status"], "Any status"),
            "query": urlencode(chosen) + "&",
        },
    )


@national_view
@opens(grant_application_get_national, FORM_METHODS)
def application_detail(request, application):
    actor = request.actor

    def decide(data) -> str:
        name = application.employer.name
        if data["decision"] == "accept":
            application_services.grant_application_accept(
                actor=actor, application_id=application.pk, version=data["version"]
            )
            return f"The grant application of {name} is accepted"
        application_services.grant_application_return(
            actor=actor, application_id=application.pk, comments=data["comments"], version=data["version"]
        )
        return f"The grant application of {name} is returned with your comments"

    def context(_flow) -> dict:
        submitted = application.status == GrantApplication.Status.SUBMITTED
        submitted_by_you = submitted and is_maker(actor, [application.submitted_by_id])
        return {
            "can_decide": submitted and not submitted_by_you,
            "submitted_by_you": submitted_by_you,
            **application_summary(application),
        }

    return form_page(
        request,
        ApplicationDecisionForm(posted(request), initial={"version": application.version}),
        template="funding/national/application.html",
        context=context,
        save=decide,
        done=lambda _text: redirect("national_funding:applications"),
        message=lambda text: text,
    )


# --- Budget ------------------------------------------------------------------------------------------


@national_view
@require_GET
def budget(request):
    actor = request.actor
    years = [year.label for year in funding_years()]
    form = BudgetYearForm(request.GET or None, years=years)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else None
    position = budget_position_national(actor=actor, year=year)
    return render(
        request,
        "funding/national/budget.html",
        {
            "form": BudgetYearForm(initial={"year": position.year}, years=years or [position.year]),
            "budget": position,
            "tables": [
                ("By service area", "Service area", position.by_service_area, True),
                ("By employer type", "Employer type", position.by_employer_type, False),
                ("By region", "Region", position.by_region, False),
            ],
        },
    )
