"""Team, invitations and the choice of employer."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from asye.accounts import selectors, services
from asye.accounts.forms import AcceptInvitationForm, ChooseEmployerForm, InvitationForm, TeamSearchForm
from asye.accounts.models import Role
from asye.tenancy.middleware import ACTIVE_EMPLOYER_SESSION_KEY
from asye.web.confirm import confirm_post
from asye.web.decorators import employer_view, signed_in_view
from asye.web.flow import form_page
from asye.web.forms import posted

# The invitation just sent (its id, and the words that say so), for the team page's banner.
JUST_SENT_KEY = "accounts_invitation_just_sent"


@employer_view(Role.COORDINATOR)
def team(request):
    actor = request.actor
    search = TeamSearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    members = selectors.membership_search(selectors.membership_list(actor=actor), text)
    people: dict[int, dict] = {}
    for membership in members:
        entry = people.setdefault(membership.user_id, {"user": membership.user, "memberships": []})
        entry["memberships"].append(membership)
    invitations = list(selectors.invitation_list_pending(actor=actor))
    _say_what_became_of_the_emails(request, invitations)
    return render(
        request,
        "accounts/team.html",
        {
            "people": list(people.values()),
            "invitations": invitations,
            "search_form": TeamSearchForm(initial={"q": text}),
            "search": " ".join(text.split()).lower(),
        },
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def invite(request):
    return form_page(
        request,
        InvitationForm(request.POST or None, initial={"role": request.GET.get("role", "")}),
        template="accounts/invite.html",
        # The form's answers (email, role, full name) are the service's words.
        save=lambda data: services.invitation_create(
            actor=request.actor, accept_url_builder=_accept_url_builder(request), **data
        ),
        done=_back_to_team(request, lambda issued: f"Invitation sent to {issued.invitation.email}"),
    )


def _accept_url_builder(request):
    return lambda secret: request.build_absolute_uri(reverse("accounts:accept_invitation", args=[secret]))


def _back_to_team(request, sent: Callable[[services.IssuedInvitation], str]):
    """After an invitation is sent: the team page, whose banner says what became of its email (``sent``'s
    words while it is being sent or once it has gone). The email leaves after this request commits."""

    def done(issued: services.IssuedInvitation):
        request.session[JUST_SENT_KEY] = {"pk": issued.invitation.pk, "words": sent(issued)}
        return redirect("accounts:team")

    return done


def _say_what_became_of_the_emails(request, invitations) -> None:
    """The team page's banners: each invitation whose email could not be sent, and the one just sent,
    as it stands now (being sent, or gone)."""
    just_sent = request.session.pop(JUST_SENT_KEY, None) or {}
    for invitation in invitations:
        if invitation.email_status == "failed":
            messages.warning(
                request,
                f"The invitation was saved but the email could not be sent to {invitation.email}. "
                "Send it again from the list of invitations below. If it fails again, tell your IT team.",
            )
        elif invitation.pk == just_sent.get("pk"):
            words = just_sent.get("words", "")
            if invitation.email_status == "sending":
                words += ". The email is being sent: the list of invitations below says when it has gone"
            messages.success(request, words)


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def resend_invitation(request, pk: int):
    invitation = selectors.invitation_get(actor=request.actor, pk=pk)
    return form_page(
        request,
        forms.Form(posted(request)),
        template="accounts/resend_invitation.html",
        context={"invitation": invitation, "days": settings.ASYE_INVITATION_DAYS},
        save=lambda _data: services.invitation_resend(
            actor=request.actor, invitation=invitation, accept_url_builder=_accept_url_builder(request)
        ),
        done=_back_to_team(request, lambda _issued: f"Invitation sent again to {invitation.email}"),
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def revoke_invitation(request, pk: int):
    invitation = selectors.invitation_get(actor=request.actor, pk=pk)
    if request.method == "POST":
        services.invitation_revoke(actor=request.actor, invitation=invitation)
        messages.success(request, f"Invitation to {invitation.email} cancelled")
        return redirect("accounts:team")
    return render(request, "accounts/revoke_invitation.html", {"invitation": invitation})


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def end_membership(request, pk: int):
    membership = selectors.membership_get(actor=request.actor, pk=pk)
    ended = confirm_post(
        request,
        lambda: services.membership_end(actor=request.actor, membership=membership),
        message=f"{membership.user} is no longer {membership.get_role_display().lower()} here",
        done=lambda: redirect("accounts:team"),
    )
    return ended.response or render(
        request, "accounts/end_membership.html", {"membership": membership, "error": ended.refusal}
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request, secret: str):
    invitation = services.invitation_find(secret=secret)
    if invitation is None or invitation.status != "pending":
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    from asye.accounts.models import User

    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if user is None and not has_account:
        form = AcceptInvitationForm(
            request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
        )
    if request.method == "POST":
        try:
            if user is not None:
                services.invitation_accept(secret=secret, user=user)
            elif form is not None and form.is_valid():
                user = services.invitation_accept(
                    secret=secret,
                    user=None,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                return render(
                    request, "accounts/accept_invitation.html", {"invitation": invitation, "form": form}
                )
        except PermissionDenied:
            return render(
                request,
                "accounts/accept_invitation.html",
                {"invitation": invitation, "wrong_account": True},
                status=403,
            )
        if invitation.employer_id:
            request.session[ACTIVE_EMPLOYER_SESSION_KEY] = invitation.employer_id
        messages.success(
            request,
            f"You are now {invitation.get_role_display().lower()}"
            + (f" at {invitation.employer.name}" if invitation.employer_id else ""),
        )
        return redirect("home")
    return render(
        request,
        "accounts/accept_invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "wrong_account": user is not None and user.email.lower() != invitation.email.lower(),
        },
    )


@signed_in_view
@require_http_methods(["GET", "POST"])
def choose_employer(request):
    actor = request.actor
    form = ChooseEmployerForm(
        request.POST or None, employers=actor.employers, initial={"employer": actor.employer_id}
    )
    if request.method == "POST" and form.is_valid():
        request.session[ACTIVE_EMPLOYER_SESSION_KEY] = form.cleaned_data["employer"]
        target = request.GET.get("next") or reverse("home")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("home")
        return redirect(target)
    return render(request, "accounts/choose_employer.html", {"form": form})
