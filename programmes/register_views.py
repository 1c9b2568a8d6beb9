"""Registering an NQSW: one question a page, then check your answers and the confirmation.

The answers of a registration in progress wait in the session, under a key of the employer's, so nothing
is saved until the co-ordinator confirms. Writes go through ``programmes.services.registration_create``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.accounts.models import Role
from asye.tenancy.models import ServiceArea
from asye.web.decorators import employer_view
from programmes import services
from programmes.duplicates import registrations_of_same_person
from programmes.eligibility import RegistrationFacts, check_registration, funding_decision, open_funding_years
from programmes.forms import (
    HoursForm,
    NameForm,
    QualificationDateForm,
    QuestionForm,
    ServiceAreaForm,
    StartDateForm,
    SweNumberForm,
    hours_or_none,
    hours_text,
    show_errors,
)
from programmes.models import FundingStatus
from programmes.selectors import registration_get

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
