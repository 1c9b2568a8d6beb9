"""The internal moderation panel's pages (co-ordinators): panels, their members, decisions on the
cases, closing a panel."""

from __future__ import annotations

from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.accounts.models import Role
from asye.web.dates import date_data
from asye.web.decorators import GET_ONLY, POST_ONLY, employer_view, opens
from asye.web.flow import Latest, form_page
from asye.web.forms import answers
from portfolios.models import Portfolio
from reviews import selectors
from reviews.forms import PanelDecisionForm, PanelForm, PanelMemberForm, SignForm
from reviews.models import ModerationPanel, PanelDecision, Review
from reviews.services import panels as panel_services
from reviews.views.buttons import remove_button, version_button


@employer_view(Role.COORDINATOR)
@require_GET
def panel_list(request):
    actor = request.actor
    panels = list(selectors.panel_list(actor=actor))
    waiting = list(selectors.recommendations_with_panel(actor=actor))
    return render(request, "reviews/panels.html", {"panels": panels, "waiting": waiting})


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def panel_new(request):
    actor = request.actor
    return form_page(
        request,
        PanelForm(request.POST or None, initial={"version": 1}),
        template="reviews/panel_form.html",
        context={"panel": None},
        save=lambda data: panel_services.panel_create(
            actor=actor, held_on=data["held_on"], chair=data["chair"], notes=data["notes"]
        ),
        done=lambda panel: redirect("reviews:panel", pk=panel.pk),
        message="Panel created. Add its members next.",
    )


def _panel_context(actor, panel: ModerationPanel) -> dict:
    today = clock.today()
    return {
        "panel": panel,
        "members": list(panel.members.all()),
        "cases": selectors.panel_cases(actor=actor, panel=panel),
        "later": selectors.panel_cases_for_later(actor=actor, panel=panel),
        "decisions": selectors.panel_decisions(panel),
        "is_open": panel.status == ModerationPanel.Status.OPEN,
        "meets_later": panel.held_on > today,
        "close_form": SignForm(initial={"version": panel.version}),
    }


@employer_view(Role.COORDINATOR)
@opens(selectors.panel_get, GET_ONLY)
def panel_detail(request, panel):
    actor = request.actor
    return render(request, "reviews/panel.html", _panel_context(actor, panel))


@employer_view(Role.COORDINATOR)
@opens(selectors.panel_get)
def panel_change(request, panel):
    actor = request.actor
    initial = {**date_data("held_on", panel.held_on), **model_to_dict(panel, ("chair", "notes", "version"))}
    latest = Latest(lambda: selectors.panel_get(actor=actor, pk=panel.pk))
    return form_page(
        request,
        PanelForm(request.POST or None, initial=initial),
        template="reviews/panel_form.html",
        # After a stale save, the panel as it is now, not as the person read it.
        context=lambda _flow: {"panel": latest.or_(panel)},
        save=lambda data: panel_services.panel_update(
            actor=actor,
            panel=panel,
            version=data["version"] or 0,
            **answers(data, "held_on", "chair", "notes"),
        ),
        done=lambda _saved: redirect("reviews:panel", pk=panel.pk),
        message="The panel's details have been saved",
        current_version=latest.version,
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.panel_get)
def panel_member_add(request, panel):
    actor = request.actor
    form = PanelMemberForm(request.POST or None)
    return form_page(
        request,
        form,
        template="reviews/panel_member_add.html",
        context={"panel": panel},
        save=lambda data: panel_services.panel_member_add(
            actor=actor, panel=panel, name=data["name"], role=data["role"]
        ),
        done=lambda _saved: redirect("reviews:panel", pk=panel.pk),
        message=lambda _saved: f"{form.cleaned_data['name']} has been added to the panel",
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.panel_member_get, POST_ONLY)
def panel_member_remove(request, member):
    return remove_button(
        request,
        lambda: panel_services.panel_member_remove(actor=request.actor, member=member),
        back=reverse("reviews:panel", args=[member.panel_id]),
        message=f"{member.name} has been removed from the panel",
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.panel_get)
def panel_decide(request, panel):
    """Record the panel's decision on one submitted recommendation (``?recommendation=<id>``)."""
    actor = request.actor
    source = request.POST if request.method == "POST" else request.GET
    try:
        case_id = int(source.get("recommendation", ""))
    except ValueError as exc:
        raise Http404("Choose a case from the panel's page.") from exc
    item = selectors.panel_case_get(actor=actor, panel=panel, pk=case_id)
    initial = {
        "recommendation": item.pk,
        "panel_version": panel.version,
        "recommendation_version": item.version,
    }

    def decided(made: PanelDecision) -> str:
        registration = item.registration
        if made.decision == PanelDecision.Decision.ENDORSE:
            return (
                f"The panel endorsed the recommendation: {registration.full_name}'s outcome is recorded "
                f"as {registration.get_outcome_display().lower()}."
            )
        return "The recommendation has been referred back to the assessor"

    latest_panel = Latest(lambda: selectors.panel_get(actor=actor, pk=panel.pk))
    latest_case = Latest(lambda: selectors.panel_case_get(actor=actor, panel=panel, pk=case_id))

    def with_case_version(data):
        # After a stale save both versions are the current ones: the panel's (set by the flow) and the case's.
        data["recommendation_version"] = str(latest_case.version())
        return PanelDecisionForm(data)

    def page(_flow) -> dict:
        # After a stale save, as they are now, not as the person read them.
        current, case = latest_panel.or_(panel), latest_case.or_(item)
        return {
            "panel": current,
            "item": case,
            "registration": case.registration,
            "reviews": list(
                selectors.reviews_of_registration(actor=actor, registration=case.registration).filter(
                    status=Review.Status.LOCKED
                )
            ),
            "earlier": selectors.decisions_of(case),
            "portfolio": Portfolio.objects.filter(registration=case.registration).first(),
            "meets_later": current.held_on > clock.today(),
            "today": clock.today(),
        }

    return form_page(
        request,
        PanelDecisionForm(request.POST or None, initial=initial),
        template="reviews/panel_decide.html",
        context=page,
        save=lambda data: panel_services.panel_decide(
            actor=actor,
            panel=panel,
            item=item,
            **answers(data, "decision", "reasons", "panel_version", "recommendation_version"),
        ),
        done=lambda _made: redirect("reviews:panel", pk=panel.pk),
        message=decided,
        current_version=latest_panel.version,
        rebind=with_case_version,
        version_field="panel_version",
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.panel_get, POST_ONLY)
def panel_close(request, panel):
    return version_button(
        request,
        save=lambda version: panel_services.panel_close(actor=request.actor, panel=panel, version=version),
        back=reverse("reviews:panel", args=[panel.pk]),
        message="The panel has been closed",
        again="Close the panel again.",
    )
