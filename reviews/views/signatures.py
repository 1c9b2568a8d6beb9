"""The pages where people sign a review: the assessor's signature, the NQSW's and the line manager's
comments and signatures, and amendments to what they signed."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from asye.web.dates import date_data
from asye.web.decorators import employer_view, opens
from asye.web.flow import Latest, form_flow, form_page
from reviews import selectors
from reviews.forms import AmendForm, CommentForm, SignForm
from reviews.models import Review, ReviewOutcome
from reviews.services import amendments, signatures
from reviews.services.access import amendable_fields, can_comment, party_of
from reviews.views.reviews import ANYONE, review_context, review_page, review_url


@employer_view(*ANYONE)
@opens(selectors.review_get)
def review_sign(request, review):
    """The assessor checks the review and signs it."""
    actor = request.actor
    if party_of(actor=actor, review=review) != "assessor":
        raise PermissionDenied("Only the NQSW's assessor signs as the assessor.")
    if review.assessor_signed_at is not None:
        return redirect(review_url(review))
    refusals: list[ValidationError] = []

    def sign(data):
        try:
            return signatures.review_sign_as_assessor(actor=actor, review=review, version=data["version"])
        except ValidationError as error:
            refusals.append(error)  # shown as links to the parts of the review it names, below
            raise

    latest = Latest(lambda: selectors.review_get(actor=actor, pk=review.pk))
    flow = form_flow(
        request,
        SignForm(request.POST or None, initial={"version": review.version}),
        save=sign,
        done=lambda signed: redirect(review_url(signed)),
        message=lambda signed: SIGNED_MESSAGES.get(signed.outcome, SIGNED),
        current_version=latest.version,
    )
    if flow.response:
        return flow.response
    review = latest.or_(review)  # after a stale save, as it is now, not as the person read it
    missing = []
    for error in refusals:
        # What is missing is shown on this page: each message links to that part of the review (a review
        # whose window has not opened: to where the page says when it opens).
        incomplete = hasattr(error, "error_dict")
        refused = "window" if review_context(actor, review)["opens_later"] else ""
        missing = [
            {"href": f"#{SIGN_ANCHORS.get(field, 'review-summary')}", "message": message}
            for field, messages_ in (
                error.message_dict.items() if incomplete else [(refused, error.messages)]
            )
            for message in messages_
        ]
    return render(
        request,
        "reviews/review_sign.html",
        {
            **review_context(actor, review),
            "form": flow.form,
            "conflict": SIGN_CONFLICT if flow.conflict else "",
            "missing": missing,
            "incomplete": any(item["href"] not in ("#review-window", "#review-summary") for item in missing),
        },
        status=flow.status,
    )


SIGNED = "You have signed the review. The NQSW and their line manager can now comment and sign."
SIGNED_NOT_ON_TRACK = (
    "You have signed the review. A support plan has started, with an extra review, and the co-ordinator has "
    "been told."
)
SIGNED_MESSAGES = {ReviewOutcome.NOT_ON_TRACK: SIGNED_NOT_ON_TRACK}
SIGN_CONFLICT = (
    "Someone else saved this review since you opened this page. Check the review below, then sign it again."
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
@opens(selectors.review_get)
def review_comment(request, review):
    """The NQSW or the line manager comments and signs, once the assessor has signed."""
    actor = request.actor
    party = party_of(actor=actor, review=review)
    if party not in ("nqsw", "line_manager"):
        raise PermissionDenied("Only the NQSW and their line manager comment on a review.")
    if not can_comment(actor=actor, review=review):
        messages.info(
            request,
            "You can comment once the assessor has signed the review, and until you sign it yourself.",
        )
        return redirect(review_url(review))
    field = "nqsw_comments" if party == "nqsw" else "line_manager_comments"
    hint = (
        "Your view of your progress and of the assessor's report."
        if party == "nqsw"
        else "Your view of the NQSW's progress, their workload and the support they have had."
    )
    sign = request.POST.get("action") == "sign"

    def commented(saved: Review) -> str:
        if not sign:
            return "Your comments have been saved. You have not signed the review yet."
        if saved.status == Review.Status.LOCKED:
            return "You have signed the review. Everyone has signed: it is now locked."
        return "You have signed the review"

    return form_page(
        request,
        CommentForm(
            request.POST or None,
            hint=hint,
            initial={"comments": getattr(review, field), "version": review.version},
        ),
        template="reviews/review_comment.html",
        **review_page(actor, review),
        save=lambda data: signatures.review_comment(
            actor=actor, review=review, version=data["version"], comments=data["comments"], sign=sign
        ),
        done=lambda saved: redirect(review_url(saved)),
        message=commented,
        rebind=partial(CommentForm, hint=hint),
    )


@employer_view(*ANYONE)
@opens(selectors.review_get)
def review_amend(request, review):
    """Change what you signed, giving the reason; the old and new values are kept."""
    actor = request.actor
    fields = amendable_fields(actor=actor, review=review)
    if not fields:
        raise PermissionDenied("You can amend only your own part of a review, after you have signed it.")
    initial = {name: getattr(review, name) for name in fields if name != "held_on"}
    if "held_on" in fields:
        initial.update(date_data("held_on", review.held_on))
    form = AmendForm(request.POST or None, fields=fields, initial={**initial, "version": review.version})
    return form_page(
        request,
        form,
        template="reviews/review_amend.html",
        **review_page(actor, review, fields=fields),
        save=lambda data: amendments.review_amend(
            actor=actor, review=review, version=data["version"], reason=data["reason"], **form.changes()
        ),
        done=lambda _saved: redirect(review_url(review)),
        message="The review has been amended. The change and your reason are in its history.",
        rebind=partial(AmendForm, fields=fields),
    )
