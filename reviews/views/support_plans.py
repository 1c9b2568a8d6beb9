"""The support plan pages: the plan, its concerns and extra review date, its actions, closing it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from asye import clock
from asye.web.dates import date_data
from asye.web.decorators import GET_ONLY, POST_ONLY, employer_view, opens
from asye.web.flow import Latest, form_page
from asye.web.forms import answers
from reviews import selectors
from reviews.forms import ActionDoneForm, ClosePlanForm, SupportActionForm, SupportPlanForm
from reviews.models import SupportPlan
from reviews.services import support_plans
from reviews.services.access import (
    can_add_support_actions,
    can_manage_support_plan,
    refuse_unless_support_plan_manager,
)
from reviews.views.reviews import ANYONE


@employer_view(*ANYONE)
@opens(selectors.support_plan_get, GET_ONLY)
def support_plan_detail(request, plan):
    actor = request.actor
    registration = plan.registration
    can_act = can_add_support_actions(actor=actor, registration=registration)
    return render(
        request,
        "reviews/support_plan.html",
        {
            "plan": plan,
            "registration": registration,
            "actions": list(plan.actions.select_related("owner")),
            "is_open": plan.status == SupportPlan.Status.OPEN,
            "can_manage": can_manage_support_plan(actor=actor, registration=registration),
            "can_act": can_act,
            "done_form": ActionDoneForm() if can_act else None,
            "today": clock.today(),
        },
    )


def _plan_page(latest: Latest, plan: SupportPlan):
    """The context of a plan's form page: the plan (as it is now after a stale save, not as the person
    read it) and its registration."""

    def context(_flow) -> dict:
        current = latest.or_(plan)
        return {"plan": current, "registration": current.registration}

    return context


def _plan_form(data, plan: SupportPlan) -> SupportPlanForm:
    extra = plan.extra_review
    ask_date = extra is not None and extra.assessor_signed_at is None
    initial = {"concerns": plan.concerns, "version": plan.version}
    if ask_date:
        initial.update(date_data("extra_review_due_on", extra.due_on))
    return SupportPlanForm(data, ask_date=ask_date, initial=initial)


@employer_view(*ANYONE)
@opens(selectors.support_plan_get)
def support_plan_change(request, plan):
    actor = request.actor
    refuse_unless_support_plan_manager(
        actor, plan.registration, "Only the co-ordinator or the NQSW's assessor changes a support plan."
    )

    latest = Latest(lambda: selectors.support_plan_get(actor=actor, pk=plan.pk))
    return form_page(
        request,
        _plan_form(request.POST or None, plan),
        template="reviews/support_plan_change.html",
        context=_plan_page(latest, plan),
        save=lambda data: support_plans.support_plan_update(
            actor=actor,
            plan=plan,
            **answers(data, "version", "concerns"),
            extra_review_due_on=data.get("extra_review_due_on"),
        ),
        done=lambda _saved: redirect("reviews:support_plan", pk=plan.pk),
        message="The support plan has been saved",
        current_version=latest.version,
        # The plan as it is now decides whether the extra review's date is still asked.
        rebind=lambda data: _plan_form(data, latest.or_(plan)),
    )


@employer_view(*ANYONE)
@opens(selectors.support_plan_get)
def support_action_add(request, plan):
    actor = request.actor
    registration = plan.registration
    if not can_add_support_actions(actor=actor, registration=registration):
        raise PermissionDenied("Only the co-ordinator, the assessor or the line manager adds actions.")
    form = SupportActionForm(request.POST or None, people=support_plans.owner_choices(registration))
    return form_page(
        request,
        form,
        template="reviews/support_action_add.html",
        context={"plan": plan, "registration": registration, "is_open": plan.status == "open"},
        save=lambda data: support_plans.support_plan_action_add(
            actor=actor,
            plan=plan,
            owner_id=form.owner_id(),
            **answers(data, "action", "owner_name", "due_on"),
        ),
        done=lambda _saved: redirect("reviews:support_plan", pk=plan.pk),
        message="Action added to the support plan",
    )


@employer_view(*ANYONE)
@opens(selectors.support_plan_action_get, POST_ONLY)
def support_action_done(request, item):
    actor = request.actor
    plan = item.plan
    # The date boxes sit beside each action on the plan's page; a mistake is shown on a page of its own.
    return form_page(
        request,
        ActionDoneForm(request.POST),
        template="reviews/support_action_done.html",
        context={"item": item, "plan": plan, "registration": plan.registration},
        status=400,
        save=lambda data: support_plans.support_plan_action_done(
            actor=actor, item=item, done_on=data["done_on"]
        ),
        done=lambda _saved: redirect("reviews:support_plan", pk=plan.pk),
        message="Action marked as done",
    )


@employer_view(*ANYONE)
@opens(selectors.support_plan_get)
def support_plan_close(request, plan):
    actor = request.actor
    refuse_unless_support_plan_manager(
        actor, plan.registration, "Only the co-ordinator or the NQSW's assessor closes a support plan."
    )
    latest = Latest(lambda: selectors.support_plan_get(actor=actor, pk=plan.pk))
    return form_page(
        request,
        ClosePlanForm(request.POST or None, initial={"version": plan.version}),
        template="reviews/support_plan_close.html",
        context=_plan_page(latest, plan),
        save=lambda data: support_plans.support_plan_close(
            actor=actor, plan=plan, version=data["version"], note=data["note"]
        ),
        done=lambda _saved: redirect("reviews:support_plan", pk=plan.pk),
        message="The support plan has been closed",
        current_version=latest.version,
    )
