"""The co-ordinator's 360 evaluation pages: the evaluations, opening this year's, a cycle's page, the
self-assessment (a page a theme), inviting respondents, closing it, and the report (page and PDF).

Every page reads the cycle through ``selectors.cycle_get`` (another employer's is a 404, whatever the
method) and writes through ``evaluations.services``.
"""

from __future__ import annotations

import functools

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.jobs.services import job_start
from asye.web.decorators import GET_ONLY, GET_OR_POST, GET_STARTS_WORK, employer_view, opens
from asye.web.flow import form_page
from asye.web.forms import posted
from evaluations import report_pdf, selectors, services
from evaluations.forms import CycleOpenForm, InviteForm, RatingsForm, VersionForm, statement_field_name
from evaluations.jobs import REPORT_PDF
from evaluations.models import RespondentType, year_label

COORDINATOR = Role.COORDINATOR


@employer_view(COORDINATOR)
@require_GET
def overview(request):
    actor = request.actor
    cycles = list(selectors.cycle_list(actor=actor))
    year = selectors.evaluation_year(clock.today())
    return render(
        request,
        "evaluations/overview.html",
        {
            "cycles": cycles,
            "can_open": not any(cycle.year == year for cycle in cycles),
            "year_label": year_label(year),
            "today": clock.today(),
        },
    )


@employer_view(COORDINATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def cycle_open(request):
    actor = request.actor
    year = selectors.evaluation_year(clock.today())
    return form_page(
        request,
        CycleOpenForm(posted(request)),
        template="evaluations/cycle_open.html",
        context={"year_label": year_label(year)},
        save=lambda data: services.cycle_open(actor=actor, closes_on=data["closes_on"]),
        done=lambda cycle: redirect("evaluations:cycle", pk=cycle.pk),
        message=lambda cycle: f"The 360 evaluation for {cycle.year_label} is open",
    )


def _theme_progress(cycle, structure, answers) -> list[dict]:
    return [
        {
            "number": number,
            "title": title,
            "answered": sum(1 for n, _ in statements if n in answers),
            "total": len(statements),
        }
        for number, title, statements in structure
    ]


@employer_view(COORDINATOR)
@opens(selectors.cycle_get, GET_ONLY)
def cycle(request, cycle):
    structure = selectors.framework_structure(cycle.framework)
    answers = selectors.self_assessment_answers(cycle)
    themes = _theme_progress(cycle, structure, answers)
    return render(
        request,
        "evaluations/cycle.html",
        {
            "cycle": cycle,
            "is_open": selectors.cycle_is_open(cycle),
            "report_available": selectors.report_available(cycle),
            "themes": themes,
            "self_complete": all(theme["answered"] == theme["total"] for theme in themes),
            "counts": selectors.cycle_counts(cycle),
            "invitations": [
                {**row, "label": RespondentType(row["respondent_type"]).label}
                for row in selectors.invitation_list(cycle)
            ],
        },
    )


@employer_view(COORDINATOR)
@opens(selectors.cycle_get, GET_OR_POST)
def self_assessment(request, cycle, theme: int):
    actor = request.actor
    structure = selectors.framework_structure(cycle.framework)
    found = [entry for entry in structure if entry[0] == theme]
    if not found:
        raise Http404("No such theme.")
    number, title, statements = found[0]
    answers = selectors.self_assessment_answers(cycle)
    response = selectors.self_assessment_get(cycle)
    initial = {
        statement_field_name(n): services.DONT_KNOW if answers[n] is None else str(answers[n])
        for n, _ in statements
        if n in answers
    }
    initial["version"] = response.version if response else None
    is_open = selectors.cycle_is_open(cycle)
    if request.method == "POST" and not is_open:
        return redirect("evaluations:cycle", pk=cycle.pk)
    form = RatingsForm(posted(request), statements=statements, versioned=True, initial=initial)
    themes = [entry[0] for entry in structure]
    following = [n for n in themes if n > theme]
    next_url = (
        reverse("evaluations:self_assessment", args=[cycle.pk, following[0]])
        if following
        else reverse("evaluations:cycle", args=[cycle.pk])
    )
    return form_page(
        request,
        form,
        template="evaluations/self_assessment.html",
        context={
            "cycle": cycle,
            "theme_number": number,
            "theme_number_str": str(number),
            "theme_title": title,
            "is_open": is_open,
        },
        save=lambda data: services.self_assessment_save(
            actor=actor, cycle=cycle, answers=form.answers(), version=data.get("version")
        ),
        done=lambda _saved: redirect(next_url),
        message=f"Your answers for theme {number} have been saved",
        current_version=lambda: selectors.self_assessment_get(cycle).version,
        rebind=lambda data: RatingsForm(data, statements=statements, versioned=True, initial=initial),
    )


def _people_choices(actor) -> list[tuple[str, str]]:
    choices = []
    for kind in (RespondentType.NQSW, RespondentType.ASSESSOR, RespondentType.LINE_MANAGER):
        label = RespondentType(kind).label
        for person in selectors.platform_people(actor=actor, respondent_type=kind):
            choices.append((f"{kind}:{person.pk}", f"{person.full_name or person.email} ({label})"))
    return choices


def _open_cycle_page(view):
    """A page that acts on an open cycle (inviting, closing): the cycle read through
    ``selectors.cycle_get`` (another employer's is a 404, whatever the method); once the cycle has closed,
    the page sends the co-ordinator back to the cycle's page."""

    @employer_view(COORDINATOR)
    @opens(selectors.cycle_get, GET_OR_POST)
    @functools.wraps(view)
    def page(request, cycle):
        if not selectors.cycle_is_open(cycle):
            return redirect("evaluations:cycle", pk=cycle.pk)
        return view(request, cycle)

    return page


@_open_cycle_page
def invite(request, cycle):
    actor = request.actor
    form = InviteForm(posted(request), people=_people_choices(actor))

    def link_builder(secret: str) -> str:
        return request.build_absolute_uri(reverse("evaluation_response:answer", args=[secret]))

    return form_page(
        request,
        form,
        template="evaluations/invite.html",
        context={"cycle": cycle},
        save=lambda data: services.invitations_send(
            actor=actor,
            cycle=cycle,
            people=form.picked(),
            emails=data["email_list"],
            email_type=data.get("email_type") or "",
            link_builder=link_builder,
        ),
        done=lambda _sent: redirect("evaluations:cycle", pk=cycle.pk),
        message=lambda sent: (
            f"{sent} invitation{'s' if sent != 1 else ''} sent"
            if sent
            else "Everyone you selected had already been invited"
        ),
    )


@_open_cycle_page
def close(request, cycle):
    actor = request.actor
    return form_page(
        request,
        VersionForm(posted(request), initial={"version": cycle.version}),
        template="evaluations/close.html",
        context={"cycle": cycle},
        save=lambda data: services.cycle_close(actor=actor, cycle=cycle, version=data["version"]),
        done=lambda closed: redirect("evaluations:cycle", pk=closed.pk),
        message="The evaluation is closed and its report is ready",
        current_version=lambda: selectors.cycle_get(actor=actor, pk=cycle.pk).version,
    )


def _report_ready(cycle) -> None:
    if not selectors.report_available(cycle):
        raise Http404("The report is ready once the evaluation closes.")


@employer_view(COORDINATOR)
@opens(selectors.cycle_get, GET_ONLY)
def report(request, cycle):
    _report_ready(cycle)
    result = selectors.employer_report(actor=request.actor, cycle=cycle)
    return render(request, "evaluations/report.html", report_pdf.report_context(result))


@employer_view(COORDINATOR)
@opens(selectors.cycle_get, GET_STARTS_WORK)
def report_download(request, cycle):
    _report_ready(cycle)
    # Made by a background job (evaluations.jobs) with the jobs' progress page and download.
    job = job_start(
        actor=request.actor,
        kind=REPORT_PDF,
        label=f"360 evaluation report {cycle.year_label}",
        params={"cycle_id": cycle.pk},
        back_url=reverse("evaluations:report", args=[cycle.pk]),
    )
    audit_record(actor=request.actor, obj=cycle, action="evaluation_report.downloaded")
    return redirect("jobs:progress", pk=job.public_id)
