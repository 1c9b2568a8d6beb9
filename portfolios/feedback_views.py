"""The public feedback pages, under /feedback/: the form behind an NQSW's single-use link, and the thank-you
page. No account and no session are needed; the secret in the address is the only credential, and it
works the same for someone signed in as anyone.

The request's middleware has opened the transaction (with no employer, or the signed-in person's): the
link's row is found by the hash of its secret (``feedback_links.feedback_request_find``), the NQSW's
name is read in the request's employer's tenant context, and the answer is written there too by the
service. Pages that refuse carry 404 (an unknown secret) or 410 (a link used, cancelled or expired), and
change nothing.
"""

from __future__ import annotations

import functools

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from asye.tenancy.db import tenant_context
from asye.web.flow import form_page
from asye.web.forms import posted
from portfolios import feedback_links
from portfolios.feedback_forms import ChildFeedbackForm, FeedbackForm
from portfolios.models import FeedbackRequest
from programmes.models import Registration

GONE_STATUS = {"answered": 410, "cancelled": 410, "expired": 410, "closed": 410, "unknown": 404}


def private_page(view):
    """The address holds a secret: keep it out of caches, search engines and other sites' Referer headers.
    ``same-origin``, not ``no-referrer``: with no referrer at all the browser sends ``Origin: null`` with
    the form, and Django's CSRF check rightly refuses it."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _about(feedback_request: FeedbackRequest) -> dict:
    """Who asked, for the page: the NQSW's name and employer, read in their employer's context."""
    with tenant_context(feedback_request.employer_id):
        registration = (
            Registration.objects.filter(portfolio__pk=feedback_request.portfolio_id)
            .select_related("employer")
            .get()
        )
        return {
            "nqsw_name": registration.full_name,
            "first_name": registration.first_name,
            "employer_name": registration.employer.name,
        }


def _not_usable(request, reason: str, feedback_request: FeedbackRequest | None):
    for_child = feedback_request is not None and feedback_request.kind == FeedbackRequest.Kind.CHILD
    return render(
        request,
        "portfolios/feedback/not_usable.html",
        {"reason": reason, "for_child": for_child},
        status=GONE_STATUS[reason],
    )


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, secret: str):
    found = feedback_links.feedback_request_find(secret=secret)
    if found is None:
        return _not_usable(request, "unknown", None)
    state = feedback_links.feedback_link_state(found)
    if state != "waiting":
        return _not_usable(request, state, found)
    about = _about(found)
    for_child = found.kind == FeedbackRequest.Kind.CHILD
    if for_child:
        form = ChildFeedbackForm(posted(request), first_name=about["first_name"])
    else:
        form = FeedbackForm(
            posted(request),
            first_name=about["first_name"],
            professional=found.kind == FeedbackRequest.Kind.PROFESSIONAL,
        )
    template = "portfolios/feedback/answer_child.html" if for_child else "portfolios/feedback/answer.html"
    try:
        return form_page(
            request,
            form,
            template=template,
            context={
                "feedback_request": found,
                "expires_on": timezone.localtime(found.expires_at).date(),
                **about,
            },
            save=lambda answers: feedback_links.feedback_request_answer(secret=secret, answers=answers),
            done=lambda _answered: redirect(reverse("feedback:thanks") + ("?simple=1" if for_child else "")),
        )
    except feedback_links.FeedbackLinkNotUsable as refused:
        return _not_usable(request, refused.reason, refused.feedback_request)


@private_page
@require_safe
def thanks(request):
    return render(request, "portfolios/feedback/thanks.html", {"for_child": request.GET.get("simple") == "1"})
