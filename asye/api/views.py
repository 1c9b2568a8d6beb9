"""Co-ordinators' pages for creating and revoking API tokens."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from asye.accounts.models import Role
from asye.api import selectors, services
from asye.web.decorators import employer_view
from asye.web.forms import add_service_errors


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name the token",
        help_text="Say which system will use it, for example 'HR system nightly export'.",
        max_length=100,
        error_messages={"required": "Enter a name for the token"},
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_token_create(actor=request.actor, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(
                request, "api_tokens/created.html", {"token": issued.token, "secret": issued.secret}
            )
    return render(
        request,
        "api_tokens/list.html",
        {"tokens": selectors.api_token_list(actor=request.actor), "form": form},
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    token = selectors.api_token_get(actor=request.actor, pk=pk)
    if request.method == "POST":
        services.api_token_revoke(actor=request.actor, token=token)
        messages.success(request, f"Token '{token.name}' revoked")
        return redirect("api_tokens:list")
    return render(request, "api_tokens/revoke.html", {"token": token})
