"""Support pages: an NQSW's supervision, protected time and caseload; support needs; the NQSW's own
programme page; and their calendar feed.

Every page reads through selectors scoped to the actor, so another employer's registration, or an NQSW
the person does not work with, is a 404; writes go through ``programmes.support_services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from asye import clock
from asye.accounts.models import Membership, Role
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from asye.web.decorators import employer_view
from asye.web.forms import add_service_errors
from programmes import support_services as services
from programmes.calendar import CalendarEvent, calendar_document
from programmes.models import Registration, RegistrationStatus
from programmes.nightly import upcoming_changes
from programmes.progress import Progress
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
    registrations_to_claim,
    supervision_list,
    supervisor_choices,
    support_need_get,
    support_need_list,
    support_need_open_list,
    support_need_views,
)

RECENT = 10
UPCOMING_SUPERVISIONS = 3
SUPPORT_ROLES = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)


# The registration's support page and its three forms ------------------------------------------------


@employer_view(*SUPPORT_ROLES)
def registration_support_page(request, pk: int):
    actor = request.actor
    # Found first, so another employer's registration is a 404 whatever the method.
    registration = registration_get(actor=actor, pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
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
    is_nqsw = services.is_nqsw_of(actor, registration)
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


def _record_page(request, *, pk: int, allowed, form_class, template: str, save, form_kwargs=None):
    """GET shows the form; POST validates, calls the service and returns to the support page."""
    actor = request.actor
    registration = registration_get(actor=actor, pk=pk)
    if not allowed(actor=actor, registration=registration):
        raise PermissionDenied("You cannot record this for this NQSW.")
    form_kwargs = form_kwargs(actor) if form_kwargs else {}
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            message = save(actor, registration, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(_support_url(registration))
    return render(
        request,
        template,
        {"form": form, "registration": registration, "closed": not registration.is_open},
    )


@employer_view(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
@require_http_methods(["GET", "POST"])
def supervision_record(request, pk: int):
    def save(actor, registration, data):
        services.supervision_record(
            actor=actor,
            registration=registration,
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            reflective=data["reflective"] == "yes",
            supervisor_id=data["supervisor"],
        )
        return "Supervision session recorded"

    return _record_page(
        request,
        pk=pk,
        allowed=services.can_record_supervision,
        form_class=SupervisionForm,
        template="support/supervision_form.html",
        save=save,
        form_kwargs=lambda actor: {"supervisors": supervisor_choices(actor=actor), "me": actor.user},
    )


@employer_view(Role.COORDINATOR, Role.LINE_MANAGER, Role.NQSW)
@require_http_methods(["GET", "POST"])
def protected_time_log(request, pk: int):
    def save(actor, registration, data):
        services.protected_time_log(
            actor=actor,
            registration=registration,
            taken_on=data["taken_on"],
            hours=data["hours"],
            activity=data["activity"],
        )
        return "Protected time logged"

    return _record_page(
        request,
        pk=pk,
        allowed=services.can_log_protected_time,
        form_class=ProtectedTimeForm,
        template="support/protected_time_form.html",
        save=save,
    )


@employer_view(Role.COORDINATOR, Role.LINE_MANAGER)
@require_http_methods(["GET", "POST"])
def caseload_record(request, pk: int):
    def save(actor, registration, data):
        services.caseload_record(
            actor=actor,
            registration=registration,
            recorded_on=data["recorded_on"],
            caseload=data["caseload"],
            team_average=data["team_average"],
        )
        return "Caseload recorded"

    return _record_page(
        request,
        pk=pk,
        allowed=services.can_record_caseload,
        form_class=CaseloadForm,
        template="support/caseload_form.html",
        save=save,
    )


# Support needs ----------------------------------------------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def support_needs(request):
    """The co-ordinator's list of open support needs, longest waiting first. Never the detail."""
    needs = support_need_open_list(actor=request.actor)
    return render(request, "support/needs.html", {"needs": needs})


def _own_open_registration(actor) -> Registration:
    registration = registration_of_nqsw(actor=actor)
    if registration is None or not registration.is_open:
        raise Http404("No programme in progress.")
    return registration


@employer_view(Role.NQSW)
@require_http_methods(["GET", "POST"])
def support_need_create(request):
    actor = request.actor
    registration = _own_open_registration(actor)
    form = SupportNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.support_need_create(
                actor=actor,
                registration=registration,
                kind=form.cleaned_data["kind"],
                requested_on=form.cleaned_data["requested_on"],
                detail=form.cleaned_data["detail"],
                detail_shared=form.cleaned_data["detail_shared"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Support need recorded")
            return redirect("support:need", pk=need.pk)
    return render(request, "support/need_form.html", {"form": form, "registration": registration})


def _need_page(request, need, *, status_form=None, conflict: str = "", status: int = 200):
    actor = request.actor
    view = support_need_views([need], actor=actor)[0]
    choices = services.status_choices_for(actor=actor, need=need)
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
    choices = services.status_choices_for(actor=actor, need=need)
    form = SupportNeedStatusForm(request.POST, choices=choices)
    if form.is_valid():
        try:
            services.support_need_set_status(
                actor=actor,
                need=need,
                status=form.cleaned_data["status"],
                version=form.cleaned_data["version"],
            )
        except Conflict as conflict:
            need = support_need_get(actor=actor, pk=pk)
            return _need_page(request, need, conflict=conflict.message, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Status updated")
            return redirect("support:need", pk=need.pk)
    return _need_page(request, need, status_form=form)


@employer_view(Role.COORDINATOR, Role.NQSW)
@require_http_methods(["GET", "POST"])
def support_need_change(request, pk: int):
    """The NQSW changes their own words, or whether their co-ordinator may read them."""
    actor = request.actor
    # Found first (404 for another employer's or another NQSW's); then only the NQSW may change it.
    need = support_need_get(actor=actor, pk=pk)
    if not services.is_nqsw_of(actor, need.registration):
        raise PermissionDenied("Only the NQSW changes what they told us.")
    form = SupportNeedDetailForm(
        request.POST or None,
        initial={"detail": need.detail, "detail_shared": need.detail_shared, "version": need.version},
    )
    conflict = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.support_need_update_detail(
                actor=actor,
                need=need,
                detail=form.cleaned_data["detail"],
                detail_shared=form.cleaned_data["detail_shared"],
                version=form.cleaned_data["version"],
            )
        except Conflict as error:
            need = support_need_get(actor=actor, pk=pk)
            conflict, status = error.message, 409
            form = SupportNeedDetailForm(
                initial={"detail": need.detail, "detail_shared": need.detail_shared, "version": need.version}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your support need has been updated")
            return redirect("support:need", pk=need.pk)
    return render(
        request,
        "support/need_change.html",
        {"form": form, "need": support_need_views([need], actor=actor)[0], "conflict": conflict},
        status=status,
    )


# The NQSW's own programme -----------------------------------------------------------------------------

CALENDAR_SALT = "asye.calendar"


def calendar_token(registration: Registration) -> str:
    """The secret part of the NQSW's calendar feed address: their user id, the registration and its
    employer, signed with the site's SECRET_KEY (salt ``asye.calendar``). No timestamp, so the address
    stays the same each time the page shows it, and it never expires.

    Revocation: the feed stops working when the registration's NQSW changes or the NQSW's membership
    at the employer ends. To revoke every feed at once, change CALENDAR_SALT (or rotate SECRET_KEY
    without keeping the old key in SECRET_KEY_FALLBACKS, which would keep old tokens valid)."""
    return signing.Signer(salt=CALENDAR_SALT).sign_object(
        [registration.nqsw_id, registration.pk, registration.employer_id]
    )


def _read_calendar_token(token: str) -> tuple[int, int, int]:
    try:
        user_id, registration_id, employer_id = signing.Signer(salt=CALENDAR_SALT).unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise Http404("Unknown calendar.") from exc
    if not all(isinstance(n, int) and n > 0 for n in (user_id, registration_id, employer_id)):
        raise Http404("Unknown calendar.")
    return user_id, registration_id, employer_id


@employer_view(Role.NQSW)
@require_GET
def my_programme(request):
    actor = request.actor
    # A registration naming their email address but not them waits for the NQSW to confirm it is theirs
    # (programmes/confirm_views.py): never linked by the email address alone.
    to_confirm = registrations_to_claim(actor=actor)
    registration = registration_of_nqsw(actor=actor)
    if registration is None:
        return render(request, "support/no_registration.html", {"to_confirm": to_confirm})
    today = clock.today()
    # Worked out from the records now (programmes.progress): what is done, due, overdue or to come.
    progress = registration_support([registration], today=today)[registration.pk]
    supervisions = [m for m in progress.supervision if m.due >= today][:UPCOMING_SUPERVISIONS]
    open_deferral = registration.deferrals.filter(ended_on__isnull=True).first()
    needs = support_need_views(support_need_list(actor=actor).filter(registration=registration), actor=actor)
    feed_path = reverse("support:calendar", args=[calendar_token(registration)])
    next_due = progress.next_item
    return render(
        request,
        "support/my_programme.html",
        {
            "registration": registration,
            "progress": progress,
            "next_due": next_due,
            # Everything due that same day (an observation often falls on a review's date).
            "next_due_labels": [item.label for item in progress.next_items],
            "next_due_days": (next_due.due - today).days if next_due else None,
            "next_supervision": supervisions[0] if supervisions and registration.is_open else None,
            "supervisions": supervisions if registration.is_open else [],
            "deferred": registration.status == RegistrationStatus.DEFERRED,
            "open_deferral": open_deferral,
            "arranged": upcoming_changes([registration], today=today)[registration.pk],
            "support": progress,
            "below_target": Flag.PROTECTED_TIME_BELOW_TARGET in progress.flags,
            "needs": needs,
            "feed_url": request.build_absolute_uri(feed_path),
            "feed_webcal": "webcal://" + request.get_host() + feed_path,
            "to_confirm": to_confirm,
            "today": today,
        },
    )


def _calendar_events(registration: Registration, today) -> list[CalendarEvent]:
    """What is still to do: the timeline's items neither done nor not needed (an item disappears from the
    calendar once its record is done) and the supervision schedule."""
    if not registration.is_open:
        # Closed programme: an empty calendar, so subscribed apps remove the old deadlines.
        return []
    progress: Progress = registration_support([registration], today=today)[registration.pk]
    employer = registration.employer.name
    dated = sorted(
        [(item.due, item.label) for item in progress.items if item.is_open]
        + [(milestone.due, milestone.label) for milestone in progress.supervision]
    )
    return [
        CalendarEvent(
            uid=f"registration-{registration.pk}-{slugify(label)}@asye-platform",
            day=day,
            summary=f"ASYE: {label}",
            description=f"{label}, due in your ASYE programme at {employer}.",
        )
        for day, label in dated
    ]


@require_safe
def calendar_feed(request, token: str):
    """The NQSW's deadlines as an iCalendar file for calendar apps. No session: the signed token is the
    only credential, and the tenant is the employer inside it."""
    user_id, registration_id, employer_id = _read_calendar_token(token)
    today = clock.today()
    with tenant_context(employer_id):
        registration = (
            Registration.objects.filter(pk=registration_id, employer_id=employer_id, nqsw_id=user_id)
            .select_related("framework_version", "employer", "nqsw")
            .first()
        )
        if registration is None or not registration.nqsw.is_active:
            raise Http404("Unknown calendar.")
        still_nqsw = (
            Membership.objects.active()
            .filter(employer_id=employer_id, user_id=user_id, role=Role.NQSW)
            .exists()
        )
        if not still_nqsw:
            raise Http404("Unknown calendar.")
        body = calendar_document(
            name=f"ASYE: {registration.full_name}",
            events=_calendar_events(registration, today),
            stamp=clock.now(),
        )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="asye-programme.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
