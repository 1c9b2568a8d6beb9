"""Feedback requests' pages, the NQSW's side: the list, asking for feedback, the new link (shown once),
one request and its answer, and cancelling. The link's own pages are ``feedback_views``; shared page
parts are in ``record_pages``."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from asye import clock
from asye.web.confirm import confirm_post
from asye.web.decorators import GET_ONLY, GET_OR_POST, employer_view, opens
from asye.web.flow import form_page
from asye.web.forms import answers, posted
from portfolios import feedback_requests as services
from portfolios import record_selectors as selectors
from portfolios.access import portfolio_registration_get, require_owner
from portfolios.feedback_links import FEEDBACK_LINK_DAYS, LISTENED_CHOICES, feedback_state
from portfolios.models import FeedbackRequest
from portfolios.record_forms import FeedbackRequestForm
from portfolios.record_pages import READERS, record_context

# The secret of a new feedback link waits here for the one page that shows it.
NEW_LINK_SESSION_KEY = "portfolios_new_feedback_link"


def _feedback_rows(requests, now):
    rows = []
    for item in requests:
        state = feedback_state(item, now)
        label, colour = selectors.FEEDBACK_STATE_LABELS[state]
        rows.append({"request": item, "state": state, "label": label, "colour": colour})
    return rows


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_ONLY)
def feedback_requests(request, registration):
    portfolio = selectors.portfolio_of(registration)
    rows = _feedback_rows(selectors.feedback_request_list(portfolio), clock.now())
    return render(
        request,
        "portfolios/records/feedback_requests.html",
        record_context(
            request,
            registration,
            portfolio,
            rows=rows,
            answered=[r for r in rows if r["state"] == "answered"],
            days=FEEDBACK_LINK_DAYS,
        ),
    )


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_OR_POST)
def feedback_request_add(request, registration):
    actor = request.actor
    require_owner(actor, registration, "Only the NQSW asks for feedback on their practice.")
    portfolio = selectors.portfolio_of(registration)

    def show_link_once(issued):
        request.session[NEW_LINK_SESSION_KEY] = {"id": issued.feedback_request.pk, "secret": issued.secret}
        return redirect("portfolios:feedback_request_created", pk=issued.feedback_request.pk)

    return form_page(
        request,
        FeedbackRequestForm(posted(request)),
        template="portfolios/records/feedback_request_form.html",
        context=lambda _flow: record_context(request, registration, portfolio, days=FEEDBACK_LINK_DAYS),
        save=lambda data: services.feedback_request_create(
            actor=actor,
            registration=registration,
            **answers(data, "kind", "recipient_name", "recipient_email", "context"),
            link_builder=lambda secret: request.build_absolute_uri(reverse("feedback:answer", args=[secret])),
        ),
        done=show_link_once,
    )


@employer_view(*READERS)
@opens(selectors.feedback_request_get, GET_ONLY)
def feedback_request_created(request, item):
    """The confirmation page: the link, shown this once (only its hash is kept), to copy or hand over."""
    actor = request.actor
    registration = item.portfolio.registration
    require_owner(actor, registration, "Only the NQSW who asked sees the link.")
    pending = request.session.get(NEW_LINK_SESSION_KEY) or {}
    link = ""
    if pending.get("id") == item.pk:
        del request.session[NEW_LINK_SESSION_KEY]
        if feedback_state(item) == "waiting":
            link = request.build_absolute_uri(reverse("feedback:answer", args=[pending["secret"]]))
    response = render(
        request,
        "portfolios/records/feedback_request_created.html",
        record_context(
            request,
            registration,
            item.portfolio,
            item=item,
            link=link,
            expires_on=timezone.localtime(item.expires_at).date(),
        ),
    )
    # The page holds a live secret: never from a cache, never in a Referer header sent to another site
    # (same-origin rather than no-referrer, which would make the page's forms fail the CSRF check).
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@employer_view(*READERS)
@opens(selectors.feedback_request_get, GET_ONLY)
def feedback_request(request, item):
    registration = item.portfolio.registration
    state = feedback_state(item)
    label, colour = selectors.FEEDBACK_STATE_LABELS[state]
    listened = LISTENED_CHOICES.get(item.felt_listened_to)
    return render(
        request,
        "portfolios/records/feedback_request.html",
        record_context(
            request,
            registration,
            item.portfolio,
            item=item,
            state=state,
            label=label,
            colour=colour,
            listened=(listened[1] if item.kind == FeedbackRequest.Kind.CHILD else listened[0])
            if listened
            else "",
            expires_on=timezone.localtime(item.expires_at).date(),
        ),
    )


@employer_view(*READERS)
@opens(selectors.feedback_request_get, GET_OR_POST)
def feedback_request_cancel(request, item):
    """A confirmation button, not a form: a refusal is said on the page (400)."""
    actor = request.actor
    registration = item.portfolio.registration
    require_owner(actor, registration, "Only the NQSW who asked cancels a feedback request.")
    answer = confirm_post(
        request,
        lambda: services.feedback_request_cancel(actor=actor, feedback_request=item),
        message=f"Feedback request to {item.recipient_name} cancelled. The link no longer works.",
        done=lambda: redirect("portfolios:feedback_requests", pk=registration.pk),
    )
    if answer.response:
        return answer.response
    return render(
        request,
        "portfolios/records/feedback_request_cancel.html",
        record_context(
            request,
            registration,
            item.portfolio,
            item=item,
            state=feedback_state(item),
            problem=answer.refusal,
        ),
        status=400 if answer.refusal else 200,
    )
