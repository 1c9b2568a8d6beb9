"""The review pages: what each person has to act on, a registration's reviews, one review, the assessor's
report and its practice examples.

Every page finds its object through a selector scoped to the actor first, so another employer's object, or
one of an NQSW the person does not work with, is a 404 whatever the method; then the service decides what
the person may do (403 for a role that may not). A save that loses a race with someone else's (a stale
``version``) shows the form again with the person's own words in it, the record as it is now, and a
message, with status 409 (``asye.web.flow.form_flow``).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from asye import clock
from asye.accounts.models import Role
from asye.web.dates import date_data
from asye.web.decorators import GET_ONLY, POST_ONLY, employer_view, opens
from asye.web.flow import Latest, form_page
from asye.web.forms import answers
from portfolios.access import is_coordinator
from programmes.selectors import (
    OPEN_STATUSES,
    registration_get,
    registration_list,
    registrations_with_deferrals,
)
from reviews import rules, selectors
from reviews.forms import PracticeExampleForm, ReviewReportForm
from reviews.models import FinalRecommendation, Review, ReviewOutcome, SupportPlan
from reviews.review_record import amendment_line
from reviews.services import reviews as review_services
from reviews.services.access import (
    amendable_fields,
    can_comment,
    can_write_assessment,
    party_of,
    refuse_unless_assessment_writer,
)
from reviews.services.certificates import can_download_certificate
from reviews.services.practice_examples import (
    linkable_evidence,
    linkable_observations,
    linkable_statements,
    practice_example_add,
    practice_example_remove,
)
from reviews.views.buttons import remove_button

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


def review_url(review: Review) -> str:
    return reverse("reviews:review", args=[review.pk])


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
    review_services.reviews_schedule(
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


@employer_view(*ANYONE)
@opens(registration_get, GET_ONLY)
def registration_reviews(request, registration):
    actor = request.actor
    today = clock.today()
    review_services.reviews_schedule(actor=actor, registrations=[registration], today=today)
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
        can_write_assessment(actor=actor, registration=registration) or is_coordinator(actor, registration)
    )
    can_start = (
        registration.is_open
        and not recommendations
        and can_write_assessment(actor=actor, registration=registration)
        and rules.final_review_locked(registration)
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
            "final_month": rules.final_review_month(registration),
            "certificate": selectors.certificate_available(registration)
            and can_download_certificate(actor=actor, registration=registration),
        },
    )


def _opens_later(review: Review, windows: dict, today: datetime.date) -> datetime.date | None:
    """The day a review not signed yet opens, if that is still to come (extra reviews have no window)."""
    window = None if review.extra or review.assessor_signed_at else windows.get(review.month)
    return window.opens if window is not None and not window.is_open(today) else None


@employer_view(*ANYONE)
@opens(registration_get, POST_ONLY)
def review_add_optional(request, registration):
    actor = request.actor
    try:
        month = int(request.POST.get("month", ""))
    except ValueError:
        month = 0
    try:
        review = review_services.review_add_optional(actor=actor, registration=registration, month=month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:registration", pk=registration.pk)
    messages.success(request, f"The {review.month}-month review has been added")
    return redirect(review_url(review))


def review_page(actor, review: Review, **names) -> dict:
    """A review's form page's ``context`` and ``current_version`` (``form_page``'s options): the page
    shows ``review_context`` and ``names`` of the review as it is now after a stale save, not as the
    person read it (read again once, for its version and the page)."""
    latest = Latest(lambda: selectors.review_get(actor=actor, pk=review.pk))
    return {
        "context": lambda _flow: {**review_context(actor, latest.or_(review)), **names},
        "current_version": latest.version,
    }


def review_context(actor, review: Review) -> dict:
    today = clock.today()
    party = party_of(actor=actor, review=review)
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
        and can_write_assessment(actor=actor, registration=registration)
        and actor.api_token_id is None,
        "can_sign": open_
        and party == "assessor"
        and review.assessor_signed_at is None
        and (window is None or window.is_open(today)),
        "can_comment": can_comment(actor=actor, review=review),
        "can_amend": bool(amendable_fields(actor=actor, review=review)),
    }


@employer_view(*ANYONE)
@opens(selectors.review_get, GET_ONLY)
def review_detail(request, review):
    actor = request.actor
    return render(request, "reviews/review.html", review_context(actor, review))


def _report_initial(review: Review) -> dict:
    return {
        **date_data("held_on", review.held_on),
        **model_to_dict(review, ("progress_pcf", "progress_standards", "outcome", "version")),
    }


@employer_view(*ANYONE)
@opens(selectors.review_get)
def review_edit(request, review):
    """The assessor's report: saved as a draft as often as they like, until they sign."""
    actor = request.actor
    refuse_unless_assessment_writer(
        actor, review.registration, "Only the NQSW's assessor writes their review."
    )
    if review.assessor_signed_at is not None:
        messages.info(request, "This review has been signed: change it as an amendment, with the reason.")
        return redirect(review_url(review))

    latest = Latest(lambda: selectors.review_get(actor=actor, pk=review.pk))

    def page(_flow) -> dict:
        current = latest.or_(review)
        window = rules.window_of(current)
        return {
            "review": current,  # after a stale save, as it is now, not as the person read it
            "registration": current.registration,
            # When the review opens: it cannot be recorded as held before then.
            "window": window,
            "opens_later": window is not None and not window.is_open(clock.today()),
        }

    return form_page(
        request,
        ReviewReportForm(request.POST or None, initial=_report_initial(review)),
        template="reviews/review_edit.html",
        context=page,
        save=lambda data: review_services.review_update(
            actor=actor,
            review=review,
            **answers(data, "version", "held_on", "progress_pcf", "progress_standards", "outcome"),
        ),
        done=lambda _saved: redirect(review_url(review)),
        message="Your report has been saved",
        current_version=latest.version,
    )


@employer_view(*ANYONE)
@opens(selectors.review_get)
def example_add(request, review):
    actor = request.actor
    registration = review.registration
    refuse_unless_assessment_writer(actor, registration, "Only the NQSW's assessor adds practice examples.")
    form = PracticeExampleForm(
        request.POST or None,
        evidence=linkable_evidence(registration),
        observations=linkable_observations(registration),
        statements=linkable_statements(registration),
    )
    return form_page(
        request,
        form,
        template="reviews/example_add.html",
        context=lambda _flow: {
            "review": review,
            "registration": registration,
            "signed": review.assessor_signed_at is not None,
            "no_portfolio_links": len(form.fields["evidence"].choices) == 1
            and len(form.fields["observation"].choices) == 1,
        },
        save=lambda data: practice_example_add(
            actor=actor,
            review=review,
            text=data["text"],
            evidence_id=data["evidence"],
            observation_id=data["observation"],
            statement_id=data["statement"],
        ),
        done=lambda _saved: redirect(review_url(review)),
        message="Practice example added",
    )


@employer_view(*ANYONE)
@opens(selectors.practice_example_get, POST_ONLY)
def example_remove(request, example):
    return remove_button(
        request,
        lambda: practice_example_remove(actor=request.actor, example=example),
        back=review_url(example.review),
        message="Practice example removed",
    )
