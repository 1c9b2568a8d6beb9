"""The co-ordinator's funding pages: the overview, claims by state (and submitting them, one or many),
and the employer's payment statements with their downloads. Grant applications are
``funding.application_views``.

Every page reads through ``funding.selectors`` (scoped to the actor: another employer's claim or
statement is a 404, whatever the method) and writes through the services.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.web.decorators import GET_ONLY, employer_view, opens
from asye.web.flow import form_flow
from asye.web.formats import money
from asye.web.forms import is_whole_number, posted
from funding import services, statement_downloads
from funding.application_views import FORM_METHODS, years_to_start
from funding.forms import ClaimFilterForm, ClaimsConfirmForm, ClaimsSelectForm, ClaimSubmitForm
from funding.models import ClaimStatus, Recovery
from funding.selectors import (
    claim_get,
    claim_history,
    claim_list,
    claim_summary,
    grant_application_list,
    recovery_list,
    statement_get,
    statement_lines,
    statement_list,
)
from programmes.search import list_search_context, registration_search_q

PAGE_SIZE = 50
CLAIM_STATE_HINTS = {
    ClaimStatus.DRAFT: "Ready for you to claim.",
    ClaimStatus.SUBMITTED: "Claimed: waiting for national staff to approve.",
    ClaimStatus.APPROVED: "Approved: to be paid on your next payment statement.",
    ClaimStatus.ON_STATEMENT: "On a payment statement being prepared.",
    ClaimStatus.PAID: "Paid.",
    ClaimStatus.REJECTED: "Not paid: national staff rejected the claim (see the reason).",
    ClaimStatus.VOIDED: "Not paid: the claim was cancelled (see the reason).",
}


HISTORY_LABELS = {
    "claim.claimable": "Became claimable",
    "claim.submitted": "Claimed",
    "claim.approved": "Approved",
    "claim.rejected": "Rejected",
    "claim.voided": "Voided",
    "claim.added_to_statement": "Put on a payment statement",
    "claim.removed_from_statement": "Taken off a payment statement",
    "claim.paid": "Paid",
    "claim.rolled_forward": "Rolled forward to the next funding year",
}


NATIONAL_DECISIONS = ("claim.approved", "claim.rejected", "claim.added_to_statement", "claim.paid")


def history_rows(events, *, name_national_staff: bool = False) -> list[dict]:
    """A claim's audit events in words. For the employer, decisions made by the national body show the
    actor as national staff, not by name; national staff (``name_national_staff``) see every name."""
    rows = []
    for event in events:
        label = HISTORY_LABELS.get(event.action, event.action)
        actor = event.actor_label
        if not name_national_staff and event.action in NATIONAL_DECISIONS:
            actor = "national staff"
        rows.append({"created_at": event.created_at, "label": label, "actor": actor})
    return rows


# --- Overview ----------------------------------------------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def overview(request):
    actor = request.actor
    applications = list(grant_application_list(actor=actor))
    return render(
        request,
        "funding/overview.html",
        {
            "summary": claim_summary(claim_list(actor=actor)),
            "hints": CLAIM_STATE_HINTS,
            "applications": applications,
            "can_start_application": years_to_start(actor, applications),
            "statements": list(statement_list(actor=actor)[:6]),
            "recoveries": list(
                recovery_list(actor=actor).filter(
                    status__in=[Recovery.Status.PENDING, Recovery.Status.ON_STATEMENT]
                )
            ),
        },
    )


# --- Claims --------------------------------------------------------------------------------------------


def claims_filtered(request) -> tuple:
    """The employer's claims with the request's filters and search applied, the filters' values and the
    (unbound) filter form: shared by the page and its downloads."""
    claims = claim_list(actor=request.actor)
    years = sorted(set(claims.values_list("funding_year__label", flat=True)), reverse=True)
    filters = ClaimFilterForm(request.GET, years=years).values()
    form = ClaimFilterForm(initial=filters, years=years)
    if filters["q"]:
        claims = claims.filter(registration_search_q(filters["q"], prefix="registration__"))
    if filters["status"]:
        claims = claims.filter(status=filters["status"])
    if filters["funding_year"]:
        claims = claims.filter(funding_year__label=filters["funding_year"])
    claims = claims.order_by("registration__last_name", "registration__first_name", "instalment", "pk")
    return claims, filters, form


def _claims_page(request, *, select_form=None, status: int = 200):
    claims, filters, form = claims_filtered(request)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    claimable = [claim for claim in page.object_list if claim.status == ClaimStatus.DRAFT]
    selected = (
        set(select_form.data.getlist("claims")) if select_form is not None and select_form.is_bound else set()
    )
    return render(
        request,
        "funding/claims.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "claims": page.object_list,
            "total": claims.aggregate(total=Sum("amount"))["total"],
            "claimable": claimable,
            "selected": selected,
            "select_form": select_form,
            **list_search_context(filters, page, ("claim", "claims")),
            "statuses": ClaimStatus.choices,
            "hint": CLAIM_STATE_HINTS.get(filters["status"], ""),
        },
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_GET
def claims(request):
    return _claims_page(request)


def _claimable_ids(actor) -> list[int]:
    return list(claim_list(actor=actor).filter(status=ClaimStatus.DRAFT).values_list("pk", flat=True))


def _submitted_message(submitted) -> str:
    total = sum(claim.amount for claim in submitted)
    return f"{len(submitted)} claim{'s' if len(submitted) != 1 else ''} submitted for {money(total)}"


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def claims_submit(request):
    """Submit several claimable claims: choose them on the list, confirm them here, then submit."""
    actor = request.actor
    if request.method == "GET":
        return redirect(reverse("funding:claims") + "?status=draft")
    ids = _claimable_ids(actor)
    status = 200
    if request.POST.get("step") != "confirm":
        select_form = ClaimsSelectForm(request.POST, claim_ids=ids)
        if not select_form.is_valid():
            return _claims_page(request, select_form=select_form)
        form = ClaimsConfirmForm(initial={"claims": select_form.cleaned_data["claims"]}, claim_ids=ids)
        chosen = select_form.cleaned_data["claims"]
    else:
        chosen = request.POST.getlist("claims")
        flow = form_flow(
            request,
            ClaimsConfirmForm(request.POST, claim_ids=ids),
            save=lambda data: services.claims_submit(actor=actor, claim_ids=data["claims"]),
            done=lambda _submitted: redirect(reverse("funding:claims") + "?status=submitted"),
            message=_submitted_message,
        )
        if flow.response:
            return flow.response
        form, status = flow.form, flow.status
    chosen_claims = list(
        claim_list(actor=actor).filter(pk__in=[int(pk) for pk in chosen if is_whole_number(str(pk))])
    )
    return render(
        request,
        "funding/claims_confirm.html",
        {"form": form, "claims": chosen_claims, "total": sum(c.amount for c in chosen_claims)},
        status=status,
    )


@employer_view(Role.COORDINATOR)
@opens(claim_get, FORM_METHODS)
def claim_detail(request, claim):
    actor = request.actor
    if claim.status != ClaimStatus.DRAFT and request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    form, status = None, 200
    if claim.status == ClaimStatus.DRAFT:
        flow = form_flow(
            request,
            ClaimSubmitForm(posted(request), initial={"version": claim.version}),
            save=lambda data: services.claim_submit(actor=actor, claim=claim, version=data["version"]),
            done=lambda _saved: redirect("funding:claim", pk=claim.pk),
            message=lambda _saved: f"Claim {claim.reference} submitted for {money(claim.amount)}",
        )
        if flow.response:
            return flow.response
        form, status = flow.form, flow.status
    return render(
        request,
        "funding/claim.html",
        {
            "claim": claim,
            "registration": claim.registration,
            "form": form,
            "hint": CLAIM_STATE_HINTS.get(claim.status, ""),
            "history": history_rows(claim_history(actor=actor, claim=claim)),
            "recoveries": list(recovery_list(actor=actor).filter(claim=claim)),
        },
        status=status,
    )


# --- Statements ----------------------------------------------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def statements(request):
    page = Paginator(statement_list(actor=request.actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "funding/statements.html", {"page": page, "query": ""})


@employer_view(Role.COORDINATOR)
@opens(statement_get, GET_ONLY)
def statement_detail(request, statement):
    return render(
        request,
        "funding/statement.html",
        {"statement": statement, "lines": statement_lines(statement)},
    )


@employer_view(Role.COORDINATOR)
@opens(statement_get, GET_ONLY)
def statement_download(request, statement, kind: str):
    return statement_downloads.statement_download(request, statement, kind)
