"""The co-ordinator's grant application pages: the applications, starting one, its task list, its
contact, director and declaration questions, the action plan (add, change, remove an action) and
submitting it.

Every page reads through ``funding.selectors`` (scoped to the actor: another employer's application or
action is a 404, whatever the method) and writes through ``funding.application_services``.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.web.decorators import GET_ONLY, employer_view, opens
from asye.web.flow import form_page
from asye.web.forms import posted
from funding import application_services
from funding.forms import (
    ActionForm,
    ConfirmVersionForm,
    ContactForm,
    DeclarationsForm,
    DirectorForm,
    ProgressForm,
    StartApplicationForm,
)
from funding.models import GrantApplication
from funding.selectors import action_item_get, grant_application_get, grant_application_list

# A form page about one record (an application, an action, a claim, a payment statement): read first
# (another employer's is a 404 whatever the method), then a GET shows the form and a POST saves it.
FORM_METHODS = ("GET", "POST")

# --- Grant applications ----------------------------------------------------------------------------------


def years_to_start(actor, applications) -> list:
    """The funding years open for applications that the employer has not started one for."""
    started = {application.funding_year_id for application in applications}
    return [year for year in application_services.application_years() if year.pk not in started]


@employer_view(Role.COORDINATOR)
@require_GET
def applications(request):
    actor = request.actor
    rows = list(grant_application_list(actor=actor))
    return render(
        request,
        "funding/applications.html",
        {"applications": rows, "years_to_start": years_to_start(actor, rows)},
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def application_start(request):
    actor = request.actor
    years = years_to_start(actor, list(grant_application_list(actor=actor)))
    form = StartApplicationForm(posted(request), years=years)
    if len(years) == 1:
        form.initial["funding_year"] = str(years[0].pk)
    return form_page(
        request,
        form,
        template="funding/application_start.html",
        context={"years": years},
        save=lambda data: application_services.grant_application_start(
            actor=actor, funding_year_id=int(data["funding_year"])
        ),
        done=lambda application: redirect("funding:application", pk=application.pk),
        message=lambda application: f"Your grant application for {application.funding_year} has been started",
    )


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
@opens(grant_application_get, GET_ONLY)
def application_detail(request, application):
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


def _application_page(application: GrantApplication, editable: bool = False, **names) -> dict:
    """What every form page of an application shows: the application, and whether it can change now."""
    return {"application": application, "editable": application.is_editable or editable, **names}


def _application_form_page(
    request, application, *, form_class, template: str, initial, answers, success: str
):
    """A page of the application (contact, director, declarations): GET shows it, POST saves it."""
    actor = request.actor
    form = form_class(posted(request), initial={**initial(application), "version": application.version})
    return form_page(
        request,
        form,
        template=template,
        context=_application_page(application),
        save=lambda data: application_services.grant_application_update(
            actor=actor, application=application, version=data["version"], **answers(form)
        ),
        done=lambda _saved: redirect("funding:application", pk=application.pk),
        message=success,
    )


def _answers_view(name: str, *, fields: tuple[str, ...], **options):
    """A view of an application page whose answers are the application's fields of the same names."""

    @employer_view(Role.COORDINATOR)
    @opens(grant_application_get, FORM_METHODS)
    def view(request, application):
        return _application_form_page(
            request,
            application,
            initial=lambda application: {field: getattr(application, field) for field in fields},
            answers=lambda form: {field: form.cleaned_data[field] for field in fields},
            **options,
        )

    view.__name__ = view.__qualname__ = name
    return view


application_contact = _answers_view(
    "application_contact",
    fields=application_services.CONTACT_FIELDS,
    form_class=ContactForm,
    template="funding/application_contact.html",
    success="Primary contact saved",
)
application_director = _answers_view(
    "application_director",
    fields=application_services.DIRECTOR_FIELDS,
    form_class=DirectorForm,
    template="funding/application_director.html",
    success="Director saved",
)


@employer_view(Role.COORDINATOR)
@opens(grant_application_get, FORM_METHODS)
def application_declarations(request, application):
    return _application_form_page(
        request,
        application,
        form_class=DeclarationsForm,
        template="funding/application_declarations.html",
        initial=lambda a: {
            "declarations": [name for name in application_services.DECLARATION_FIELDS if getattr(a, name)]
        },
        answers=lambda form: form.answers(),
        success="Declarations saved",
    )


@employer_view(Role.COORDINATOR)
@opens(grant_application_get, GET_ONLY)
def application_actions(request, application):
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
@opens(grant_application_get, FORM_METHODS)
def action_add(request, application):
    actor = request.actor
    form = ActionForm(posted(request), initial={"version": application.version})
    return form_page(
        request,
        form,
        template="funding/action_form.html",
        context=_application_page(application, item=None),
        save=lambda data: application_services.action_add(
            actor=actor, application=application, version=data["version"], **_action_values(form)
        ),
        done=lambda _saved: redirect("funding:application_actions", pk=application.pk),
        message="Action added to the action plan",
    )


@employer_view(Role.COORDINATOR)
@opens(action_item_get, FORM_METHODS)
def action_change(request, item):
    """Change an action (draft or returned application) or record its progress (accepted application)."""
    actor = request.actor
    application = item.application
    progress_only = application.status == GrantApplication.Status.ACCEPTED
    data = posted(request)
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

    def values(data) -> dict:
        if progress_only:
            return {"progress": data["progress"], "progress_note": data["progress_note"] or ""}
        return _action_values(form)

    return form_page(
        request,
        form,
        template="funding/action_form.html",
        context=_application_page(application, progress_only, item=item, progress_only=progress_only),
        save=lambda data: application_services.action_update(
            actor=actor, item=item, version=data["version"], **values(data)
        ),
        done=lambda _saved: redirect("funding:application_actions", pk=application.pk),
        message="Progress saved" if progress_only else "Action changed",
    )


@employer_view(Role.COORDINATOR)
@opens(action_item_get, FORM_METHODS)
def action_remove(request, item):
    actor = request.actor
    application = item.application
    return form_page(
        request,
        ConfirmVersionForm(posted(request), initial={"version": item.version}),
        template="funding/action_remove.html",
        context=_application_page(application, item=item),
        save=lambda data: application_services.action_remove(actor=actor, item=item, version=data["version"]),
        done=lambda _saved: redirect("funding:application_actions", pk=application.pk),
        message="Action removed from the action plan",
    )


@employer_view(Role.COORDINATOR)
@opens(grant_application_get, FORM_METHODS)
def application_submit(request, application):
    """Check your answers, then submit the application to national staff."""
    actor = request.actor
    problems = application_services.application_problems(application)
    return form_page(
        request,
        ConfirmVersionForm(posted(request), initial={"version": application.version}),
        template="funding/application_submit.html",
        context=lambda _flow: {
            "problems": problems,
            "problem_links": _problem_links(application, problems),
            **application_summary(application),
        },
        save=lambda data: application_services.grant_application_submit(
            actor=actor, application=application, version=data["version"]
        ),
        done=lambda _saved: redirect("funding:application", pk=application.pk),
        message=lambda _saved: f"Your grant application for {application.funding_year} has been submitted",
    )


def application_summary(application: GrantApplication) -> dict:
    """The context of ``funding/_application_summary.html``, the whole application to check: its answers,
    its actions, and each declaration with whether it was made."""
    return {
        "application": application,
        "actions": list(application.actions.all()),
        "declarations": DeclarationsForm.base_fields["declarations"].choices,
        "declared": {name: getattr(application, name) for name in application_services.DECLARATION_FIELDS},
    }


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
