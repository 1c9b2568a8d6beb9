"""The final recommendation pages (written, changed, submitted to the panel) and the completion
certificate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from asye.web.decorators import GET_ONLY, POST_ONLY, employer_view, refuse_method
from asye.web.flow import form_flow, form_page
from programmes.selectors import registration_get
from reviews import rules, selectors
from reviews.certificate import certificate_filename
from reviews.forms import RecommendationForm, SignForm
from reviews.services.access import can_write_assessment
from reviews.services.certificates import can_download_certificate, certificate_issue
from reviews.services.recommendations import (
    EDITABLE_RECOMMENDATION,
    final_recommendation_create,
    final_recommendation_submit,
    final_recommendation_update,
)
from reviews.views.reviews import ANYONE, RECOMMENDATION_COLOURS


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def recommendation_new(request, pk: int):
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor writes the final recommendation.")
    existing = selectors.final_recommendations_of(actor=actor, registration=registration)
    if existing:
        return redirect("reviews:recommendation", pk=existing[-1].pk)
    return form_page(
        request,
        RecommendationForm(request.POST or None),
        template="reviews/recommendation_form.html",
        context=lambda _flow: {
            "registration": registration,
            "item": None,
            "final_month": rules.final_review_month(registration),
            # What the record still needs (reviews.rules): listed instead of the form.
            "gaps": rules.recommendation_gaps(registration) if request.method == "GET" else [],
        },
        # Someone else starting it at the same moment is shown on the form, as a page of 200.
        status=200,
        save=lambda data: final_recommendation_create(
            actor=actor,
            registration=registration,
            recommendation=data["recommendation"],
            evidence_summary=data["evidence_summary"],
        ),
        done=lambda item: redirect("reviews:recommendation", pk=item.pk),
        message="Your recommendation has been saved. Submit it to the panel when it is ready.",
    )


@employer_view(*ANYONE)
def recommendation_detail(request, pk: int):
    actor = request.actor
    item = selectors.final_recommendation_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    registration = item.registration
    can_change = (
        can_write_assessment(actor=actor, registration=registration)
        and actor.api_token_id is None
        and registration.is_open
        and item.status in EDITABLE_RECOMMENDATION
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
            and can_download_certificate(actor=actor, registration=registration),
        },
    )


@employer_view(*ANYONE)
@require_http_methods(["GET", "POST"])
def recommendation_change(request, pk: int):
    actor = request.actor
    item = selectors.final_recommendation_get(actor=actor, pk=pk)
    registration = item.registration
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor changes the final recommendation.")
    if item.status not in EDITABLE_RECOMMENDATION:
        return redirect("reviews:recommendation", pk=item.pk)
    initial = {
        "recommendation": item.recommendation,
        "evidence_summary": item.evidence_summary,
        "version": item.version,
    }

    def page(flow) -> dict:
        current = selectors.final_recommendation_get(actor=actor, pk=pk) if flow.conflict else item
        return {
            "registration": registration,
            "item": current,  # after a stale save, as it is now, not as the person read it
            "final_month": rules.final_review_month(registration),
            "decisions": selectors.decisions_of(current),
        }

    return form_page(
        request,
        RecommendationForm(request.POST or None, initial=initial),
        template="reviews/recommendation_form.html",
        context=page,
        save=lambda data: final_recommendation_update(
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
    flow = form_flow(
        request,
        form,
        save=lambda data: final_recommendation_submit(actor=actor, item=item, version=data["version"]),
        done=lambda _saved: redirect("reviews:recommendation", pk=item.pk),
        message="Your recommendation has been submitted to the internal moderation panel",
    )
    if flow.response:
        return flow.response
    refusals = [message for errors in flow.form.errors.values() for message in errors]
    messages.error(request, SUBMIT_CONFLICT if flow.conflict else " ".join(refusals))
    return redirect("reviews:recommendation", pk=item.pk)


SUBMIT_CONFLICT = (
    "Someone else saved this recommendation since you opened the page. Check it below, then submit it again."
)


@employer_view(*ANYONE)
def certificate(request, pk: int):
    """The completion certificate, for the NQSW, their assessor and the co-ordinator, once the internal
    panel has endorsed a pass."""
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    if not can_download_certificate(actor=actor, registration=registration):
        raise PermissionDenied("The certificate is for the NQSW, their assessor and the co-ordinator.")
    if not selectors.certificate_available(registration):
        raise Http404("No certificate: the programme has no endorsed pass.")
    pdf = certificate_issue(actor=actor, registration=registration)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(registration)}"'
    response["Cache-Control"] = "private, no-store"
    return response
