"""The registration pages: registering an NQSW (question pages ending in check your answers), the
dashboard of registrations, one registration's record and timeline, and the co-ordinator's actions.

Views read through ``programmes.selectors`` (scoped to the actor: another employer's registration is
a 404) and write through ``programmes.services``. The answers of a registration in progress wait in
the session, under a key of the employer's, so nothing is saved until the co-ordinator confirms.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.accounts.models import Role
from asye.accounts.selectors import membership_list
from asye.errors import Conflict
from asye.tenancy.models import ServiceArea
from asye.web.decorators import employer_view
from programmes import services
from programmes.corrections import correction_history
from programmes.duplicates import registrations_of_same_person
from programmes.eligibility import (
    RegistrationFacts,
    check_registration,
    funding_decision,
    open_funding_years,
)
from programmes.forms import (
    NO_ASSESSOR,
    DeferForm,
    ExtendForm,
    HoursForm,
    NameForm,
    PersonChoiceForm,
    QualificationDateForm,
    QuestionForm,
    RegistrationDetailsForm,
    RegistrationFilterForm,
    ResumeForm,
    ServiceAreaForm,
    StartDateForm,
    SweNumberForm,
    WithdrawForm,
    hours_or_none,
    hours_text,
    show_errors,
)
from programmes.models import FundingStatus, Registration, RegistrationStatus
from programmes.nightly import upcoming_changes
from programmes.progress_store import flag_filter, progress_catch_up, stored_progress
from programmes.selectors import OPEN_STATUSES, registration_get, registration_list
from programmes.support_selectors import FLAG_LABELS, registration_support
from programmes.transfers import transfer_of_registration, transfer_waiting_count
from reviews.selectors import support_plan_registration_ids

VIEWER_ROLES = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
PAGE_SIZE = 50

FUNDING_TAG_COLOURS = {
    FundingStatus.AWAITING_APPROVAL: "blue",
    FundingStatus.APPROVED: "green",
    FundingStatus.REJECTED: "red",
    FundingStatus.UNFUNDED: "grey",
}
STATUS_TAG_COLOURS = {
    RegistrationStatus.ACTIVE: "blue",
    RegistrationStatus.DEFERRED: "grey",
    RegistrationStatus.WITHDRAWN: "red",
    RegistrationStatus.TRANSFERRED: "purple",
    RegistrationStatus.COMPLETED: "green",
}


# --- Register an NQSW ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    slug: str
    url_name: str
    form_class: type[QuestionForm]
    template: str
    title: str
    summary_label: str


STEPS: tuple[Step, ...] = (
    Step(
        "service-area",
        "register_service_area",
        ServiceAreaForm,
        "programmes/register_service_area.html",
        "Which service area will the NQSW work in?",
        "Service area",
    ),
    Step(
        "name",
        "register_name",
        NameForm,
        "programmes/register_name.html",
        "What is the NQSW's name?",
        "Name",
    ),
    Step(
        "swe-number",
        "register_swe_number",
        SweNumberForm,
        "programmes/register_swe_number.html",
        "What is the NQSW's Social Work England number?",
        "Social Work England number",
    ),
    Step(
        "qualification-date",
        "register_qualification_date",
        QualificationDateForm,
        "programmes/register_date.html",
        "When did the NQSW qualify?",
        "Qualification date",
    ),
    Step(
        "start-date",
        "register_start_date",
        StartDateForm,
        "programmes/register_date.html",
        "When does the NQSW start the programme?",
        "Start date",
    ),
    Step(
        "hours",
        "register_hours",
        HoursForm,
        "programmes/register_hours.html",
        "How many hours a week is the NQSW contracted to work?",
        "Contracted hours a week",
    ),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def _journey_key(request) -> str:
    # One journey per employer: answers never follow a co-ordinator who switches employer.
    return f"programmes.register_nqsw.{request.actor.employer_id}"


def _created_key(request) -> str:
    return f"programmes.register_nqsw.created.{request.actor.employer_id}"


def _journey(request) -> dict:
    journey = request.session.get(_journey_key(request)) or {}
    return {"answers": dict(journey.get("answers", {})), "errors": dict(journey.get("errors", {}))}


def _save_journey(request, journey: dict) -> None:
    request.session[_journey_key(request)] = journey


def _date_or_none(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _facts(answers: dict[str, str]) -> RegistrationFacts:
    return RegistrationFacts(
        first_name=answers.get("first_name", ""),
        last_name=answers.get("last_name", ""),
        email=answers.get("email", ""),
        swe_number=answers.get("swe_number", ""),
        qualification_date=_date_or_none(answers.get("qualification_date")),
        start_date=_date_or_none(answers.get("start_date")),
        contracted_hours=hours_or_none(answers.get("contracted_hours", "")),
        service_area=answers.get("service_area", ""),
    )


def _first_unanswered(answers: dict[str, str]) -> Step | None:
    for step in STEPS:
        if any(name not in answers for name in step.form_class.answer_fields):
            return step
    return None


def _step_url(step: Step, *, change: bool = False) -> str:
    url = reverse(f"programmes:{step.url_name}")
    return f"{url}?change=1" if change else url


def _back_to_first_error(request, journey: dict, errors: dict[str, list[str]]):
    """Send the co-ordinator to the first page with a problem, which shows it, then back to check."""
    journey["errors"] = errors
    _save_journey(request, journey)
    for step in STEPS:
        if any(name in errors for name in step.form_class.answer_fields):
            return redirect(_step_url(step, change=True))
    return redirect(_step_url(STEPS[0], change=True))


@employer_view(Role.COORDINATOR)
@require_GET
def register_start(request):
    """Start registering an NQSW: any answers left from an abandoned attempt are forgotten."""
    request.session.pop(_journey_key(request), None)
    return redirect(_step_url(STEPS[0]))


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def register_step(request, step: str):
    """One question page. Its answers are checked by the registration rules before moving on."""
    step_ = STEP_BY_SLUG[step]
    form_class = step_.form_class
    journey = _journey(request)
    answers = journey["answers"]
    changing = request.GET.get("change") == "1"
    index = STEPS.index(step_)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            merged = {**answers, **form.answers()}
            today = clock.today()
            errors, _version = check_registration(
                _facts(merged),
                today=today,
                employer_type=request.actor.employer.employer_type,
                allowed_years=open_funding_years(today),
            )
            own = {name: errors[name] for name in form_class.answer_fields if name in errors}
            if own:
                show_errors(form, own)
            else:
                journey["answers"] = merged
                journey["errors"] = {
                    k: v for k, v in journey["errors"].items() if k not in form_class.answer_fields
                }
                _save_journey(request, journey)
                if changing or index == len(STEPS) - 1:
                    return redirect("programmes:register_check")
                return redirect(_step_url(STEPS[index + 1]))
    else:
        stashed = {
            name: journey["errors"][name] for name in form_class.answer_fields if name in journey["errors"]
        }
        if stashed:
            form = form_class(form_class.data_from(answers))
            form.is_valid()
            show_errors(form, stashed)
        else:
            form = form_class(initial=form_class.data_from(answers))
    if changing:
        back_url = reverse("programmes:register_check")
    elif index > 0:
        back_url = _step_url(STEPS[index - 1])
    else:
        back_url = reverse("programmes:list")
    return render(
        request,
        step_.template,
        {"form": form, "step": step_, "back_url": back_url, "changing": changing},
    )


def _summary_rows(facts: RegistrationFacts) -> list[dict]:
    by_slug = {
        "service-area": ServiceArea(facts.service_area).label
        if facts.service_area in ServiceArea.values
        else "",
        "name": f"{facts.first_name} {facts.last_name}",
        "swe-number": facts.swe_number,
        "qualification-date": facts.qualification_date,
        "start-date": facts.start_date,
        "hours": hours_text(facts.contracted_hours),
    }
    rows = []
    for step in STEPS:
        rows.append(
            {
                "key": step.summary_label,
                "value": by_slug[step.slug],
                "href": _step_url(step, change=True),
                "slug": step.slug,
            }
        )
        if step.slug == "name":
            rows.append(
                {
                    "key": "Email address",
                    "value": facts.email or "Not given",
                    "href": _step_url(step, change=True),
                    "slug": "email",
                }
            )
    return rows


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def register_check(request):
    """Check your answers: the framework the NQSW would start under and the funding outlook, then
    register. Every rule is checked again here, so a stale or tampered answer cannot get through."""
    actor = request.actor
    journey = _journey(request)
    answers = journey["answers"]
    unanswered = _first_unanswered(answers)
    if unanswered is not None:
        return redirect(_step_url(unanswered))
    if request.method == "POST":
        try:
            registration = services.registration_create(actor=actor, facts=_facts(answers))
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"swe_number": error.messages}
            return _back_to_first_error(request, journey, errors)
        except IntegrityError:
            # Registered in another tab meanwhile: the rules now say why.
            errors, _version = services.registration_validate(actor=actor, facts=_facts(answers))
            fallback = {"swe_number": ["This NQSW was registered while you were checking your answers"]}
            return _back_to_first_error(request, journey, errors or fallback)
        request.session.pop(_journey_key(request), None)
        request.session[_created_key(request)] = registration.pk
        return redirect("programmes:register_confirmation")
    facts = _facts(answers)
    errors, version = services.registration_validate(actor=actor, facts=facts)
    if errors:
        return _back_to_first_error(request, journey, errors)
    funding_status, funding_note = funding_decision(
        qualification_date=facts.qualification_date, start_date=facts.start_date, version=version
    )
    return render(
        request,
        "programmes/register_check.html",
        {
            "rows": _summary_rows(facts),
            "version": version,
            "eligible": funding_status != FundingStatus.UNFUNDED,
            "funding_note": funding_note,
            "qualification_years": version.funding_qualification_years,
            # The employer's own registrations only: another employer's are never looked at here.
            "same_person": registrations_of_same_person(
                actor=actor,
                first_name=facts.first_name,
                last_name=facts.last_name,
                qualification_date=facts.qualification_date,
                email=facts.email,
            ),
        },
    )


@employer_view(Role.COORDINATOR)
@require_GET
def register_confirmation(request):
    pk = request.session.get(_created_key(request))
    if not pk:
        return redirect("programmes:list")
    registration = registration_get(actor=request.actor, pk=pk)
    return render(request, "programmes/register_confirmation.html", {"registration": registration})


# --- The dashboard -------------------------------------------------------------------------------


def _assessor_choices(registrations) -> list[tuple[int, str]]:
    rows = (
        registrations.exclude(assessor__isnull=True)
        .order_by("assessor__full_name", "assessor__email")
        .values_list("assessor_id", "assessor__full_name", "assessor__email")
        .distinct()
    )
    return [(pk, name or email) for pk, name, email in rows]


@employer_view(*VIEWER_ROLES)
@require_GET
def registration_list_view(request):
    """Co-ordinators see every NQSW of the employer; assessors and line managers their own."""
    actor = request.actor
    today = clock.today()
    # Flags and "next due" are read from what is kept on each registration, so the list filters, counts
    # and pages in SQL; anything not yet worked out today is worked out first.
    progress_catch_up(registration_list(actor=actor), today=today)
    registrations = registration_list(actor=actor).select_related("assessor", "line_manager")
    funding_years = list(
        registrations.order_by("-funding_year").values_list("funding_year", flat=True).distinct()
    )
    choices = {"funding_years": funding_years, "assessors": _assessor_choices(registrations)}
    filters = RegistrationFilterForm(request.GET, **choices).values()
    # Shown unbound: a filter that is not offered is ignored, not reported as an error.
    form = RegistrationFilterForm(initial=filters, **choices)
    status = filters["status"]
    if filters["funding_year"]:
        registrations = registrations.filter(funding_year=filters["funding_year"])
    if filters["assessor"] == NO_ASSESSOR:
        registrations = registrations.filter(assessor__isnull=True)
    elif filters["assessor"]:
        registrations = registrations.filter(assessor_id=int(filters["assessor"]))
    if status == "open":
        registrations = registrations.filter(status__in=OPEN_STATUSES)
    elif status in RegistrationStatus.values:
        registrations = registrations.filter(status=status)
    if status in FLAG_LABELS:
        registrations = registrations.filter(flag_filter(status))
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    arranged = upcoming_changes(page.object_list, today=today)
    rows = [
        {
            "registration": registration,
            "support": stored_progress(registration),
            "arranged": arranged[registration.pk],
            "funding_colour": FUNDING_TAG_COLOURS.get(registration.funding_status, "grey"),
            "status_colour": STATUS_TAG_COLOURS.get(registration.status, "grey"),
        }
        for registration in page.object_list
    ]
    chosen = {name: value for name, value in filters.items() if value}
    return render(
        request,
        "programmes/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": bool(chosen),
            "query": urlencode(chosen) + "&" if chosen else "",
            "is_coordinator": actor.has_role(Role.COORDINATOR),
            "support_plan_ids": support_plan_registration_ids(actor=actor),
            "transfers_waiting": transfer_waiting_count(actor=actor),
            "today": today,
        },
    )


# --- One registration ----------------------------------------------------------------------------


@employer_view(*VIEWER_ROLES)
def registration_detail(request, pk: int):
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if request.method not in ("GET", "HEAD"):
        # Checked after the read, so that another employer's registration is a 404 whatever the method.
        return HttpResponseNotAllowed(["GET", "HEAD"])
    today = clock.today()
    # The timeline's states and the flags worked out from the records now (programmes.progress).
    progress = registration_support([registration], today=today)[registration.pk]
    return render(
        request,
        "programmes/detail.html",
        {
            "registration": registration,
            "support": progress,
            "progress": progress,
            "items": progress.items,
            "supervision": progress.supervision,
            "next_due": progress.next_item,
            "arranged": upcoming_changes([registration], today=today)[registration.pk],
            "deferrals": list(registration.deferrals.all()),
            "allocations": list(registration.assessor_allocations.select_related("assessor")),
            "funding_colour": FUNDING_TAG_COLOURS.get(registration.funding_status, "grey"),
            "status_colour": STATUS_TAG_COLOURS.get(registration.status, "grey"),
            "hours": hours_text(registration.contracted_hours),
            "can_act": actor.has_role(Role.COORDINATOR),
            "transfer": transfer_of_registration(actor=actor, registration=registration),
            "corrections": correction_history(registration=registration),
            "today": today,
        },
    )


def _bound(request):
    return request.POST if request.method == "POST" else None


def _carried(request) -> list[tuple[str, str]]:
    """The answers of a form, carried through its confirmation page in hidden inputs."""
    return [
        (name, value)
        for name, value in request.POST.items()
        if name not in ("csrfmiddlewaretoken", "confirm")
    ]


def _registration_action(
    request,
    pk: int,
    *,
    make_form: Callable[[QueryDict | None, Registration], forms.Form],
    perform: Callable[[Registration, dict], object],
    success: Callable[[Registration, dict], str],
    template: str,
    confirm_template: str = "",
    **context,
):
    """A co-ordinator's action on a registration, as its own page.

    GET shows the form. POST checks it and calls ``perform`` (a service); on success a banner and the
    registration's page. With ``confirm_template`` (destructive actions) a valid form first shows a
    confirmation page that posts the same answers back with ``confirm=yes``. A stale version (the
    registration changed since the page was shown) is refused with a message and a 409.
    """
    registration = registration_get(actor=request.actor, pk=pk)
    form = make_form(_bound(request), registration)
    status = 200
    if request.method == "POST" and form.is_valid():
        if confirm_template and request.POST.get("confirm") != "yes":
            return render(
                request,
                confirm_template,
                {"registration": registration, "form": form, "carried": _carried(request)},
            )
        try:
            perform(registration, form.cleaned_data)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, success(registration, form.cleaned_data))
            return redirect("programmes:detail", pk=registration.pk)
    return render(
        request,
        template,
        {"registration": registration, "form": form, "conflict": status == 409, **context},
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_change(request, pk: int):
    """Change the email address or contracted hours (the name, number and dates are corrected with a
    reason: ``programmes.correction_views``)."""

    def make_form(data, registration):
        initial = {
            "email": registration.email,
            "contracted_hours": hours_text(registration.contracted_hours),
            "version": registration.version,
        }
        return RegistrationDetailsForm(data, initial=initial)

    return _registration_action(
        request,
        pk,
        make_form=make_form,
        perform=lambda registration, data: services.registration_update(
            actor=request.actor,
            registration=registration,
            version=data["version"],
            **{name: data[name] for name in RegistrationDetailsForm.changed_fields},
        ),
        success=lambda registration, data: f"{registration.full_name}'s details have been updated",
        template="programmes/change.html",
    )


def _versioned(form_class, **kwargs):
    """Make a form of ``form_class`` that carries the registration's version."""
    return lambda data, registration: form_class(data, initial={"version": registration.version}, **kwargs)


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_defer(request, pk: int):
    return _registration_action(
        request,
        pk,
        make_form=_versioned(DeferForm),
        perform=lambda registration, data: services.registration_defer(
            actor=request.actor,
            registration=registration,
            started_on=data["started_on"],
            reason=data["reason"],
            version=data["version"],
        ),
        success=lambda registration, data: (
            f"{registration.full_name}'s programme is deferred. Their due dates wait until they resume."
        ),
        template="programmes/defer.html",
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_resume(request, pk: int):
    return _registration_action(
        request,
        pk,
        make_form=_versioned(ResumeForm),
        perform=lambda registration, data: services.registration_resume(
            actor=request.actor, registration=registration, ended_on=data["ended_on"], version=data["version"]
        ),
        success=lambda registration, data: (
            f"{registration.full_name} has resumed the programme. Their due dates have moved."
        ),
        template="programmes/resume.html",
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_extend(request, pk: int):
    return _registration_action(
        request,
        pk,
        make_form=_versioned(ExtendForm),
        perform=lambda registration, data: services.registration_extend(
            actor=request.actor,
            registration=registration,
            days=data["days"],
            reason=data["reason"],
            version=data["version"],
        ),
        success=lambda registration, data: f"{registration.full_name}'s programme is extended",
        template="programmes/extend.html",
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_withdraw(request, pk: int):
    """Withdraw: the form, then a confirmation page, then the change."""
    return _registration_action(
        request,
        pk,
        make_form=_versioned(WithdrawForm),
        perform=lambda registration, data: services.registration_withdraw(
            actor=request.actor,
            registration=registration,
            on=data["on"],
            reason=data["reason"],
            version=data["version"],
        ),
        success=lambda registration, data: f"{registration.full_name} has been withdrawn from the programme",
        template="programmes/withdraw.html",
        confirm_template="programmes/withdraw_confirm.html",
    )


def _people_holding(request, role: str) -> list[tuple[int, str]]:
    people: dict[int, str] = {}
    for membership in membership_list(actor=request.actor).filter(role=role):
        user = membership.user
        people[user.pk] = f"{user.full_name} ({user.email})" if user.full_name else user.email
    return list(people.items())


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_assessor(request, pk: int):
    """Allocate an assessor (kept as history; the learning agreement must be signed again)."""
    people = _people_holding(request, Role.ASSESSOR)
    return _registration_action(
        request,
        pk,
        make_form=lambda data, registration: PersonChoiceForm(
            data,
            people=people,
            label="Who will assess the NQSW?",
            hint="The NQSW and their new assessor will need to sign the learning agreement again.",
            required_message="Select an assessor",
            initial={"person": registration.assessor_id},
        ),
        perform=lambda registration, data: services.registration_allocate_assessor(
            actor=request.actor, registration=registration, assessor_id=data["person"]
        ),
        success=lambda registration, data: (
            f"{registration.full_name}'s assessor has been changed. "
            "The learning agreement needs to be signed again."
        ),
        template="programmes/choose_person.html",
        title="Allocate an assessor",
        role_label="assessor",
        invite_role=Role.ASSESSOR,
        has_people=bool(people),
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_line_manager(request, pk: int):
    people = _people_holding(request, Role.LINE_MANAGER)
    return _registration_action(
        request,
        pk,
        make_form=lambda data, registration: PersonChoiceForm(
            data,
            people=people,
            label="Who is the NQSW's line manager?",
            hint="They sign reviews and keep the NQSW's caseload and protected time within the rules.",
            required_message="Select a line manager",
            initial={"person": registration.line_manager_id},
        ),
        perform=lambda registration, data: services.registration_set_line_manager(
            actor=request.actor, registration=registration, line_manager_id=data["person"]
        ),
        success=lambda registration, data: f"{registration.full_name}'s line manager has been changed",
        template="programmes/choose_person.html",
        title="Set the line manager",
        role_label="line manager",
        invite_role=Role.LINE_MANAGER,
        has_people=bool(people),
    )
