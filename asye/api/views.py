"""Pages for creating and revoking API tokens: co-ordinators' for their employer, and national staff's
own national tokens (in the audited national scope, behind the second factor national pages require)."""

from django import forms
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from asye import clock
from asye.accounts.models import Role
from asye.api import national_selectors, selectors, services
from asye.tenancy.national import national_view
from asye.web.confirm import confirm_post
from asye.web.decorators import employer_view
from asye.web.flow import form_page


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name the token",
        help_text="Say which system will use it, for example 'HR system nightly export'.",
        max_length=100,
        error_messages={"required": "Enter a name for the token"},
    )


def _token_list_page(request, *, form, create, template: str, created_template: str, context: dict):
    """A token list with its create form: on a valid POST, ``create(cleaned_data)`` and the secret shown
    once on ``created_template``; a service's ValidationError on the form's error summary."""

    def secret_shown(issued):
        return render(request, created_template, {"token": issued.token, "secret": issued.secret})

    return form_page(
        request,
        form,
        template=template,
        context=context,
        save=create,
        done=secret_shown,
    )


def _token_revoke_page(request, *, token, revoke, template: str, done: str):
    """Confirm, then ``revoke(token)`` and back to the list ``done`` with a banner."""
    revoked = confirm_post(
        request, lambda: revoke(token), message=f"Token '{token.name}' revoked", done=lambda: redirect(done)
    )
    return revoked.response or render(request, template, {"token": token})


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def token_list(request):
    return _token_list_page(
        request,
        form=ApiTokenForm(request.POST or None),
        create=lambda data: services.api_token_create(actor=request.actor, name=data["name"]),
        template="api_tokens/list.html",
        created_template="api_tokens/created.html",
        context={"tokens": selectors.api_token_list(actor=request.actor)},
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    return _token_revoke_page(
        request,
        token=selectors.api_token_get(actor=request.actor, pk=pk),
        revoke=lambda token: services.api_token_revoke(actor=request.actor, token=token),
        template="api_tokens/revoke.html",
        done="api_tokens:list",
    )


class NationalApiTokenForm(ApiTokenForm):
    days = forms.TypedChoiceField(
        label="How long should it last?",
        help_text="It stops working after this. Create a new one when it expires.",
        choices=[(days, f"{days} days") for days in services.NATIONAL_TOKEN_LIFETIMES],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long the token lasts"},
    )


@national_view
@require_http_methods(["GET", "POST"])
def national_token_list(request):
    actor = request.actor
    return _token_list_page(
        request,
        form=NationalApiTokenForm(request.POST if request.method == "POST" else None),
        create=lambda data: services.national_api_token_create(
            actor=actor, name=data["name"], days=data["days"]
        ),
        template="api/national_tokens.html",
        created_template="api/national_token_created.html",
        context={
            "tokens": list(national_selectors.national_api_token_list(actor=actor)),
            "now": clock.now(),
        },
    )


@national_view
@require_http_methods(["GET", "POST"])
def national_token_revoke(request, pk: int):
    return _token_revoke_page(
        request,
        token=national_selectors.national_api_token_get(actor=request.actor, pk=pk),
        revoke=lambda token: services.national_api_token_revoke(actor=request.actor, token=token),
        template="api/national_token_revoke.html",
        done="national_api_tokens:list",
    )
