"""The employer's side of national moderation, under /reviews/ (namespace ``reviews``).

Co-ordinators: the employer's portfolios in national moderation (sampled, or put forward voluntarily),
each case's status ("with a moderator" until the findings are sent) and then its findings; voluntary
submissions and their withdrawal; applications for good-practice endorsement and their decisions.
Co-ordinators and assessors: the published exemplars.

Everything is read through selectors scoped to the actor's employer, so another employer's case or
application is a 404, the same as a missing one; writes go through ``reviews.moderation_services``.
"""

from __future__ import annotations

from functools import partial

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.tenancy.models import ServiceArea
from asye.web.confirm import confirm_post
from asye.web.decorators import GET_ONLY, employer_view, opens
from asye.web.flow import form_flow, form_page
from portfolios.models import Portfolio
from reviews.models import GoodPracticeApplication, ModerationCase
from reviews.moderation_forms import GoodPracticeForm, VoluntarySubmitForm
from reviews.moderation_selectors import (
    EXEMPLAR_READERS,
    case_get,
    case_list,
    exemplar_get_published,
    exemplars_published,
    good_practice_get,
    good_practice_list,
    portfolios_to_submit,
)
from reviews.moderation_services import good_practice as good_practice_services
from reviews.moderation_services.submissions import moderation_submit_voluntary, moderation_withdraw_voluntary
from reviews.moderation_views.statuses import refused_status

# --- National moderation of the employer's portfolios --------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def moderation_list(request):
    actor = request.actor
    cases = list(case_list(actor=actor).order_by("-created_at", "-id"))
    return render(
        request,
        "reviews/moderation/employer_cases.html",
        {
            "cases": cases,
            "can_submit": portfolios_to_submit(actor=actor).exists(),
            "applications": good_practice_list(actor=actor).count(),
        },
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def moderation_submit(request):
    """Put one of the employer's submitted portfolios forward for national moderation."""
    actor = request.actor
    portfolios = list(portfolios_to_submit(actor=actor))

    def chosen(data) -> Portfolio:
        # Chosen from the scoped list: another employer's id, or one already in a case, is not a choice.
        return next(p for p in portfolios if p.pk == data["portfolio"])

    return form_page(
        request,
        VoluntarySubmitForm(request.POST or None, portfolios=portfolios),
        template="reviews/moderation/employer_submit.html",
        context={"portfolios": portfolios},
        status=partial(refused_status, request),
        save=lambda data: moderation_submit_voluntary(actor=actor, portfolio=chosen(data)),
        done=lambda case: redirect("reviews:moderation_case", pk=case.pk),
        message=lambda case: (
            f"The portfolio of {case.portfolio.registration.full_name} is submitted for national moderation"
        ),
    )


@employer_view(Role.COORDINATOR)
@opens(case_get, GET_ONLY)
def moderation_case(request, case):
    """One case: its status and, once the moderator has sent them, the findings."""
    return render(
        request,
        "reviews/moderation/employer_case.html",
        {
            "case": case,
            "findings": case.status == ModerationCase.Status.FINDINGS_SENT,
            "can_withdraw": _can_withdraw(case),
        },
    )


def _can_withdraw(case: ModerationCase) -> bool:
    return (
        case.source == ModerationCase.Source.VOLUNTARY
        and case.status == ModerationCase.Status.WAITING
        and case.round_id is None
    )


@employer_view(Role.COORDINATOR)
@opens(case_get)
def moderation_withdraw(request, case):
    actor = request.actor
    answer = confirm_post(
        request,
        lambda: moderation_withdraw_voluntary(actor=actor, case=case),
        message="The portfolio has been withdrawn from national moderation",
        done=lambda: redirect("reviews:moderation_list"),
    )
    if answer.response:
        return answer.response
    return render(
        request,
        "reviews/moderation/employer_withdraw.html",
        {"case": case, "error": answer.refusal, "can_withdraw": _can_withdraw(case)},
        status=400 if answer.refusal else 200,
    )


# --- Good-practice endorsement ----------------------------------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def good_practice_list_page(request):
    applications = list(good_practice_list(actor=request.actor))
    return render(request, "reviews/moderation/employer_good_practice.html", {"applications": applications})


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def good_practice_apply(request):
    actor = request.actor
    flow = form_flow(
        request,
        GoodPracticeForm(request.POST or None),
        save=lambda data: good_practice_services.good_practice_apply(
            actor=actor, title=data["title"], description=data["description"]
        ),
        done=lambda application: redirect("reviews:good_practice", pk=application.pk),
        message="Application sent to the national quality assurance panel",
    )
    if flow.response:
        return flow.response
    return render(
        request,
        "reviews/moderation/employer_good_practice_form.html",
        {"form": flow.form},
        status=refused_status(request, flow),
    )


@employer_view(Role.COORDINATOR)
@opens(good_practice_get, GET_ONLY)
def good_practice_detail(request, application):
    return render(
        request,
        "reviews/moderation/employer_good_practice_detail.html",
        {
            "application": application,
            "decided": application.status != GoodPracticeApplication.Status.SUBMITTED,
        },
    )


# --- Exemplars ----------------------------------------------------------------------------------------------


@employer_view(*EXEMPLAR_READERS)
@require_GET
def exemplar_list(request):
    service_area = request.GET.get("service_area", "")
    service_area = service_area if service_area in ServiceArea.values else ""
    return render(
        request,
        "reviews/moderation/employer_exemplars.html",
        {
            "exemplars": exemplars_published(actor=request.actor, service_area=service_area),
            "service_area": service_area,
            "service_areas": ServiceArea.choices,
        },
    )


@employer_view(*EXEMPLAR_READERS)
@require_GET
def exemplar_detail(request, pk: int):
    return render(
        request,
        "reviews/moderation/employer_exemplar.html",
        {"exemplar": exemplar_get_published(actor=request.actor, pk=pk)},
    )
