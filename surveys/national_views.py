"""National staff's survey pages: the rounds, a new round with its dates, a round's figures and each
group's results, the exports, and sending what is due today at once. They run in the audited national
scope (``national_view``) and render inside it; writes go through ``surveys.services``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asye import clock
from asye.tenancy.national import national_view
from asye.web.dates import date_data
from asye.web.flow import form_page
from asye.web.forms import answers, posted
from surveys import exports, selectors, services
from surveys.forms import RoundCreateForm, RoundDatesForm
from surveys.models import SurveyGroup


@national_view
@require_GET
def rounds(request):
    return render(
        request,
        "surveys/national/rounds.html",
        {
            "rounds": selectors.round_list_national(actor=request.actor),
            "questionnaires": selectors.questionnaire_list_national(actor=request.actor),
            "today": clock.today(),
        },
    )


@national_view
@require_http_methods(["GET", "HEAD", "POST"])
def round_create(request):
    actor = request.actor
    year = clock.today().year if clock.today().month < 3 else clock.today().year + 1
    initial = {"year": year}
    for name, value in services.default_dates(year).items():
        initial.update(date_data(name, value))
    return form_page(
        request,
        RoundCreateForm(posted(request), initial=initial),
        template="surveys/national/round_form.html",
        context={"survey_round": None},
        save=lambda data: services.survey_round_create(
            actor=actor, year=data["year"], **answers(data, *services.DATE_FIELDS)
        ),
        done=lambda saved: redirect("national_surveys:round", pk=saved.pk),
        message=lambda saved: f"The {saved.year} survey round has been created",
    )


@national_view
@require_GET
def round_detail(request, pk: int):
    actor = request.actor
    survey_round = selectors.round_get_national(actor=actor, pk=pk)
    return render(
        request,
        "surveys/national/round.html",
        {
            "survey_round": survey_round,
            "figures": selectors.round_figures(actor=actor, survey_round=survey_round),
            "today": clock.today(),
            "minimum": selectors.MINIMUM_RESPONSES,
        },
    )


@national_view
@require_http_methods(["GET", "HEAD", "POST"])
def round_dates(request, pk: int):
    actor = request.actor
    survey_round = selectors.round_get_national(actor=actor, pk=pk)
    initial = {"version": survey_round.version}
    for name in services.DATE_FIELDS:
        initial.update(date_data(name, getattr(survey_round, name)))
    return form_page(
        request,
        RoundDatesForm(posted(request), initial=initial),
        template="surveys/national/round_form.html",
        context={"survey_round": survey_round},
        save=lambda data: services.survey_round_set_dates(
            actor=actor,
            survey_round=survey_round,
            version=data["version"],
            **answers(data, *services.DATE_FIELDS),
        ),
        done=lambda saved: redirect("national_surveys:round", pk=survey_round.pk),
        message="The dates have been saved",
        current_version=lambda: selectors.round_get_national(actor=actor, pk=pk).version,
    )


@national_view
@require_POST
def send_due(request, pk: int):
    """Send today's due invitations and reminders now rather than at the daily run (the same service:
    what has been sent is not sent again)."""
    survey_round = selectors.round_get_national(actor=request.actor, pk=pk)
    sent = services.survey_emails_send_due()
    messages.success(
        request,
        f"{sent['invitations']} invitation{'s' if sent['invitations'] != 1 else ''} and "
        f"{sent['reminders']} reminder{'s' if sent['reminders'] != 1 else ''} sent",
    )
    return redirect("national_surveys:round", pk=survey_round.pk)


@national_view
@require_GET
def group_results(request, pk: int, group: str):
    actor = request.actor
    if group not in SurveyGroup.values:
        raise Http404
    survey_round = selectors.round_get_national(actor=actor, pk=pk)
    questionnaire, results = selectors.group_results(actor=actor, survey_round=survey_round, group=group)
    return render(
        request,
        "surveys/national/results.html",
        {
            "survey_round": survey_round,
            "group_label": SurveyGroup(group).label,
            "questionnaire": questionnaire,
            "results": results,
            "minimum": selectors.MINIMUM_RESPONSES,
        },
    )


@national_view
@require_GET
def results_download(request, pk: int, kind: str):
    actor = request.actor
    survey_round = selectors.round_get_national(actor=actor, pk=pk)
    make = exports.results_xlsx if kind == "xlsx" else exports.results_csv
    response = HttpResponse(
        make(actor=actor, survey_round=survey_round), content_type=exports.CONTENT_TYPES[kind]
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(survey_round, kind)}"'
    return response


@national_view
@require_GET
def questionnaire(request, pk: int):
    item = selectors.questionnaire_get_national(actor=request.actor, pk=pk)
    return render(
        request,
        "surveys/national/questionnaire.html",
        {"questionnaire": item, "questions": list(item.questions.order_by("position"))},
    )
