"""Signing in: allauth's pages, with two things added.

- A refused sign-in (allauth's failed-attempt limit) answers 429 Too Many Requests, a status a proxy, a
  monitor or a script can see, not a 200 with a message in it.
- The anonymous steps of signing in get a narrow grant to the one person's sign-in records. Authenticators
  and email addresses have row-level security keyed on the signed-in person (``asye.accounts.rls``);
  before anyone is signed in, each step that must read them sets ``app.auth_user_id`` to the person it
  is about, and only once that person is known for sure:
    * the password step, once the password is checked (is a second factor needed?);
    * the second-factor step, for the person allauth keeps in the session as "password checked, code
      to come" (``PendingSignInMiddleware``);
    * a password reset, while its token is made or checked (``asye.accounts.reset_tokens``), and for
      the rest of the request once a reset link has proved who it is for.
  Looking a person up by the email address they typed needs no grant: ``accounts_user.email`` (no
  row-level security) is the address people sign in with; allauth's copies in ``account_emailaddress``
  stay hidden.
"""

from __future__ import annotations

from allauth.account.forms import LoginForm, UserTokenForm
from allauth.account.internal.stagekit import unstash_login
from allauth.account.views import LoginView
from django.db import connection
from django.forms.forms import NON_FIELD_ERRORS
from django.urls import reverse

from asye.tenancy.db import apply_settings, tenant_settings

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


def grant_for_request(user_id: int) -> None:
    """Let the rest of this request's transaction read ``user_id``'s sign-in records."""
    if connection.in_atomic_block:
        apply_settings({"app.auth_user_id": user_id})


class SignInForm(LoginForm):
    """allauth's sign-in form. Once the password has been checked, the steps that follow (does this person
    need a second factor?) read that person's authenticators, and nobody else's."""

    def login(self, request, redirect_url=None):
        user = getattr(self, "user", None)
        if user is None:
            return super().login(request, redirect_url)
        with tenant_settings(auth_user_id=user.pk):
            return super().login(request, redirect_url)


class ResetLinkForm(UserTokenForm):
    """The check of a password-reset link. Once it has proved whose link it is, the rest of the request
    (setting the password, clearing that person's failed sign-ins by address) reads their addresses."""

    def clean(self):
        cleaned = super().clean()
        grant_for_request(self.reset_user.pk)
        return cleaned


class PendingSignInMiddleware:
    """The second-factor step of signing in: nobody is signed in yet, but allauth keeps in the session the
    person whose password was checked. For that page alone, their authenticators are readable (and
    writable: a used recovery code, the time of last use)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._path = None

    def __call__(self, request):
        if self._path is None:
            self._path = reverse("mfa_authenticate")
        if request.path == self._path and not request.user.is_authenticated:
            pending = unstash_login(request, peek=True)
            if pending is not None and pending.user is not None:
                grant_for_request(pending.user.pk)
        return self.get_response(request)
