"""National staff's funding decisions on many registrations at once (#18 item 3): the registrations chosen
on ``/national/registrations/`` (ticked, or every one matching the filters and search), a check page that
says how many and for which employers, and the decision, all or nothing (``programmes.national_bulk``).
The pages run in the audited national scope and render inside it."""

from __future__ import annotations

from functools import partial

from django import forms
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from asye.tenancy.national import national_view
from asye.web import bulk_decisions
from asye.web.flow import bulk_check, bulk_decide
from asye.web.forms import TickedRowsForm, choice_field
from programmes import national_bulk
from programmes.forms import NationalQueueFilterForm, reason_field
from programmes.national_views import review_list_page
from programmes.selectors import (
    EVERY_REGISTRATION,
    registration_review_queue_national,
    registration_review_years_national,
)

NOTHING_CHOSEN = "Select the registrations to approve or reject"
DONE = {"approve": "approved for funding", "reject": "not approved for funding"}


class BulkChooseForm(TickedRowsForm):
    ticked = "registrations"
    limit = national_bulk.MAX_REGISTRATIONS
    nothing_ticked = NOTHING_CHOSEN
    none_waiting = "None of the registrations you selected is waiting for a decision"
    too_many = f"Decide at most {national_bulk.MAX_REGISTRATIONS:,} at once: narrow the filters"
    decision = choice_field(
        "Decision",
        required="Select whether to approve or reject the registrations",
        choices=bulk_decisions.DECISIONS,
    )
    registrations = forms.TypedMultipleChoiceField(coerce=int, required=False)


class BulkConfirmForm(bulk_decisions.BulkConfirmForm):
    note_field, note_required = "note", national_bulk.NO_REASON
    note = reason_field(
        "Reason",
        hint=(
            "Every employer whose registration is not approved sees this reason, so do not name another "
            "employer or what they recorded."
        ),
    )


def _check_page(request, registrations, form, status=200):
    decision = form["decision"].value()
    return render(
        request,
        "programmes/national_bulk_check.html",
        {
            "form": form,
            "decision": decision,
            "verb": "reject" if decision == "reject" else "approve",
            **bulk_decisions.check_summary(registrations),
        },
        status=status,
    )


def _done_message(count: int, decision: str) -> str:
    return f"{count:,} registration{'s' if count != 1 else ''} {DONE[decision]}"


def _back(request, error: str):
    return review_list_page(request, params=request.POST, bulk_error=error)


@national_view
@require_POST
def registrations_decide_check(request):
    actor = request.actor
    years = registration_review_years_national(actor=actor)
    filters = NationalQueueFilterForm(request.POST, funding_years=years).values()
    if filters["funding_status"] == EVERY_REGISTRATION:
        filters["funding_status"] = ""  # only registrations still to decide
    return bulk_check(
        BulkChooseForm(request.POST),
        registration_review_queue_national(actor=actor, filters=filters),
        confirm=BulkConfirmForm,
        sign=national_bulk.selection_sign,
        page=partial(_check_page, request),
        back=partial(_back, request),
        unchosen=NOTHING_CHOSEN,
    )


@national_view
@require_POST
def registrations_decide(request):
    actor = request.actor
    form = BulkConfirmForm(request.POST)
    return bulk_decide(
        request,
        form,
        read=national_bulk.selection_read,
        rows=registration_review_queue_national(actor=actor, filters={"funding_status": EVERY_REGISTRATION}),
        page=partial(_check_page, request),
        save=lambda data: national_bulk.registrations_decide_bulk(
            actor=actor,
            approve=data["decision"] == bulk_decisions.APPROVE,
            versions=national_bulk.selection_read(data["selection"]),
            note=data["note"],
        ),
        done=lambda _count: redirect("national_registrations:list"),
        message=lambda count: _done_message(count, form.cleaned_data["decision"]),
    )
