"""The respondent's pages, under /360/: the form behind a single-use link, and the thank-you page. No
account and no session are needed; the secret in the address is the only credential, and it works the
same for someone signed in as for anyone. The pages never show who else was invited or what anyone
answered.

Refusals carry 404 (an unknown secret) or 410 (a link used, or its evaluation closed) and change nothing.
Answers are limited to ``ANSWERS_PER_MINUTE`` a minute from one address (429 beyond), so that a script
cannot try secrets or flood a cycle.
"""

from __future__ import annotations

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from asye.web.flow import form_page
from asye.web.forms import posted
from evaluations import responding
from evaluations.forms import RatingsForm
from portfolios.feedback_views import private_page

GONE_STATUS = {"used": 410, "closed": 410, "unknown": 404}
ANSWERS_PER_MINUTE = 20


def _too_many(request) -> bool:
    """Count this request against its address's minute; True once over the limit."""
    key = f"evaluations:answers:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > ANSWERS_PER_MINUTE
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        return False


def _not_usable(request, reason: str):
    return render(
        request, "evaluations/respond/not_usable.html", {"reason": reason}, status=GONE_STATUS[reason]
    )


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, secret: str):
    if request.method == "POST" and _too_many(request):
        return render(request, "evaluations/respond/too_many.html", status=429)
    invitation = responding.invitation_find(secret=secret)
    if invitation is None:
        return _not_usable(request, "unknown")
    state = responding.link_state(invitation)
    if state != "waiting":
        return _not_usable(request, state)
    page = responding.link_page(invitation)
    statements = [statement for _, _, theme in page["structure"] for statement in theme]
    form = RatingsForm(posted(request), statements=statements)
    themes = [
        (number, title, [form[f"statement_{n}"] for n, _ in theme])
        for number, title, theme in page["structure"]
    ]
    try:
        return form_page(
            request,
            form,
            template="evaluations/respond/answer.html",
            context={**page, "themes": themes},
            save=lambda _data: responding.response_submit(secret=secret, answers=form.answers()),
            done=lambda _saved: redirect("evaluation_response:thanks"),
        )
    except responding.LinkNotUsable as refused:
        return _not_usable(request, refused.reason)


@private_page
@require_safe
def thanks(request):
    return render(request, "evaluations/respond/thanks.html")
