"""Home pages by role, the navigation sections' landing pages, the employer's details, and the service's
static pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from asye.accounts.middleware import has_totp
from asye.accounts.models import Role
from asye.accounts.selectors import invitation_list_pending, membership_list
from asye.tenancy import selectors as tenancy_selectors
from asye.tenancy.services import EMPLOYER_EDITABLE_FIELDS, employer_update
from asye.web.decorators import employer_view, signed_in_view
from asye.web.forms import EmployerDetailsForm
from asye.web.home_sections import home_sections
from asye.web.navigation import build_navigation


def home(request):
    """The start page for visitors; for people, a home with a part for each role they hold, in which the
    domain apps' sections for that role are included (``asye.web.home_sections``)."""
    actor = request.actor
    if not actor.is_authenticated:
        return render(request, "web/start.html")
    if actor.needs_employer_choice:
        return redirect("accounts:choose_employer")
    context = {
        "roles": actor.all_roles,
        "Role": {role.name: role.value for role in Role},
        "has_totp": has_totp(actor.user),
        "no_roles": not actor.all_roles,
    }
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        members = membership_list(actor=actor)
        context["team_counts"] = {
            role.label: sum(1 for m in members if m.role == role.value)
            for role in (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)
        }
        context["pending_invitations"] = invitation_list_pending(actor=actor).count()
    sections = home_sections(actor)
    for section in sections:
        context.update(section.context)
    context["home_sections"] = sections
    return render(request, "web/home.html", context)


@signed_in_view
@require_http_methods(["GET", "HEAD"])
def section_page(request, key: str):
    """A section's landing page: the pages of one of the person's navigation sections, each with what it
    is for (asye.web.navigation). A section the person does not have, or one with a single page (the
    header links straight to it), is a 404."""
    navigation = build_navigation(request.actor, path=request.path)
    section = next((s for s in navigation if s.key == key and s.landing), None)
    if section is None:
        raise Http404("No such section")
    return render(request, "web/section.html", {"section": section})


@employer_view(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)
def employer_detail(request):
    employer = tenancy_selectors.employer_get_own(actor=request.actor)
    return render(request, "web/employer.html", {"employer": employer})


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def employer_edit(request):
    employer = tenancy_selectors.employer_get_own(actor=request.actor)
    initial = {name: getattr(employer, name) for name in EMPLOYER_EDITABLE_FIELDS}
    form = EmployerDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        employer_update(actor=request.actor, employer=employer, **form.cleaned_data)
        messages.success(request, "Employer details saved")
        return redirect("web:employer")
    return render(request, "web/employer_edit.html", {"form": form, "employer": employer})


def static_page(template: str):
    def view(request):
        return render(request, template)

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view
