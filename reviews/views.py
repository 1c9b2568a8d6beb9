"""The review pages: what each person has to act on, a registration's reviews, one review (the assessor's
report, practice examples, the three signatures, amendments), support plans, the final recommendation,
the internal moderation panel, and the completion certificate.

Every page finds its object through a selector scoped to the actor first, so another employer's object, or
one of an NQSW the person does not work with, is a 404 whatever the method; then the service decides what
the person may do (403 for a role that may not). A save that loses a race with someone else's (a stale
``version``) shows the form again with the person's own words in it, the record as it is now, and a
message, with status 409.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.accounts.models import Role
from asye.errors import Conflict
from asye.web.dates import date_data
from asye.web.decorators import GET_ONLY, POST_ONLY, employer_view, refuse_method
from asye.web.flow import form_flow
from asye.web.forms import add_service_errors, rebind_with_version, with_version
from portfolios.access import is_coordinator
from portfolios.models import Portfolio
from programmes.selectors import (
    OPEN_STATUSES,
    registration_get,
    registration_list,
    registrations_with_deferrals,
)
from reviews import rules, selectors, services
from reviews.certificate import certificate_filename
from reviews.forms import (
    ActionDoneForm,
    AmendForm,
    ClosePlanForm,
    CommentForm,
    PanelDecisionForm,
    PanelForm,
    PanelMemberForm,
    PracticeExampleForm,
    RecommendationForm,
    ReviewReportForm,
    SignForm,
    SupportActionForm,
    SupportPlanForm,
)
from reviews.models import (
    FinalRecommendation,
    ModerationPanel,
    PanelDecision,
    Review,
    ReviewOutcome,
    SupportPlan,
)
from reviews.review_record import amendment_line

ANYONE = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)

STATUS_COLOURS = {
    Review.Status.DRAFT: "grey",
    Review.Status.AWAITING_COMMENTS: "blue",
    Review.Status.LOCKED: "green",
}
OUTCOME_COLOURS = {
    ReviewOutcome.ON_TRACK: "green",
    ReviewOutcome.SOME_CONCERNS: "yellow",
    ReviewOutcome.NOT_ON_TRACK: "red",
}
RECOMMENDATION_COLOURS = {
    FinalRecommendation.Status.DRAFT: "grey",
    FinalRecommendation.Status.SUBMITTED: "blue",
    FinalRecommendation.Status.REFERRED_BACK: "orange",
    FinalRecommendation.Status.ENDORSED: "green",
}


def _after_conflict(
    error: Conflict, make_form: Callable[[QueryDict], forms.Form], data: QueryDict, version: int
) -> tuple[forms.Form, str, int]:
    """After a stale save: the form again with the person's own answers (checked, so their mistakes show),
    carrying the record's current ``version``; the conflict's message; and the status, 409."""
    return rebind_with_version(make_form, data, version), error.message, 409


def _review_url(review: Review) -> str:
    return reverse("reviews:review", args=[review.pk])


# --- What to act on ----------------------------------------------------------------------------------


@employer_view(*ANYONE)
@require_GET
def review_home(request):
    """Reviews to write, to comment on and sign, recommendations to write; for co-ordinators, support
    plans, overdue reviews and recommendations waiting for the panel."""
    actor = request.actor
    today = clock.today()
    mine = registration_list(actor=actor).filter(status__in=OPEN_STATUSES)
    # The reviews of the person's NQSWs (all the employer's, for a co-ordinator) exist, due when their
    # timelines say, before the page lists what is due.
    services.reviews_schedule(
        actor=actor, registrations=list(registrations_with_deferrals(mine)), today=today
    )
    todo = selectors.todo_for(actor=actor, today=today)
    overview = selectors.coordinator_overview(actor=actor, today=today)
    return render(
        request,
        "reviews/home.html",
        {
            "todo": todo,
            "overview": overview,
            "is_coordinator": actor.has_role(Role.COORDINATOR),
            "nqsw_only": not actor.has_role(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER),
            "registrations": list(registration_list(actor=actor).order_by("last_name", "first_name", "id")),
            "today": today,
        },
    )


# --- One registration's reviews --------------------------------------------------------------------


@employer_view(*ANYONE)
def registration_reviews(request, pk: int):
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    today = clock.today()
    services.reviews_schedule(actor=actor, registrations=[registration], today=today)
    reviews = list(selectors.reviews_of_registration(actor=actor, registration=registration))
    have = {r.month for r in reviews if not r.extra}
    optional = [
        p
        for p in (
            selectors.review_points(registration=registration, today=today) if registration.is_open else []
        )
        if p.optional and p.month not in have
    ]
    recommendations = selectors.final_recommendations_of(actor=actor, registration=registration)
    windows = rules.review_windows(registration, today=today) if registration.is_open else {}
    can_add_optional = registration.is_open and (
        services.can_write_assessment(actor=actor, registration=registration)
        or is_coordinator(actor, registration)
    )
    can_start = (
        registration.is_open
        and not recommendations
        and services.can_write_assessment(actor=actor, registration=registration)
        and services.final_review_locked(registration)
    )
    return render(
        request,
        "reviews/registration.html",
        {
            "registration": registration,
            "rows": [
                {
                    "review": review,
                    "status_colour": STATUS_COLOURS[review.status],
                    "outcome_colour": OUTCOME_COLOURS.get(review.outcome, "grey"),
                    "overdue": selectors.review_is_overdue(review, today),
                    "opens": _opens_later(review, windows, today),
                }
                for review in reviews
            ],
            "optional": optional if can_add_optional else [],
            "plans": list(selectors.support_plan_list(actor=actor).filter(registration=registration)),
            "recommendations": [
                {"item": item, "colour": RECOMMENDATION_COLOURS[item.status]} for item in recommendations
            ],
            "can_start_recommendation": can_start,
            "gaps": rules.recommendation_gaps(registration, today=today) if can_start else [],
            "final_month": selectors.final_review_month(registration),
            "certificate": selectors.certificate_available(registration)
            and services.can_download_certificate(actor=actor, registration=registration),
        },
    )


def _opens_later(review: Review, windows: dict, today: datetime.date) -> datetime.date | None:
    """The day a review not signed yet opens, if that is still to come (extra reviews have no window)."""
    window = None if review.extra or review.assessor_signed_at else windows.get(review.month)
    return window.opens if window is not None and not window.is_open(today) else None


@employer_view(*ANYONE)
def review_add_optional(request, pk: int):
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, POST_ONLY):
        return not_allowed
    try:
        month = int(request.POST.get("month", ""))
    except ValueError:
        month = 0
    try:
        review = services.review_add_optional(actor=actor, registration=registration, month=month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:registration", pk=registration.pk)
    messages.success(request, f"The {review.month}-month review has been added")
    return redirect(_review_url(review))


# --- One review --------------------------------------------------------------------------------------


def _review_context(actor, review: Review) -> dict:
    today = clock.today()
    party = services.party_of(actor=actor, review=review)
    registration = review.registration
    open_ = registration.is_open
    # The programme's rules (reviews.rules): the review's window, and what its last signature waits for.
    window = rules.window_of(review, today=today) if open_ else None
    return {
        "review": review,
        "registration": registration,
        "party": party,
        "window": window,
        "opens_later": window is not None and not window.is_open(today) and review.assessor_signed_at is None,
        "lock_waits_for": rules.lock_waits_message(review)
        if review.status == Review.Status.AWAITING_COMMENTS
        else "",
        "status_colour": STATUS_COLOURS[review.status],
        "outcome_colour": OUTCOME_COLOURS.get(review.outcome, "grey"),
        "overdue": selectors.review_is_overdue(review, today),
        "examples": selectors.practice_examples_of(review),
        "amendments": [amendment_line(a) for a in review.amendments.select_related("amended_by")],
        "plan": SupportPlan.objects.filter(review=review).first(),
        "plan_of_extra": SupportPlan.objects.filter(extra_review=review).first(),
        "can_write": open_
        and review.assessor_signed_at is None
        and services.can_write_assessment(actor=actor, registration=registration)
        and actor.api_token_id is None,
        "can_sign": open_
        and party == "assessor"
        and review.assessor_signed_at is None
        and (window is None or window.is_open(today)),
        "can_comment": services.can_comment(actor=actor, review=review),
        "can_amend": bool(services.amendable_fields(actor=actor, review=review)),
    }


@employer_view(*ANYONE)
def review_detail(request, pk: int):
    actor = request.actor
    review = selectors.review_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return render(request, "reviews/review.html", _review_context(actor, review))


def _report_initial(review: Review) -> dict:
    return {
        **date_data("held_on", review.held_on),
        "progress_pcf": review.progress_pcf,
        "progress_standards": review.progress_standards,
        "outcome": review.outcome,
        "version": review.version,
    }


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def review_edit(request, pk: int):
    """The assessor's report: saved as a draft as often as they like, until they sign."""
    actor = request.actor
    review = selectors.review_get(actor=actor, pk=pk)
    if not services.can_write_assessment(actor=actor, registration=review.registration):
        raise PermissionDenied("Only the NQSW's assessor writes their review.")
    if review.assessor_signed_at is not None:
        messages.info(request, "This review has been signed: change it as an amendment, with the reason.")
        return redirect(_review_url(review))
    form = ReviewReportForm(request.POST or None, initial=_report_initial(review))
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_update(
                actor=actor,
                review=review,
                version=data["version"],
                held_on=data["held_on"],
                progress_pcf=data["progress_pcf"],
                progress_standards=data["progress_standards"],
                outcome=data["outcome"],
            )
        except Conflict as error:
            review = selectors.review_get(actor=actor, pk=pk)
            form, conflict, status = _after_conflict(error, ReviewReportForm, request.POST, review.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your report has been saved")
            return redirect(_review_url(review))
    window = rules.window_of(review)
    return render(
        request,
        "reviews/review_edit.html",
        {
            "form": form,
            "review": review,
            "registration": review.registration,
            "conflict": conflict,
            # When the review opens: it cannot be recorded as held before then.
            "window": window,
            "opens_later": window is not None and not window.is_open(clock.today()),
        },
        status=status,
    )


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def example_add(request, pk: int):
    actor = request.actor
    review = selectors.review_get(actor=actor, pk=pk)
    registration = review.registration
    if not services.can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor adds practice examples.")
    form = PracticeExampleForm(
        request.POST or None,
        evidence=services.linkable_evidence(registration),
        observations=services.linkable_observations(registration),
        statements=services.linkable_statements(registration),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.practice_example_add(
                actor=actor,
                review=review,
                text=data["text"],
                evidence_id=data["evidence"],
                observation_id=data["observation"],
                statement_id=data["statement"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Practice example added")
            return redirect(_review_url(review))
    return render(
        request,
        "reviews/example_add.html",
        {
            "form": form,
            "review": review,
            "registration": registration,
            "signed": review.assessor_signed_at is not None,
            "no_portfolio_links": len(form.fields["evidence"].choices) == 1
            and len(form.fields["observation"].choices) == 1,
        },
    )


@employer_view(*ANYONE)
def example_remove(request, pk: int):
    actor = request.actor
    example = selectors.practice_example_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, POST_ONLY):
        return not_allowed
    review = example.review
    try:
        services.practice_example_remove(actor=actor, example=example)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Practice example removed")
    return redirect(_review_url(review))


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def review_sign(request, pk: int):
    """The assessor checks the review and signs it."""
    actor = request.actor
    review = selectors.review_get(actor=actor, pk=pk)
    if services.party_of(actor=actor, review=review) != "assessor":
        raise PermissionDenied("Only the NQSW's assessor signs as the assessor.")
    if review.assessor_signed_at is not None:
        return redirect(_review_url(review))
    form = SignForm(request.POST or None, initial={"version": review.version})
    conflict, status, missing = "", 200, []
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_sign_as_assessor(
                actor=actor, review=review, version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            # What is missing is shown on this page: each message links to that part of the review (a
            # review whose window has not opened: to where the page says when it opens).
            incomplete = hasattr(error, "error_dict")
            refused = "window" if _review_context(actor, review)["opens_later"] else ""
            missing = [
                {"href": f"#{SIGN_ANCHORS.get(field, 'review-summary')}", "message": message}
                for field, messages_ in (
                    error.message_dict.items() if incomplete else [(refused, error.messages)]
                )
                for message in messages_
            ]
        except Conflict:
            review = selectors.review_get(actor=actor, pk=pk)
            conflict, status = (
                "Someone else saved this review since you opened this page. Check the review below, then "
                "sign it again.",
                409,
            )
            form = SignForm(initial={"version": review.version})
        else:
            if review.outcome == ReviewOutcome.NOT_ON_TRACK:
                messages.success(
                    request,
                    "You have signed the review. A support plan has started, with an extra review, and the "
                    "co-ordinator has been told.",
                )
            else:
                messages.success(
                    request,
                    "You have signed the review. The NQSW and their line manager can now comment and sign.",
                )
            return redirect(_review_url(review))
    return render(
        request,
        "reviews/review_sign.html",
        {
            **_review_context(actor, review),
            "form": form,
            "conflict": conflict,
            "missing": missing,
            "incomplete": any(item["href"] not in ("#review-window", "#review-summary") for item in missing),
        },
        status=status,
    )


# Where each part of a review is on the signing page (templates/reviews/_review_body.html, _examples.html).
SIGN_ANCHORS = {
    "held_on": "review-held-on",
    "outcome": "review-outcome",
    "progress_pcf": "progress-pcf",
    "progress_standards": "progress-standards",
    "practice_examples": "practice-examples",
    "window": "review-window",
}


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def review_comment(request, pk: int):
    """The NQSW or the line manager comments and signs, once the assessor has signed."""
    actor = request.actor
    review = selectors.review_get(actor=actor, pk=pk)
    party = services.party_of(actor=actor, review=review)
    if party not in ("nqsw", "line_manager"):
        raise PermissionDenied("Only the NQSW and their line manager comment on a review.")
    if not services.can_comment(actor=actor, review=review):
        messages.info(
            request,
            "You can comment once the assessor has signed the review, and until you sign it yourself.",
        )
        return redirect(_review_url(review))
    field = "nqsw_comments" if party == "nqsw" else "line_manager_comments"
    hint = (
        "Your view of your progress and of the assessor's report."
        if party == "nqsw"
        else "Your view of the NQSW's progress, their workload and the support they have had."
    )
    form = CommentForm(
        request.POST or None,
        hint=hint,
        initial={"comments": getattr(review, field), "version": review.version},
    )
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        sign = request.POST.get("action") == "sign"
        try:
            review = services.review_comment(
                actor=actor,
                review=review,
                version=form.cleaned_data["version"],
                comments=form.cleaned_data["comments"],
                sign=sign,
            )
        except Conflict as error:
            review = selectors.review_get(actor=actor, pk=pk)
            form, conflict, status = _after_conflict(
                error, partial(CommentForm, hint=hint), request.POST, review.version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not sign:
                messages.success(
                    request, "Your comments have been saved. You have not signed the review yet."
                )
            elif review.status == Review.Status.LOCKED:
                messages.success(
                    request, "You have signed the review. Everyone has signed: it is now locked."
                )
            else:
                messages.success(request, "You have signed the review")
            return redirect(_review_url(review))
    return render(
        request,
        "reviews/review_comment.html",
        {**_review_context(actor, review), "form": form, "conflict": conflict},
        status=status,
    )


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def review_amend(request, pk: int):
    """Change what you signed, giving the reason; the old and new values are kept."""
    actor = request.actor
    review = selectors.review_get(actor=actor, pk=pk)
    fields = services.amendable_fields(actor=actor, review=review)
    if not fields:
        raise PermissionDenied("You can amend only your own part of a review, after you have signed it.")
    initial = {name: getattr(review, name) for name in fields if name != "held_on"}
    if "held_on" in fields:
        initial.update(date_data("held_on", review.held_on))
    form = AmendForm(request.POST or None, fields=fields, initial={**initial, "version": review.version})
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            services.review_amend(
                actor=actor,
                review=review,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except Conflict as error:
            review = selectors.review_get(actor=actor, pk=pk)
            form, conflict, status = _after_conflict(
                error, partial(AmendForm, fields=fields), request.POST, review.version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "The review has been amended. The change and your reason are in its history."
            )
            return redirect(_review_url(review))
    return render(
        request,
        "reviews/review_amend.html",
        {**_review_context(actor, review), "form": form, "conflict": conflict, "fields": fields},
        status=status,
    )


# --- Support plans -----------------------------------------------------------------------------------


@employer_view(*ANYONE)
def support_plan_detail(request, pk: int):
    actor = request.actor
    plan = selectors.support_plan_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    registration = plan.registration
    can_act = services.can_add_support_actions(actor=actor, registration=registration)
    return render(
        request,
        "reviews/support_plan.html",
        {
            "plan": plan,
            "registration": registration,
            "actions": list(plan.actions.select_related("owner")),
            "is_open": plan.status == SupportPlan.Status.OPEN,
            "can_manage": services.can_manage_support_plan(actor=actor, registration=registration),
            "can_act": can_act,
            "done_form": ActionDoneForm() if can_act else None,
            "today": clock.today(),
        },
    )


def _plan_form(data, plan: SupportPlan) -> SupportPlanForm:
    extra = plan.extra_review
    ask_date = extra is not None and extra.assessor_signed_at is None
    initial = {"concerns": plan.concerns, "version": plan.version}
    if ask_date:
        initial.update(date_data("extra_review_due_on", extra.due_on))
    return SupportPlanForm(data, ask_date=ask_date, initial=initial)


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def support_plan_change(request, pk: int):
    actor = request.actor
    plan = selectors.support_plan_get(actor=actor, pk=pk)
    if not services.can_manage_support_plan(actor=actor, registration=plan.registration):
        raise PermissionDenied("Only the co-ordinator or the NQSW's assessor changes a support plan.")
    form = _plan_form(request.POST or None, plan)
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            services.support_plan_update(
                actor=actor,
                plan=plan,
                version=form.cleaned_data["version"],
                concerns=form.cleaned_data["concerns"],
                extra_review_due_on=form.cleaned_data.get("extra_review_due_on"),
            )
        except Conflict as error:
            plan = selectors.support_plan_get(actor=actor, pk=pk)
            form, conflict, status = _after_conflict(
                error, partial(_plan_form, plan=plan), request.POST, plan.version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The support plan has been saved")
            return redirect("reviews:support_plan", pk=plan.pk)
    return render(
        request,
        "reviews/support_plan_change.html",
        {"form": form, "plan": plan, "registration": plan.registration, "conflict": conflict},
        status=status,
    )


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def support_action_add(request, pk: int):
    actor = request.actor
    plan = selectors.support_plan_get(actor=actor, pk=pk)
    registration = plan.registration
    if not services.can_add_support_actions(actor=actor, registration=registration):
        raise PermissionDenied("Only the co-ordinator, the assessor or the line manager adds actions.")
    form = SupportActionForm(request.POST or None, people=services.owner_choices(registration))
    if request.method == "POST" and form.is_valid():
        try:
            services.support_plan_action_add(
                actor=actor,
                plan=plan,
                action=form.cleaned_data["action"],
                owner_id=form.owner_id(),
                owner_name=form.cleaned_data["owner_name"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action added to the support plan")
            return redirect("reviews:support_plan", pk=plan.pk)
    return render(
        request,
        "reviews/support_action_add.html",
        {"form": form, "plan": plan, "registration": registration, "is_open": plan.status == "open"},
    )


@employer_view(*ANYONE)
def support_action_done(request, pk: int):
    actor = request.actor
    item = selectors.support_plan_action_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, POST_ONLY):
        return not_allowed
    plan = item.plan
    form = ActionDoneForm(request.POST)
    if form.is_valid():
        try:
            services.support_plan_action_done(actor=actor, item=item, done_on=form.cleaned_data["done_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action marked as done")
            return redirect("reviews:support_plan", pk=plan.pk)
    # The date boxes sit beside each action on the plan's page; a mistake is shown on a page of its own.
    return render(
        request,
        "reviews/support_action_done.html",
        {"form": form, "item": item, "plan": plan, "registration": plan.registration},
        status=400,
    )


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def support_plan_close(request, pk: int):
    actor = request.actor
    plan = selectors.support_plan_get(actor=actor, pk=pk)
    if not services.can_manage_support_plan(actor=actor, registration=plan.registration):
        raise PermissionDenied("Only the co-ordinator or the NQSW's assessor closes a support plan.")
    form = ClosePlanForm(request.POST or None, initial={"version": plan.version})
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            services.support_plan_close(
                actor=actor, plan=plan, version=form.cleaned_data["version"], note=form.cleaned_data["note"]
            )
        except Conflict as error:
            plan = selectors.support_plan_get(actor=actor, pk=pk)
            form, conflict, status = _after_conflict(error, ClosePlanForm, request.POST, plan.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The support plan has been closed")
            return redirect("reviews:support_plan", pk=plan.pk)
    return render(
        request,
        "reviews/support_plan_close.html",
        {"form": form, "plan": plan, "registration": plan.registration, "conflict": conflict},
        status=status,
    )


# --- The final recommendation --------------------------------------------------------------------------


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def recommendation_new(request, pk: int):
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if not services.can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor writes the final recommendation.")
    existing = selectors.final_recommendations_of(actor=actor, registration=registration)
    if existing:
        return redirect("reviews:recommendation", pk=existing[-1].pk)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.final_recommendation_create(
                actor=actor,
                registration=registration,
                recommendation=form.cleaned_data["recommendation"],
                evidence_summary=form.cleaned_data["evidence_summary"],
            )
        except Conflict as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Your recommendation has been saved. Submit it to the panel when it is ready."
            )
            return redirect("reviews:recommendation", pk=item.pk)
    return render(
        request,
        "reviews/recommendation_form.html",
        {
            "form": form,
            "registration": registration,
            "item": None,
            "final_month": selectors.final_review_month(registration),
            # What the record still needs (reviews.rules): listed instead of the form.
            "gaps": rules.recommendation_gaps(registration) if request.method == "GET" else [],
        },
    )


@employer_view(*ANYONE)
def recommendation_detail(request, pk: int):
    actor = request.actor
    item = selectors.final_recommendation_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    registration = item.registration
    can_change = (
        services.can_write_assessment(actor=actor, registration=registration)
        and actor.api_token_id is None
        and registration.is_open
        and item.status in services.EDITABLE_RECOMMENDATION
    )
    return render(
        request,
        "reviews/recommendation.html",
        {
            "item": item,
            "registration": registration,
            "colour": RECOMMENDATION_COLOURS[item.status],
            "decisions": selectors.decisions_of(item),
            "can_change": can_change,
            "submit_form": SignForm(initial={"version": item.version}) if can_change else None,
            "gaps": rules.recommendation_gaps(registration) if can_change else [],
            "certificate": selectors.certificate_available(registration)
            and services.can_download_certificate(actor=actor, registration=registration),
        },
    )


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def recommendation_change(request, pk: int):
    actor = request.actor
    item = selectors.final_recommendation_get(actor=actor, pk=pk)
    registration = item.registration
    if not services.can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor changes the final recommendation.")
    if item.status not in services.EDITABLE_RECOMMENDATION:
        return redirect("reviews:recommendation", pk=item.pk)
    initial = {
        "recommendation": item.recommendation,
        "evidence_summary": item.evidence_summary,
        "version": item.version,
    }
    flow = form_flow(
        request,
        RecommendationForm(request.POST or None, initial=initial),
        save=lambda data: services.final_recommendation_update(
            actor=actor,
            item=item,
            version=data["version"] or 0,
            recommendation=data["recommendation"],
            evidence_summary=data["evidence_summary"],
        ),
        done=lambda _saved: redirect("reviews:recommendation", pk=item.pk),
        message="Your recommendation has been saved",
        current_version=lambda: selectors.final_recommendation_get(actor=actor, pk=pk).version,
    )
    if flow.response:
        return flow.response
    if flow.conflict:  # as it is now, not as the person read it
        item = selectors.final_recommendation_get(actor=actor, pk=pk)
    return render(
        request,
        "reviews/recommendation_form.html",
        {
            "form": flow.form,
            "registration": registration,
            "item": item,
            "final_month": selectors.final_review_month(registration),
            "conflict": flow.conflict,
            "decisions": selectors.decisions_of(item),
        },
        status=flow.status,
    )


@employer_view(*ANYONE)
def recommendation_submit(request, pk: int):
    actor = request.actor
    item = selectors.final_recommendation_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, POST_ONLY):
        return not_allowed
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Something went wrong with the form. Submit the recommendation again.")
        return redirect("reviews:recommendation", pk=item.pk)
    try:
        services.final_recommendation_submit(actor=actor, item=item, version=form.cleaned_data["version"])
    except Conflict:
        messages.error(
            request,
            "Someone else saved this recommendation since you opened the page. Check it below, then submit "
            "it again.",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your recommendation has been submitted to the internal moderation panel")
    return redirect("reviews:recommendation", pk=item.pk)


@employer_view(*ANYONE)
def certificate(request, pk: int):
    """The completion certificate, for the NQSW, their assessor and the co-ordinator, once the internal
    panel has endorsed a pass."""
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    if not services.can_download_certificate(actor=actor, registration=registration):
        raise PermissionDenied("The certificate is for the NQSW, their assessor and the co-ordinator.")
    if not selectors.certificate_available(registration):
        raise Http404("No certificate: the programme has no endorsed pass.")
    pdf = services.certificate_issue(actor=actor, registration=registration)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(registration)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The internal moderation panel (co-ordinators) -----------------------------------------------------


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
    form = PanelForm(request.POST or None, initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        try:
            panel = services.panel_create(
                actor=actor,
                held_on=form.cleaned_data["held_on"],
                chair=form.cleaned_data["chair"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Panel created. Add its members next.")
            return redirect("reviews:panel", pk=panel.pk)
    return render(request, "reviews/panel_form.html", {"form": form, "panel": None})


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
def panel_detail(request, pk: int):
    actor = request.actor
    panel = selectors.panel_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return render(request, "reviews/panel.html", _panel_context(actor, panel))


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def panel_change(request, pk: int):
    actor = request.actor
    panel = selectors.panel_get(actor=actor, pk=pk)
    initial = {
        **date_data("held_on", panel.held_on),
        "chair": panel.chair,
        "notes": panel.notes,
        "version": panel.version,
    }
    form = PanelForm(request.POST or None, initial=initial)
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_update(
                actor=actor,
                panel=panel,
                version=form.cleaned_data["version"] or 0,
                held_on=form.cleaned_data["held_on"],
                chair=form.cleaned_data["chair"],
                notes=form.cleaned_data["notes"],
            )
        except Conflict as error:
            panel = selectors.panel_get(actor=actor, pk=pk)
            form, conflict, status = _after_conflict(error, PanelForm, request.POST, panel.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The panel's details have been saved")
            return redirect("reviews:panel", pk=panel.pk)
    return render(
        request,
        "reviews/panel_form.html",
        {"form": form, "panel": panel, "conflict": conflict},
        status=status,
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def panel_member_add(request, pk: int):
    actor = request.actor
    panel = selectors.panel_get(actor=actor, pk=pk)
    form = PanelMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_member_add(
                actor=actor, panel=panel, name=form.cleaned_data["name"], role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} has been added to the panel")
            return redirect("reviews:panel", pk=panel.pk)
    return render(request, "reviews/panel_member_add.html", {"form": form, "panel": panel})


@employer_view(Role.COORDINATOR)
def panel_member_remove(request, pk: int):
    actor = request.actor
    member = selectors.panel_member_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, POST_ONLY):
        return not_allowed
    panel = member.panel
    try:
        services.panel_member_remove(actor=actor, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member.name} has been removed from the panel")
    return redirect("reviews:panel", pk=panel.pk)


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def panel_decide(request, pk: int):
    """Record the panel's decision on one submitted recommendation (``?recommendation=<id>``)."""
    actor = request.actor
    panel = selectors.panel_get(actor=actor, pk=pk)
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
    form = PanelDecisionForm(request.POST or None, initial=initial)
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.panel_decide(
                actor=actor,
                panel=panel,
                item=item,
                decision=data["decision"],
                reasons=data["reasons"],
                panel_version=data["panel_version"],
                recommendation_version=data["recommendation_version"],
            )
        except Conflict as error:
            panel = selectors.panel_get(actor=actor, pk=pk)
            item = selectors.panel_case_get(actor=actor, panel=panel, pk=case_id)
            conflict, status = error.message, 409
            data = with_version(request.POST, panel.version, "panel_version")
            data["recommendation_version"] = str(item.version)
            form = PanelDecisionForm(data)
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            registration = item.registration
            if data["decision"] == PanelDecision.Decision.ENDORSE:
                messages.success(
                    request,
                    f"The panel endorsed the recommendation: {registration.full_name}'s outcome is recorded "
                    f"as {registration.get_outcome_display().lower()}.",
                )
            else:
                messages.success(request, "The recommendation has been referred back to the assessor")
            return redirect("reviews:panel", pk=panel.pk)
    return render(
        request,
        "reviews/panel_decide.html",
        {
            "form": form,
            "panel": panel,
            "item": item,
            "registration": item.registration,
            "reviews": list(
                selectors.reviews_of_registration(actor=actor, registration=item.registration).filter(
                    status=Review.Status.LOCKED
                )
            ),
            "earlier": selectors.decisions_of(item),
            "portfolio": Portfolio.objects.filter(registration=item.registration).first(),
            "conflict": conflict,
            "meets_later": panel.held_on > clock.today(),
            "today": clock.today(),
        },
        status=status,
    )


@employer_view(Role.COORDINATOR)
def panel_close(request, pk: int):
    actor = request.actor
    panel = selectors.panel_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, POST_ONLY):
        return not_allowed
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Something went wrong with the form. Close the panel again.")
        return redirect("reviews:panel", pk=panel.pk)
    try:
        services.panel_close(actor=actor, panel=panel, version=form.cleaned_data["version"])
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The panel has been closed")
    return redirect("reviews:panel", pk=panel.pk)
