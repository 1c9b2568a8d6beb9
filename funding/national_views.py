"""National staff's funding pages: claims to approve or reject (and void, and recover), payment statements
(build, take lines off, authorise, mark paid, export), grant applications (accept or return) and the
national budget position.

The pages run in the audited national scope (``national_view``) and render inside it; writes go through
the national services, which check the role again.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.errors import Conflict
from asye.tenancy.models import Employer
from asye.tenancy.national import national_view
from asye.web.decorators import GET_ONLY, refuse_method
from funding import application_services, services, statement_services
from funding.budget import budget_position_national
from funding.forms import (
    ApplicationDecisionForm,
    ApplicationFilterForm,
    BudgetYearForm,
    ClaimDecisionForm,
    ClaimVoidForm,
    ConfirmVersionForm,
    DeclarationsForm,
    NationalClaimFilterForm,
    RecoveryCancelForm,
    RecoveryForm,
    RemoveLineForm,
    StatementBuildForm,
    StatementFilterForm,
    StatementPaidForm,
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
    statement_get_national,
    statement_lines,
    statement_list_national,
    statement_preparers,
)
from funding.separation import is_maker
from funding.views import download, history_rows
from programmes.forms import show_errors

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
    actor = request.actor
    years = [year.label for year in reversed(funding_years())]
    filters = NationalClaimFilterForm(request.GET, years=years).values()
    form = NationalClaimFilterForm(initial=filters, years=years)
    queue = claim_queue_national(actor=actor, filters=filters)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {name: value for name, value in filters.items() if value}
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
        },
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
    return int(value) if str(value or "").isdigit() else None


@national_view
@require_http_methods(["GET", "POST"])
def claim_detail(request, pk: int):
    """One claim: approve or reject it, void it, or recover money paid on it."""
    actor = request.actor
    claim = claim_get_national(actor=actor, pk=pk)
    if request.method == "GET":
        return _claim_page(request, claim)
    action = request.POST.get("action")
    forms_by_action = {
        "decide": ("decision", ClaimDecisionForm(request.POST)),
        "void": ("void", ClaimVoidForm(request.POST)),
        "recover": ("recovery", RecoveryForm(request.POST)),
        "cancel_recovery": ("cancel", RecoveryCancelForm(request.POST)),
    }
    if action not in forms_by_action:
        return _claim_page(request, claim, status=400)
    name, form = forms_by_action[action]
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "decide" and data["decision"] == "approve":
                services.claim_approve(actor=actor, claim_id=claim.pk, version=data["version"])
                message = f"Claim {claim.reference} approved for payment"
            elif action == "decide":
                services.claim_reject(
                    actor=actor, claim_id=claim.pk, reason=data["reason"], version=data["version"]
                )
                message = f"Claim {claim.reference} rejected"
            elif action == "void":
                services.claim_void(
                    actor=actor, claim_id=claim.pk, reason=data["reason"], version=data["version"]
                )
                message = f"Claim {claim.reference} is void"
            elif action == "recover":
                recovery = services.recovery_create(
                    actor=actor, claim_id=claim.pk, amount=data["amount"], reason=data["reason"]
                )
                message = (
                    f"£{recovery.amount:,.2f} will be recovered on the employer's next payment statement"
                )
            else:
                recovery = claim.recoveries.filter(pk=data["recovery"]).first()
                if recovery is None:
                    raise ValidationError({"cancelled_reason": ["Choose a recovery of this claim"]})
                services.recovery_cancel(
                    actor=actor,
                    recovery_id=recovery.pk,
                    reason=data["cancelled_reason"],
                    version=data["version"],
                )
                message = "Recovery cancelled"
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message)
            if action == "decide":
                return redirect("national_funding:claims")
            return redirect("national_funding:claim", pk=claim.pk)
    claim = claim_get_national(actor=actor, pk=pk)
    return _claim_page(request, claim, **{name: form}, status=status)


# --- Statements --------------------------------------------------------------------------------------


def _employers_to_pay(actor) -> list[tuple[int, str]]:
    ids = statement_services.employers_to_pay(actor=actor)
    return list(Employer.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


@national_view
@require_http_methods(["GET", "POST"])
def statements(request):
    """Payment statements, and the form that builds them."""
    actor = request.actor
    today = clock.today()
    employers = _employers_to_pay(actor)
    form = StatementBuildForm(
        request.POST if request.method == "POST" else None, employers=employers, today=today
    )
    if request.method == "POST" and form.is_valid():
        month = datetime.date.fromisoformat(form.cleaned_data["month"])
        try:
            if form.cleaned_data["employer"] == "all":
                built = statement_services.statements_build_all(actor=actor, month=month)
            else:
                built = [
                    statement_services.statement_build(
                        actor=actor, employer_id=int(form.cleaned_data["employer"]), month=month
                    )
                ]
        except ValidationError as error:
            show_errors(form, error)
        else:
            if len(built) == 1:
                messages.success(
                    request, f"Statement built for {built[0].employer.name}: check it, then authorise it"
                )
                return redirect("national_funding:statement", pk=built[0].pk)
            messages.success(
                request, f"{len(built)} statements built for {month:%B %Y}: check each, then authorise it"
            )
            return redirect(f"{request.path}?status=draft")
    filters = StatementFilterForm(request.GET)
    status_filter = filters.cleaned_data.get("status", "") if filters.is_valid() else ""
    page = Paginator(
        statement_list_national(actor=actor, filters={"status": status_filter}), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/national/statements.html",
        {
            "form": form,
            "filter_form": StatementFilterForm(initial={"status": status_filter}),
            "page": page,
            "query": urlencode({"status": status_filter}) + "&" if status_filter else "",
            "employers": employers,
        },
    )


def _statement_page(request, statement, *, paid_form=None, authorise_form=None, remove_form=None, status=200):
    version = {"version": statement.version}
    draft = statement.status == PaymentStatement.Status.DRAFT
    return render(
        request,
        "funding/national/statement.html",
        {
            "statement": statement,
            "lines": statement_lines(statement),
            # Maker-checker: whoever built or changed the draft is not offered the authorisation.
            "prepared_by_you": draft and is_maker(request.actor, statement_preparers(statement)),
            "authorise_form": authorise_form or ConfirmVersionForm(initial=version),
            "paid_form": paid_form or StatementPaidForm(initial={"version": statement.version}),
            "remove_form": remove_form or (RemoveLineForm(initial=version) if draft else None),
            "remove_errors": remove_form.non_field_errors() if remove_form is not None else [],
        },
        status=status,
    )


@national_view
@require_http_methods(["GET", "POST"])
def statement_detail(request, pk: int):
    actor = request.actor
    statement = statement_get_national(actor=actor, pk=pk)
    if request.method == "GET":
        return _statement_page(request, statement)
    action = request.POST.get("action")
    status = 200
    if action == "authorise":
        form = ConfirmVersionForm(request.POST)
        key = "authorise_form"
    elif action == "paid":
        form = StatementPaidForm(request.POST)
        key = "paid_form"
    elif action == "remove":
        form = RemoveLineForm(request.POST)
        key = "remove_form"
    else:
        return _statement_page(request, statement, status=400)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "authorise":
                statement_services.statement_authorise(
                    actor=actor, statement_id=statement.pk, version=data["version"]
                )
                message = "Statement authorised: it can no longer change"
            elif action == "paid":
                statement_services.statement_mark_paid(
                    actor=actor,
                    statement_id=statement.pk,
                    paid_on=data["paid_on"],
                    payment_reference=data["payment_reference"],
                    version=data["version"],
                )
                message = "Statement marked as paid"
            else:
                statement_services.statement_remove_line(
                    actor=actor,
                    statement_id=statement.pk,
                    claim_id=data.get("claim"),
                    recovery_id=data.get("recovery"),
                    version=data["version"],
                )
                message = "Line taken off the statement"
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("national_funding:statement", pk=statement.pk)
    statement = statement_get_national(actor=actor, pk=pk)
    return _statement_page(request, statement, **{key: form}, status=status)


@national_view
def statement_download(request, pk: int, kind: str):
    statement = statement_get_national(actor=request.actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return download(statement, kind)


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
    chosen = {name: value for name, value in filters.items() if value}
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
@require_http_methods(["GET", "POST"])
def application_detail(request, pk: int):
    actor = request.actor
    application = grant_application_get_national(actor=actor, pk=pk)
    form = ApplicationDecisionForm(
        request.POST if request.method == "POST" else None, initial={"version": application.version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                application_services.grant_application_accept(
                    actor=actor, application_id=application.pk, version=data["version"]
                )
                message = f"The grant application of {application.employer.name} is accepted"
            else:
                application_services.grant_application_return(
                    actor=actor,
                    application_id=application.pk,
                    comments=data["comments"],
                    version=data["version"],
                )
                message = (
                    f"The grant application of {application.employer.name} is returned with your comments"
                )
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("national_funding:applications")
    submitted_by_you = application.status == GrantApplication.Status.SUBMITTED and is_maker(
        actor, [application.submitted_by_id]
    )
    return render(
        request,
        "funding/national/application.html",
        {
            "application": application,
            "form": form,
            "can_decide": application.status == GrantApplication.Status.SUBMITTED and not submitted_by_you,
            "submitted_by_you": submitted_by_you,
            "actions": list(application.actions.all()),
            "declarations": DeclarationsForm.base_fields["declarations"].choices,
            "declared": {
                name: getattr(application, name) for name in application_services.DECLARATION_FIELDS
            },
        },
        status=status,
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
