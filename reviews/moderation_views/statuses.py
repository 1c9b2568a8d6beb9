"""The status of a moderation form page that did not save: 409 after a stale save, 400 for a POST the
form or the service refused (these pages have always answered a refused POST with 400), else 200."""

from __future__ import annotations

from django.http import HttpRequest

from asye.web.flow import FormFlow


def refused_status(request: HttpRequest, flow: FormFlow) -> int:
    if flow.conflict:
        return flow.status
    return 400 if request.method == "POST" else 200
