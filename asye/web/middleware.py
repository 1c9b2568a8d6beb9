"""Request checks that apply to every page and API call before any view runs."""

from __future__ import annotations

import re

from asye.api.problems import problem_response
from asye.web.errors import bad_request, is_api

# C0 control characters and DEL. None belongs in an address: a NUL byte, for one, is refused by
# PostgreSQL ("cannot contain NUL characters"), which would otherwise surface as a 500 in whatever view
# passed the parameter on to a query.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_MESSAGE = "must not contain control characters"


class RejectControlCharactersMiddleware:
    """Answer 400 to a query string whose parameter names or values hold control characters: a problem
    detail naming the parameter on the API, the GOV.UK "there is a problem" page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = next(
            (
                key
                for key, values in request.GET.lists()
                if CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
            ),
            None,
        )
        if bad is None:
            return self.get_response(request)
        if not is_api(request):
            return bad_request(request)
        name = CONTROL_CHARACTERS.sub("", bad) or "query"
        return problem_response(
            request,
            400,
            f"The {name} parameter {CONTROL_MESSAGE}.",
            errors={name: [f"This parameter {CONTROL_MESSAGE}."]},
        )
