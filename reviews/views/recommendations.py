"""The final recommendation pages (written, changed, submitted to the panel) and the completion
certificate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from asye.web.decorators import GET_ONLY, POST_ONLY, employer_view, opens
from asye.web.flow import form_page
from asye.web.forms import answers
from programmes.selectors import registration_get
from reviews import rules, selectors
from reviews.certificate import certificate_filename
from reviews.forms import RecommendationForm, SignForm
from reviews.services.access import can_write_assessment, refuse_unless_assessment_writer
from reviews.services.certificates import can_download_certificate, certificate_issue
from reviews.services.recommendations import (
    EDITABLE_RECOMMENDATION,
    final_recommendation_create,
    final_recommendation_submit,
    final_recommendation_update,
)
from reviews.views.buttons import version_button
from reviews.views.reviews import ANYONE, RECOMMENDATION_COLOURS


@employer_view(*ANYONE)
@opens(registration_get)
def recommendation_new(request, registration):
    actor = request.actor
    refuse_unless_assessment_writer(
        actor, registration, "Only the NQSW's assessor writes the final recommendation."
    )
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
            actor=actor, registration=registration, **answers(data, "recommendation", "evidence_summary")
        ),
        done=lambda item: redirect("reviews:recommendation", pk=item.pk),
        message="Your recommendation has been saved. Submit it to the panel when it is ready.",
    )


@employer_view(*ANYONE)
@opens(selectors.final_recommendation_get, GET_ONLY)
def recommendation_detail(request, item):
    actor = request.actor
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
@opens(selectors.final_recommendation_get)
def recommendation_change(request, item):
    actor = request.actor
    registration = item.registration
    refuse_unless_assessment_writer(
        actor, registration, "Only the NQSW's assessor changes the final recommendation."
    )
    if item.status not in EDITABLE_RECOMMENDATION:
        return redirect("reviews:recommendation", pk=item.pk)
    initial = model_to_dict(item, ("recommendation", "evidence_summary", "version"))

    def page(flow) -> dict:
        current = selectors.final_recommendation_get(actor=actor, pk=item.pk) if flow.conflict else item
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
            **answers(data, "recommendation", "evidence_summary"),
        ),
        done=lambda _saved: redirect("reviews:recommendation", pk=item.pk),
        message="Your recommendation has been saved",
        current_version=lambda: selectors.final_recommendation_get(actor=actor, pk=item.pk).version,
    )


@employer_view(*ANYONE)
@opens(selectors.final_recommendation_get, POST_ONLY)
def recommendation_submit(request, item):
    return version_button(
        request,
        save=lambda version: final_recommendation_submit(actor=request.actor, item=item, version=version),
        back=reverse("reviews:recommendation", args=[item.pk]),
        message="Your recommendation has been submitted to the internal moderation panel",
        again="Submit the recommendation again.",
        conflict=SUBMIT_CONFLICT,
    )


SUBMIT_CONFLICT = (
    "Someone else saved this recommendation since you opened the page. Check it below, then submit it again."
)


@employer_view(*ANYONE)
@opens(registration_get, GET_ONLY)
def certificate(request, registration):
    """The completion certificate, for the NQSW, their assessor and the co-ordinator, once the internal
    panel has endorsed a pass."""
    actor = request.actor
    if not can_download_certificate(actor=actor, registration=registration):
        raise PermissionDenied("The certificate is for the NQSW, their assessor and the co-ordinator.")
    if not selectors.certificate_available(registration):
        raise Http404("No certificate: the programme has no endorsed pass.")
    pdf = certificate_issue(actor=actor, registration=registration)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(registration)}"'
    response["Cache-Control"] = "private, no-store"
    return response
