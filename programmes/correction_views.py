"""Correcting a registration: a question page with the details as they should be and the reason, then
check your answers (what changes, and what that does to funding and the due dates), then the correction.

The answers wait in the session under a key of the employer's and the registration's, so nothing is saved
until the co-ordinator confirms. Both pages read the registration through the scoped selector first:
another employer's registration (or answers planted for one) is a 404 and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from asye.accounts.models import Role
from asye.errors import Conflict
from asye.web.decorators import employer_view
from programmes.correction_forms import NOTHING_CHANGED, CorrectionForm, changes_from
from programmes.corrections import FIELD_LABELS, correction_plan, registration_correct
from programmes.duplicates import registrations_of_same_person
from programmes.forms import show_errors
from programmes.models import FundingStatus
from programmes.selectors import registration_get

# The id of each detail's input on the question page, for the Change links.
FIELD_ANCHORS = {
    "first_name": "id_first_name",
    "last_name": "id_last_name",
    "swe_number": "id_swe_number",
    "qualification_date": "qualification_date",
    "start_date": "start_date",
}


def _key(request, pk: int) -> str:
    # One correction in progress per employer and registration: answers never follow a co-ordinator who
    # switches employer, and are only ever read back for the registration the scoped read found.
    return f"programmes.correct.{request.actor.employer_id}.{pk}"


def _question_page(request, registration, form, *, status: int = 200):
    return render(
        request,
        "programmes/correct.html",
        {"registration": registration, "form": form},
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_correct_view(request, pk: int):
    """The question page: every correctable detail, filled in as it is (or as last answered), and why."""
    registration = registration_get(actor=request.actor, pk=pk)
    key = _key(request, registration.pk)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                plan = correction_plan(actor=request.actor, registration=registration, **form.changes())
            except ValidationError as error:
                show_errors(form, error)
            else:
                if plan.changes:
                    request.session[key] = form.answers()
                    return redirect("programmes:correct_check", pk=registration.pk)
                form.add_error(None, NOTHING_CHANGED)
        return _question_page(request, registration, form)
    # Coming back from check your answers (a Change link, or after a stale save): the answers given, on
    # the registration as it is now. Otherwise the registration as it is (a correction left unfinished
    # earlier is not brought back).
    answers = request.session.get(key) if request.GET.get("change") == "1" else None
    form = CorrectionForm(initial=CorrectionForm.data_from(answers=answers, registration=registration))
    return _question_page(request, registration, form)


def _rows(plan) -> list[dict]:
    return [
        {"field": name, "label": FIELD_LABELS[name], "old": old, "new": new, "anchor": FIELD_ANCHORS[name]}
        for name, (old, new) in plan.changes.items()
    ]


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_correct_check(request, pk: int):
    """Check the correction: old and new values, the reason, and what changes for funding and the due
    dates. Saving it calls ``registration_correct`` with the version the question page was filled from."""
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    key = _key(request, registration.pk)
    answers = request.session.get(key)
    if not answers:
        return redirect("programmes:correct", pk=registration.pk)
    changes = changes_from(answers)
    conflict = ""
    if request.method == "POST":
        try:
            registration_correct(
                actor=actor,
                registration=registration,
                version=int(answers.get("version") or 0),
                reason=answers.get("reason", ""),
                **changes,
            )
        except Conflict as error:
            conflict = error.message
            registration = registration_get(actor=actor, pk=pk)
        except ValidationError as error:
            # The rules say no now (someone registered the number meanwhile): back to the question.
            form = CorrectionForm(CorrectionForm.data_from(answers=answers, registration=registration))
            form.is_valid()
            show_errors(form, error)
            return _question_page(request, registration, form)
        else:
            request.session.pop(key, None)
            messages.success(request, f"{registration.full_name}'s registration has been corrected")
            return redirect("programmes:detail", pk=registration.pk)
    try:
        plan = correction_plan(actor=actor, registration=registration, **changes)
    except ValidationError:
        return redirect("programmes:correct", pk=registration.pk)
    if not plan.changes and not conflict:
        return redirect("programmes:correct", pk=registration.pk)
    same_person = []
    if {"first_name", "last_name", "qualification_date"} & set(plan.changes):
        merged = {name: new for name, (_old, new) in plan.changes.items()}
        same_person = registrations_of_same_person(
            actor=actor,
            first_name=merged.get("first_name", registration.first_name),
            last_name=merged.get("last_name", registration.last_name),
            qualification_date=merged.get("qualification_date", registration.qualification_date),
            email="",
            exclude_pk=registration.pk,
        )
    return render(
        request,
        "programmes/correct_check.html",
        {
            "registration": registration,
            "rows": _rows(plan),
            "reason": answers.get("reason", ""),
            "plan": plan,
            "unfunded": plan.funding_status == FundingStatus.UNFUNDED,
            "same_person": same_person,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )
