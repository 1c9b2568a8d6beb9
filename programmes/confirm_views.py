"""The NQSW confirms a registration is theirs before it is linked to their account.

A co-ordinator types the NQSW's email address when registering, and a transfer carries the one the other
employer recorded; neither proves who the NQSW is. So a registration that names the signed-in NQSW's
email address and no NQSW yet is offered on their programme page, and linked only when they confirm it
by giving its Social Work England number (``support_services.registration_claim_by_nqsw``).
"""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from asye.accounts.models import Role
from asye.web.decorators import employer_view
from asye.web.flow import form_page
from asye.web.forms import posted
from programmes.support_selectors import registrations_to_claim
from programmes.support_services import registration_claim_by_nqsw


class ConfirmRegistrationForm(forms.Form):
    swe_number = forms.CharField(
        label="What is your Social Work England number?",
        help_text="It starts with SW, like SW123456. It shows us this programme is yours.",
        max_length=20,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": "Enter your Social Work England number"},
    )


@employer_view(Role.NQSW)
@require_http_methods(["GET", "POST"])
def confirm_registration(request, pk: int):
    actor = request.actor
    registration = next((r for r in registrations_to_claim(actor=actor) if r.pk == pk), None)
    if registration is None:
        # Another employer's, someone else's, already linked or missing: all the same answer.
        raise Http404("No registration to confirm.")
    return form_page(
        request,
        ConfirmRegistrationForm(posted(request)),
        template="support/confirm_registration.html",
        context={"registration": registration},
        save=lambda data: registration_claim_by_nqsw(
            actor=actor, registration=registration, swe_number=data["swe_number"]
        ),
        done=lambda _saved: redirect("support:my_programme"),
        message="The programme has been added to your account",
    )
