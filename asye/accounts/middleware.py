"""Holders of the roles in MFA_REQUIRED_ROLES (co-ordinator, national staff, NQAP moderator) must set up
a second factor before anything else."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from asye.accounts.models import MFA_REQUIRED_ROLES
from asye.api.problems import problem_response

ALWAYS_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/accessibility/", "/privacy/", "/cookies/", "/healthz")


def mfa_required_for(actor) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.national_roles & MFA_REQUIRED_ROLES:
        return True
    return any(roles & MFA_REQUIRED_ROLES for roles in actor.roles_by_employer.values())


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ASYE_MFA_REQUIRED and not request.path.startswith(ALWAYS_ALLOWED_PREFIXES):
            actor = getattr(request, "actor", None)
            if actor is not None and mfa_required_for(actor) and not has_totp(actor.user):
                if request.path.startswith("/api/"):
                    # Signed in through a session without the second factor their role needs.
                    return problem_response(
                        request, 403, "Set up two-factor authentication before using the service."
                    )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
