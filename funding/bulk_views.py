"""National staff's bulk decisions on submitted claims (#18 item 3): the claims chosen on the list (ticked,
or every claim matching the list's filters and search), a check-answers page that says how many and how
much, and the decision, all or nothing (``funding.bulk``).

The pages run in the audited national scope (``national_view``) and render inside it. The check page
carries the selection as a signed token of each claim's id and version: a claim changed since (approved
by a colleague, voided, resubmitted) makes the decision refused, never applied to what was not checked.
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from asye.tenancy.national import national_view
from asye.web import bulk_decisions
from asye.web.flow import bulk_check, bulk_decide
from asye.web.forms import TickedRowsForm, choice_field
from funding import bulk
from funding.forms import NationalClaimFilterForm
from funding.models import ClaimStatus
from funding.national_views import claims_page
from funding.selectors import claim_queue_national, funding_years
from programmes.forms import reason_field

VERBS = {bulk.APPROVE: ("approve", "approved"), bulk.REJECT: ("reject", "rejected")}
NOTHING_CHOSEN = "Select the claims to approve or reject"


class BulkChooseForm(TickedRowsForm):
    """What the list's bulk form sends: the decision, and the ticked claims or every matching claim."""

    ticked = "claims"
    limit = bulk.MAX_CLAIMS
    nothing_ticked = NOTHING_CHOSEN
    none_waiting = "None of the claims you selected is waiting for a decision"
    too_many = f"Decide at most {bulk.MAX_CLAIMS:,} claims at once: narrow the filters"
    decision = choice_field(
        "Decision",
        required="Select whether to approve or reject the claims",
        choices=bulk_decisions.DECISIONS,
    )
    claims = forms.TypedMultipleChoiceField(coerce=int, required=False)


class BulkConfirmForm(bulk_decisions.BulkConfirmForm):
    """The check page's answer: the signed selection, the decision and (to reject) the reason."""

    note_field, note_required = "reason", bulk.NO_REASON
    reason = reason_field("Reason", hint="Every employer whose claim is rejected sees this reason.")


def _filters(request) -> dict[str, str]:
    years = [year.label for year in reversed(funding_years())]
    filters = NationalClaimFilterForm(request.POST, years=years).values()
    # Only submitted claims are decided, whatever the list showed.
    filters["status"] = ClaimStatus.SUBMITTED
    return filters


def _check_page(request, claims, form, status=200):
    decision = form["decision"].value()
    verb, done = VERBS.get(decision, VERBS[bulk.APPROVE])
    return render(
        request,
        "funding/national/bulk_check.html",
        {
            "form": form,
            "verb": verb,
            "done": done,
            "decision": decision,
            **bulk_decisions.check_summary(claims, total=Sum("amount")),
        },
        status=status,
    )


@national_view
@require_POST
def claims_decide_check(request):
    """The check-answers page for the claims ticked on the list, or every claim matching its filters."""
    return bulk_check(
        BulkChooseForm(request.POST),
        claim_queue_national(actor=request.actor, filters=_filters(request)),
        confirm=BulkConfirmForm,
        sign=bulk.selection_sign,
        page=partial(_check_page, request),
        back=partial(_back_to_list, request),
        unchosen="Select whether to approve or reject",
    )


@national_view
@require_POST
def claims_decide(request):
    """Decide every claim of the signed selection: all of them, or none and the reason why."""
    actor = request.actor
    form = BulkConfirmForm(request.POST)
    return bulk_decide(
        request,
        form,
        read=lambda token: bulk.selection_read(token).versions,
        rows=claim_queue_national(actor=actor, filters={"status": "all"}),
        page=partial(_check_page, request),
        save=lambda data: bulk.claims_decide_bulk(
            actor=actor,
            decision=data["decision"],
            selection=bulk.selection_read(data["selection"]),
            reason=data["reason"],
        ),
        done=lambda _count: redirect("national_funding:claims"),
        message=lambda count: _done_message(count, form.cleaned_data["decision"]),
    )


def _done_message(count: int, decision: str) -> str:
    return f"{count:,} claim{'s' if count != 1 else ''} {VERBS[decision][1]}"


def _back_to_list(request, error: str):
    """The claims list again with the error (nothing was chosen, or nothing chosen can be decided)."""
    return claims_page(request, bulk_error=error, params=request.POST)
