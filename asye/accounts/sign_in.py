"""Signing in: allauth's page, answering 429 Too Many Requests when its failed-attempt limit refuses, so
the refusal is a status a proxy, a monitor or a script can see, not a 200 with a message in it."""

from __future__ import annotations

from allauth.account.views import LoginView
from django.forms.forms import NON_FIELD_ERRORS

TOO_MANY = "too_many_login_attempts"


class RateLimitedLoginView(LoginView):
    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code=TOO_MANY) or any(
            form.has_error(field, code=TOO_MANY) for field in form.fields
        ):
            response.status_code = 429
            response["Retry-After"] = "60"
        return response


login = RateLimitedLoginView.as_view()
