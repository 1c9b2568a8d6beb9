"""Support pages: an NQSW's supervision, protected time and caseload, and support needs. The NQSW's own
programme page and calendar feed are ``programmes.my_programme_views``.

Every page reads through selectors scoped to the actor, so another employer's registration, or an NQSW
the person does not work with, is a 404; writes go through ``programmes.support_services`` and
``programmes.support_need_services``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from asye import clock
from asye.accounts.models import Role
from asye.web.decorators import GET_ONLY, employer_view, opens
from asye.web.flow import form_flow, form_page
from programmes import support_need_services as need_services
from programmes import support_services as services
from programmes.models import Registration
from programmes.selectors import registration_get
from programmes.support_forms import (
    CaseloadForm,
    ProtectedTimeForm,
    SupervisionForm,
    SupportNeedDetailForm,
    SupportNeedForm,
    SupportNeedStatusForm,
)
from programmes.support_selectors import (
    FLAG_LABELS,
    Flag,
    caseload_cap,
    caseload_list,
    protected_time_list,
    registration_of_nqsw,
    registration_support,
    supervision_list,
    supervisor_choices,
    support_need_get,
    support_need_list,
    support_need_views,
)

RECENT = 10
SUPPORT_ROLES = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)


# The registration's support page and its three forms ------------------------------------------------


@employer_view(*SUPPORT_ROLES)
@opens(registration_get, GET_ONLY)
def registration_support_page(request, registration):
    actor = request.actor
    today = clock.today()
    support = registration_support([registration], today=today)[registration.pk]
    version = registration.framework_version
    sessions = list(supervision_list(actor=actor, registration=registration))
    caseloads = [
        (
            record,
            caseload_cap(team_average=record.team_average, caseload_cap_percent=version.caseload_cap_percent),
        )
        for record in caseload_list(actor=actor, registration=registration)[:RECENT]
    ]
    is_nqsw = need_services.is_nqsw_of(actor, registration)
    needs = []
    if actor.has_role(Role.COORDINATOR) or is_nqsw:
        needs = support_need_views(
            support_need_list(actor=actor).filter(registration=registration), actor=actor, today=today
        )
    return render(
        request,
        "support/registration.html",
        {
            "registration": registration,
            "support": support,
            "version": version,
            "flags": {flag: FLAG_LABELS[flag] for flag in support.flags},
            "Flag": Flag,
            "sessions": sessions[:RECENT],
            "session_count": len(sessions),
            "reflective_count": sum(1 for s in sessions if s.reflective),
            "protected_logs": protected_time_list(actor=actor, registration=registration)[:RECENT],
            "caseloads": caseloads,
            "needs": needs,
            "is_nqsw": is_nqsw,
            "can_record_supervision": services.can_record_supervision(actor=actor, registration=registration),
            "can_log_protected_time": services.can_log_protected_time(actor=actor, registration=registration),
            "can_record_caseload": services.can_record_caseload(actor=actor, registration=registration),
            "can_record": registration.is_open,
        },
    )


def _support_url(registration: Registration) -> str:
    return reverse("support:registration", args=[registration.pk])


def _answers(*names: str):
    """The service's keyword arguments: the form's answers of these names."""
    return lambda data: {name: data[name] for name in names}


def _record_page(
    request, *, pk: int, allowed, form_class, template: str, service, answers, message: str, form_kwargs=None
):
    """GET shows the form; POST validates, calls ``service`` with the registration and the ``answers``,
    and returns to the support page with ``message``."""
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if not allowed(actor=actor, registration=registration):
        raise PermissionDenied("You cannot record this for this NQSW.")
    form_kwargs = form_kwargs(actor) if form_kwargs else {}
    return form_page(
        request,
        form_class(request.POST or None, **form_kwargs),
        template=template,
        context={"registration": registration, "closed": not registration.is_open},
        save=lambda data: service(actor=actor, registration=registration, **answers(data)),
        done=lambda _saved: redirect(_support_url(registration)),
        message=message,
    )


@employer_view(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
@require_http_methods(["GET", "POST"])
def supervision_record(request, pk: int):
    return _record_page(
        request,
        pk=pk,
        allowed=services.can_record_supervision,
        form_class=SupervisionForm,
        template="support/supervision_form.html",
        service=services.supervision_record,
        answers=lambda data: {
            "held_on": data["held_on"],
            "duration_minutes": data["duration_minutes"],
            "reflective": data["reflective"] == "yes",
            "supervisor_id": data["supervisor"],
        },
        message="Supervision session recorded",
        form_kwargs=lambda actor: {"supervisors": supervisor_choices(actor=actor), "me": actor.user},
    )


@employer_view(Role.COORDINATOR, Role.LINE_MANAGER, Role.NQSW)
@require_http_methods(["GET", "POST"])
def protected_time_log(request, pk: int):
    return _record_page(
        request,
        pk=pk,
        allowed=services.can_log_protected_time,
        form_class=ProtectedTimeForm,
        template="support/protected_time_form.html",
        service=services.protected_time_log,
        answers=_answers("taken_on", "hours", "activity"),
        message="Protected time logged",
    )


@employer_view(Role.COORDINATOR, Role.LINE_MANAGER)
@require_http_methods(["GET", "POST"])
def caseload_record(request, pk: int):
    return _record_page(
        request,
        pk=pk,
        allowed=services.can_record_caseload,
        form_class=CaseloadForm,
        template="support/caseload_form.html",
        service=services.caseload_record,
        answers=_answers("recorded_on", "caseload", "team_average"),
        message="Caseload recorded",
    )


# Support needs ----------------------------------------------------------------------------------------


# (The co-ordinator's list of support needs, searched and downloaded: programmes.support_need_list_views.)


def _own_open_registration(actor) -> Registration:
    registration = registration_of_nqsw(actor=actor)
    if registration is None or not registration.is_open:
        raise Http404("No programme in progress.")
    return registration


NEED_ANSWERS = _answers("kind", "requested_on", "detail", "detail_shared")


@employer_view(Role.NQSW)
@require_http_methods(["GET", "POST"])
def support_need_create(request):
    actor = request.actor
    registration = _own_open_registration(actor)
    return form_page(
        request,
        SupportNeedForm(request.POST or None),
        template="support/need_form.html",
        context={"registration": registration},
        save=lambda data: need_services.support_need_create(
            actor=actor, registration=registration, **NEED_ANSWERS(data)
        ),
        done=lambda need: redirect("support:need", pk=need.pk),
        message="Support need recorded",
    )


def _need_page(request, need, *, status_form=None, conflict: str = "", status: int = 200):
    actor = request.actor
    view = support_need_views([need], actor=actor)[0]
    choices = need_services.status_choices_for(actor=actor, need=need)
    if status_form is None and choices:
        status_form = SupportNeedStatusForm(choices=choices, initial={"version": need.version})
    return render(
        request,
        "support/need.html",
        {"need": view, "status_form": status_form if choices else None, "conflict": conflict},
        status=status,
    )


@employer_view(Role.COORDINATOR, Role.NQSW)
@require_http_methods(["GET", "POST"])
def support_need_detail(request, pk: int):
    """One support need, and the form to update its status (the NQSW or the co-ordinator)."""
    actor = request.actor
    need = support_need_get(actor=actor, pk=pk)
    if request.method != "POST":
        return _need_page(request, need)
    choices = need_services.status_choices_for(actor=actor, need=need)
    flow = form_flow(
        request,
        SupportNeedStatusForm(request.POST, choices=choices),
        save=lambda data: need_services.support_need_set_status(
            actor=actor, need=need, status=data["status"], version=data["version"]
        ),
        done=lambda _saved: redirect("support:need", pk=need.pk),
        message="Status updated",
    )
    if flow.response:
        return flow.response
    if flow.conflict:  # the page as it is now, with a fresh form carrying the current version
        return _need_page(request, support_need_get(actor=actor, pk=pk), conflict=flow.conflict, status=409)
    return _need_page(request, need, status_form=flow.form)


@employer_view(Role.COORDINATOR, Role.NQSW)
@require_http_methods(["GET", "POST"])
def support_need_change(request, pk: int):
    """The NQSW changes their own words, or whether their co-ordinator may read them."""
    actor = request.actor
    # Found first (404 for another employer's or another NQSW's); then only the NQSW may change it.
    need = support_need_get(actor=actor, pk=pk)
    if not need_services.is_nqsw_of(actor, need.registration):
        raise PermissionDenied("Only the NQSW changes what they told us.")

    def initial(need):
        return {"detail": need.detail, "detail_shared": need.detail_shared, "version": need.version}

    flow = form_flow(
        request,
        SupportNeedDetailForm(request.POST or None, initial=initial(need)),
        save=lambda data: need_services.support_need_update_detail(
            actor=actor, need=need, **_answers("detail", "detail_shared", "version")(data)
        ),
        done=lambda _saved: redirect("support:need", pk=need.pk),
        message="Your support need has been updated",
    )
    if flow.response:
        return flow.response
    form = flow.form
    if flow.conflict:  # what the need says now, with its current version
        need = support_need_get(actor=actor, pk=pk)
        form = SupportNeedDetailForm(initial=initial(need))
    return render(
        request,
        "support/need_change.html",
        {"form": form, "need": support_need_views([need], actor=actor)[0], "conflict": flow.conflict},
        status=flow.status,
    )
