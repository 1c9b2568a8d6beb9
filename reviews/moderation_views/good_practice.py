"""The good-practice register under /national/moderation/: national staff list the applications
and decide each one."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye.tenancy.national import national_view
from asye.web.flow import Latest, form_flow
from asye.web.forms import posted
from reviews.models import GoodPracticeApplication
from reviews.moderation_forms import GoodPracticeDecisionForm
from reviews.moderation_selectors import good_practice_get_national, good_practice_register_national
from reviews.moderation_services import good_practice as good_practice_services
from reviews.moderation_views.statuses import refused_status


@national_view
@require_GET
def good_practice_register(request):
    status = request.GET.get("status", "")
    status = status if status in GoodPracticeApplication.Status.values else ""
    applications = good_practice_register_national(actor=request.actor, status=status)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/moderation/good_practice_register.html",
        {
            "page": page,
            "status": status,
            "statuses": GoodPracticeApplication.Status.choices,
            "query": f"status={status}&" if status else "",
        },
    )


@national_view
@require_http_methods(["GET", "POST"])
def good_practice_decide(request, pk: int):
    actor = request.actor
    application = good_practice_get_national(actor=actor, pk=pk)
    undecided = application.status == GoodPracticeApplication.Status.SUBMITTED
    form = None
    conflict = ""
    status = 400 if request.method == "POST" else 200  # a decided application takes no more decisions
    if undecided:
        endorse = request.POST.get("decision") == "endorse"
        latest = Latest(lambda: good_practice_get_national(actor=actor, pk=pk))
        flow = form_flow(
            request,
            GoodPracticeDecisionForm(posted(request), initial={"version": application.version}),
            save=lambda data: good_practice_services.good_practice_decide(
                actor=actor,
                application=application,
                endorse=data["decision"] == "endorse",
                note=data["note"],
                version=data["version"],
            ),
            done=lambda _saved: redirect("moderation:good_practice_register"),
            message="Practice endorsed" if endorse else "Decision recorded: not endorsed",
            current_version=latest.version,
        )
        if flow.response:
            return flow.response
        form, conflict, status = flow.form, flow.conflict, refused_status(request, flow)
        application = latest.or_(application)
    return render(
        request,
        "reviews/moderation/good_practice_decide.html",
        {"application": application, "form": form, "conflict": conflict},
        status=status,
    )
