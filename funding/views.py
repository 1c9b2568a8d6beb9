"""The co-ordinator's funding pages: claims by state (and submitting them, one or many), the annual grant
application with its action plan (a task list), and the employer's payment statements with their
downloads.

Every page reads through ``funding.selectors`` (scoped to the actor: another employer's claim,
application, action or statement is a 404, whatever the method) and writes through the services.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.errors import Conflict
from asye.web.decorators import GET_ONLY, employer_view, refuse_method
from funding import application_services, exports, services
from funding.forms import (
    ActionForm,
    ClaimFilterForm,
    ClaimsConfirmForm,
    ClaimsSelectForm,
    ClaimSubmitForm,
    ConfirmVersionForm,
    ContactForm,
    DeclarationsForm,
    DirectorForm,
    ProgressForm,
    StartApplicationForm,
)
from funding.models import ClaimStatus, GrantApplication, Recovery
from funding.selectors import (
    action_item_get,
    claim_get,
    claim_history,
    claim_list,
    claim_summary,
    grant_application_get,
    grant_application_list,
    recovery_list,
    statement_get,
    statement_lines,
    statement_list,
)
from programmes.forms import show_errors

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
            "can_start_application": _years_to_start(actor, applications),
            "statements": list(statement_list(actor=actor)[:6]),
            "recoveries": list(
                recovery_list(actor=actor).filter(
                    status__in=[Recovery.Status.PENDING, Recovery.Status.ON_STATEMENT]
                )
            ),
        },
    )


def _years_to_start(actor, applications) -> list:
    started = {application.funding_year_id for application in applications}
    return [year for year in application_services.application_years() if year.pk not in started]


# --- Claims --------------------------------------------------------------------------------------------


def _claims_page(request, *, select_form=None, status: int = 200):
    actor = request.actor
    claims = claim_list(actor=actor)
    years = sorted(set(claims.values_list("funding_year__label", flat=True)), reverse=True)
    filters = ClaimFilterForm(request.GET, years=years).values()
    form = ClaimFilterForm(initial=filters, years=years)
    if filters["status"]:
        claims = claims.filter(status=filters["status"])
    if filters["funding_year"]:
        claims = claims.filter(funding_year__label=filters["funding_year"])
    claims = claims.order_by("registration__last_name", "registration__first_name", "instalment", "pk")
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {name: value for name, value in filters.items() if value}
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
            "filtered": bool(chosen),
            "query": urlencode(chosen) + "&" if chosen else "",
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


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def claims_submit(request):
    """Submit several claimable claims: choose them on the list, confirm them here, then submit."""
    actor = request.actor
    if request.method == "GET":
        return redirect(reverse("funding:claims") + "?status=draft")
    ids = _claimable_ids(actor)
    if request.POST.get("step") != "confirm":
        select_form = ClaimsSelectForm(request.POST, claim_ids=ids)
        if not select_form.is_valid():
            return _claims_page(request, select_form=select_form)
        form = ClaimsConfirmForm(initial={"claims": select_form.cleaned_data["claims"]}, claim_ids=ids)
        chosen = select_form.cleaned_data["claims"]
    else:
        form = ClaimsConfirmForm(request.POST, claim_ids=ids)
        chosen = request.POST.getlist("claims")
        if form.is_valid():
            try:
                submitted = services.claims_submit(actor=actor, claim_ids=form.cleaned_data["claims"])
            except ValidationError as error:
                show_errors(form, error)
            else:
                total = sum(claim.amount for claim in submitted)
                messages.success(
                    request,
                    f"{len(submitted)} claim{'s' if len(submitted) != 1 else ''} submitted for £{total:,.2f}",
                )
                return redirect(reverse("funding:claims") + "?status=submitted")
    chosen_claims = list(
        claim_list(actor=actor).filter(pk__in=[int(pk) for pk in chosen if str(pk).isdigit()])
    )
    return render(
        request,
        "funding/claims_confirm.html",
        {"form": form, "claims": chosen_claims, "total": sum(c.amount for c in chosen_claims)},
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def claim_detail(request, pk: int):
    actor = request.actor
    claim = claim_get(actor=actor, pk=pk)
    form = None
    status = 200
    if claim.status == ClaimStatus.DRAFT:
        form = ClaimSubmitForm(
            request.POST if request.method == "POST" else None, initial={"version": claim.version}
        )
    if request.method == "POST":
        if form is None:
            return HttpResponseNotAllowed(["GET"])
        if form.is_valid():
            try:
                services.claim_submit(actor=actor, claim=claim, version=form.cleaned_data["version"])
            except Conflict as conflict:
                form.add_error(None, conflict.message)
                status = 409
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, f"Claim {claim.reference} submitted for £{claim.amount:,.2f}")
                return redirect("funding:claim", pk=claim.pk)
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


# --- Grant applications ----------------------------------------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def applications(request):
    actor = request.actor
    rows = list(grant_application_list(actor=actor))
    return render(
        request,
        "funding/applications.html",
        {"applications": rows, "years_to_start": _years_to_start(actor, rows)},
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def application_start(request):
    actor = request.actor
    years = _years_to_start(actor, list(grant_application_list(actor=actor)))
    form = StartApplicationForm(request.POST if request.method == "POST" else None, years=years)
    if len(years) == 1:
        form.initial["funding_year"] = str(years[0].pk)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_services.grant_application_start(
                actor=actor, funding_year_id=int(form.cleaned_data["funding_year"])
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, f"Your grant application for {application.funding_year} has been started"
            )
            return redirect("funding:application", pk=application.pk)
    return render(request, "funding/application_start.html", {"form": form, "years": years})


def _task(label: str, url: str, done: bool, *, editable: bool, hint: str = "") -> dict:
    if done:
        status, colour = "Completed", ""
    else:
        status, colour = "Incomplete", "blue"
    return {"label": label, "url": url if editable else "", "status": status, "colour": colour, "hint": hint}


def _tasks(application: GrantApplication, problems: dict) -> list[dict]:
    editable = application.is_editable
    actions = application.actions.count()
    return [
        _task(
            "Primary contact",
            reverse("funding:application_contact", args=[application.pk]),
            not ({"contact_name", "contact_email"} & set(problems)),
            editable=editable,
        ),
        _task(
            "Director",
            reverse("funding:application_director", args=[application.pk]),
            not ({"director_name", "director_job_title", "director_email"} & set(problems)),
            editable=editable,
        ),
        _task(
            "Action plan for continuous improvement",
            reverse("funding:application_actions", args=[application.pk]),
            actions > 0,
            editable=True,
            hint=f"{actions} action{'s' if actions != 1 else ''}",
        ),
        _task(
            "Declarations",
            reverse("funding:application_declarations", args=[application.pk]),
            not any(name.startswith("declares_") for name in problems),
            editable=editable,
        ),
    ]


@employer_view(Role.COORDINATOR)
def application_detail(request, pk: int):
    application = grant_application_get(actor=request.actor, pk=pk)
    # Checked after the read, so that another employer's application is a 404 whatever the method.
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    problems = application_services.application_problems(application)
    tasks = _tasks(application, problems)
    return render(
        request,
        "funding/application.html",
        {
            "application": application,
            "tasks": tasks,
            "ready": not problems,
            "done_count": sum(1 for task in tasks if task["status"] == "Completed"),
            "actions": list(application.actions.all()),
        },
    )


def _application_form_page(request, pk: int, *, form_class, template: str, initial, answers, success: str):
    """A page of the application (contact, director, declarations): GET shows it, POST saves it."""
    actor = request.actor
    application = grant_application_get(actor=actor, pk=pk)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={**initial(application), "version": application.version},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            application_services.grant_application_update(
                actor=actor, application=application, version=form.cleaned_data["version"], **answers(form)
            )
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("funding:application", pk=application.pk)
    return render(
        request,
        template,
        {"application": application, "form": form, "editable": application.is_editable},
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def application_contact(request, pk: int):
    return _application_form_page(
        request,
        pk,
        form_class=ContactForm,
        template="funding/application_contact.html",
        initial=lambda a: {name: getattr(a, name) for name in application_services.CONTACT_FIELDS},
        answers=lambda form: {name: form.cleaned_data[name] for name in application_services.CONTACT_FIELDS},
        success="Primary contact saved",
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def application_director(request, pk: int):
    return _application_form_page(
        request,
        pk,
        form_class=DirectorForm,
        template="funding/application_director.html",
        initial=lambda a: {name: getattr(a, name) for name in application_services.DIRECTOR_FIELDS},
        answers=lambda form: {name: form.cleaned_data[name] for name in application_services.DIRECTOR_FIELDS},
        success="Director saved",
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def application_declarations(request, pk: int):
    return _application_form_page(
        request,
        pk,
        form_class=DeclarationsForm,
        template="funding/application_declarations.html",
        initial=lambda a: {
            "declarations": [name for name in application_services.DECLARATION_FIELDS if getattr(a, name)]
        },
        answers=lambda form: form.answers(),
        success="Declarations saved",
    )


@employer_view(Role.COORDINATOR)
def application_actions(request, pk: int):
    application = grant_application_get(actor=request.actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return render(
        request,
        "funding/application_actions.html",
        {
            "application": application,
            "actions": list(application.actions.all()),
            "editable": application.is_editable,
            "progress_only": application.status == GrantApplication.Status.ACCEPTED,
        },
    )


def _action_values(form) -> dict:
    data = form.cleaned_data
    return {
        "action": data["action"],
        "owner": data["owner"],
        "due_on": data["due_on"],
        "progress": data["progress"],
        "progress_note": data.get("progress_note") or "",
    }


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def action_add(request, pk: int):
    actor = request.actor
    application = grant_application_get(actor=actor, pk=pk)
    form = ActionForm(
        request.POST if request.method == "POST" else None, initial={"version": application.version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            application_services.action_add(
                actor=actor,
                application=application,
                version=form.cleaned_data["version"],
                **_action_values(form),
            )
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Action added to the action plan")
            return redirect("funding:application_actions", pk=application.pk)
    return render(
        request,
        "funding/action_form.html",
        {"application": application, "form": form, "item": None, "editable": application.is_editable},
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def action_change(request, pk: int):
    """Change an action (draft or returned application) or record its progress (accepted application)."""
    actor = request.actor
    item = action_item_get(actor=actor, pk=pk)
    application = item.application
    progress_only = application.status == GrantApplication.Status.ACCEPTED
    data = request.POST if request.method == "POST" else None
    if progress_only:
        form = ProgressForm(
            data,
            initial={"progress": item.progress, "progress_note": item.progress_note, "version": item.version},
        )
    else:
        initial = {
            "action": item.action,
            "owner": item.owner,
            "progress": item.progress,
            "progress_note": item.progress_note,
            "version": item.version,
            "due_on_day": item.due_on.day,
            "due_on_month": item.due_on.month,
            "due_on_year": item.due_on.year,
        }
        form = ActionForm(data, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        values = (
            {
                "progress": form.cleaned_data["progress"],
                "progress_note": form.cleaned_data["progress_note"] or "",
            }
            if progress_only
            else _action_values(form)
        )
        try:
            application_services.action_update(
                actor=actor, item=item, version=form.cleaned_data["version"], **values
            )
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Progress saved" if progress_only else "Action changed")
            return redirect("funding:application_actions", pk=application.pk)
    return render(
        request,
        "funding/action_form.html",
        {
            "application": application,
            "form": form,
            "item": item,
            "progress_only": progress_only,
            "editable": application.is_editable or progress_only,
        },
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def action_remove(request, pk: int):
    actor = request.actor
    item = action_item_get(actor=actor, pk=pk)
    application = item.application
    form = ConfirmVersionForm(
        request.POST if request.method == "POST" else None, initial={"version": item.version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            application_services.action_remove(actor=actor, item=item, version=form.cleaned_data["version"])
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Action removed from the action plan")
            return redirect("funding:application_actions", pk=application.pk)
    return render(
        request,
        "funding/action_remove.html",
        {"application": application, "item": item, "form": form, "editable": application.is_editable},
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def application_submit(request, pk: int):
    """Check your answers, then submit the application to national staff."""
    actor = request.actor
    application = grant_application_get(actor=actor, pk=pk)
    form = ConfirmVersionForm(
        request.POST if request.method == "POST" else None, initial={"version": application.version}
    )
    status = 200
    problems = application_services.application_problems(application)
    if request.method == "POST" and form.is_valid():
        try:
            application_services.grant_application_submit(
                actor=actor, application=application, version=form.cleaned_data["version"]
            )
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, f"Your grant application for {application.funding_year} has been submitted"
            )
            return redirect("funding:application", pk=application.pk)
    return render(
        request,
        "funding/application_submit.html",
        {
            "application": application,
            "form": form,
            "problems": problems,
            "problem_links": _problem_links(application, problems),
            "actions": list(application.actions.all()),
            "declarations": DeclarationsForm.base_fields["declarations"].choices,
            "declared": {
                name: getattr(application, name) for name in application_services.DECLARATION_FIELDS
            },
        },
        status=status,
    )


def _problem_links(application: GrantApplication, problems: dict) -> list[dict]:
    """Each reason the application cannot be submitted, linked to the page that fixes it."""
    pages = {
        "contact": reverse("funding:application_contact", args=[application.pk]),
        "director": reverse("funding:application_director", args=[application.pk]),
        "declares": reverse("funding:application_declarations", args=[application.pk]),
        "actions": reverse("funding:application_actions", args=[application.pk]),
    }
    links = []
    for name, messages_ in problems.items():
        url = next(url for prefix, url in pages.items() if name.startswith(prefix))
        links += [{"url": url, "message": message} for message in messages_]
    return links


# --- Statements ----------------------------------------------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def statements(request):
    page = Paginator(statement_list(actor=request.actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "funding/statements.html", {"page": page, "query": ""})


@employer_view(Role.COORDINATOR)
def statement_detail(request, pk: int):
    statement = statement_get(actor=request.actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return render(
        request,
        "funding/statement.html",
        {"statement": statement, "lines": statement_lines(statement)},
    )


def download(statement, kind: str) -> HttpResponse:
    """The statement as an attachment: XLSX or CSV."""
    if kind == "xlsx":
        body = exports.statement_xlsx(statement)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.statement_csv(statement)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(statement, kind)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@employer_view(Role.COORDINATOR)
def statement_download(request, pk: int, kind: str):
    statement = statement_get(actor=request.actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return download(statement, kind)
