"""National staff's payment statement pages: the statements (and building one for an employer's month),
one statement (take lines off a draft, authorise, mark paid) and its exports.

The pages run in the audited national scope (``national_view``) and render inside it; writes go through
``funding.statement_services``, which checks the role again.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from asye import clock
from asye.tenancy.models import Employer
from asye.tenancy.national import national_view
from asye.web.actions import action_post
from asye.web.decorators import GET_ONLY, opens
from asye.web.flow import form_flow
from asye.web.forms import answers, posted
from funding import statement_build_views, statement_downloads, statement_services
from funding.application_views import FORM_METHODS
from funding.forms import (
    ConfirmVersionForm,
    RemoveLineForm,
    StatementBuildForm,
    StatementFilterForm,
    StatementPaidForm,
)
from funding.models import PaymentStatement
from funding.national_views import PAGE_SIZE
from funding.selectors import (
    statement_get_national,
    statement_lines,
    statement_list_national,
    statement_preparers,
)
from funding.separation import is_maker

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
    form = StatementBuildForm(posted(request), employers=employers, today=today)

    if request.method == "POST" and form.is_valid() and form.cleaned_data["employer"] == "all":
        month = datetime.date.fromisoformat(form.cleaned_data["month"])
        preview = statement_services.statements_build_preview(actor=actor, month=month)
        if preview.count > settings.ASYE_STATEMENTS_JOB_THRESHOLD:
            # Many statements: say how many and for how much, and build them in the background once confirmed.
            return redirect(statement_build_views.confirm_url(month))

    def build(data) -> list:
        month = datetime.date.fromisoformat(data["month"])
        if data["employer"] == "all":
            return statement_services.statements_build_all(actor=actor, month=month)
        employer_id = int(data["employer"])
        return [statement_services.statement_build(actor=actor, employer_id=employer_id, month=month)]

    def built_message(built) -> str:
        if len(built) == 1:
            return f"Statement built for {built[0].employer.name}: check it, then authorise it"
        month = datetime.date.fromisoformat(form.cleaned_data["month"])
        return f"{len(built)} statements built for {month:%B %Y}: check each, then authorise it"

    flow = form_flow(
        request,
        form,
        save=build,
        done=lambda built: (
            redirect("national_funding:statement", pk=built[0].pk)
            if len(built) == 1
            else redirect(f"{request.path}?status=draft")
        ),
        message=built_message,
    )
    if flow.response:
        return flow.response
    filters = StatementFilterForm(request.GET)
    status_filter = filters.cleaned_data.get("status", "") if filters.is_valid() else ""
    page = Paginator(
        statement_list_national(actor=actor, filters={"status": status_filter}), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/national/statements.html",
        {
            "form": flow.form,
            "filter_form": StatementFilterForm(initial={"status": status_filter}),
            "page": page,
            "query": urlencode({"status": status_filter}) + "&" if status_filter else "",
            "employers": employers,
        },
        status=flow.status,
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
@opens(statement_get_national, FORM_METHODS)
def statement_detail(request, statement):
    actor = request.actor
    if request.method == "GET":
        return _statement_page(request, statement)

    def authorise(data) -> str:
        statement_services.statement_authorise(
            actor=actor, statement_id=statement.pk, version=data["version"]
        )
        return "Statement authorised: it can no longer change"

    def paid(data) -> str:
        statement_services.statement_mark_paid(
            actor=actor,
            statement_id=statement.pk,
            **answers(data, "paid_on", "payment_reference", "version"),
        )
        return "Statement marked as paid"

    def remove(data) -> str:
        statement_services.statement_remove_line(
            actor=actor,
            statement_id=statement.pk,
            claim_id=data.get("claim"),
            recovery_id=data.get("recovery"),
            version=data["version"],
        )
        return "Line taken off the statement"

    return action_post(
        request,
        {
            "authorise": ("authorise_form", ConfirmVersionForm, authorise),
            "paid": ("paid_form", StatementPaidForm, paid),
            "remove": ("remove_form", RemoveLineForm, remove),
        },
        page=lambda **bound: _statement_page(
            request, statement_get_national(actor=actor, pk=statement.pk), **bound
        ),
        done=lambda _action: redirect("national_funding:statement", pk=statement.pk),
    )


@national_view
@opens(statement_get_national, GET_ONLY)
def statement_download(request, statement, kind: str):
    return statement_downloads.statement_download(request, statement, kind, national=True)
