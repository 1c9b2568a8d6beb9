"""The registration pages: the dashboard of registrations, one registration's record and timeline, and
the co-ordinator's actions on it (change, defer, resume, extend, withdraw, assessor, line manager).

Views read through ``programmes.selectors`` (scoped to the actor: another employer's registration is
a 404) and write through ``programmes.services``. Registering an NQSW is ``programmes.register_views``.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye import clock
from asye.accounts.models import Role
from asye.accounts.selectors import membership_list
from asye.web.decorators import GET_ONLY, employer_view, opens
from asye.web.flow import form_page
from asye.web.forms import posted
from programmes import services
from programmes.corrections import correction_history
from programmes.forms import (
    NO_ASSESSOR,
    DeferForm,
    ExtendForm,
    PersonChoiceForm,
    RegistrationDetailsForm,
    RegistrationFilterForm,
    ResumeForm,
    WithdrawForm,
    hours_text,
)
from programmes.models import FundingStatus, Registration, RegistrationStatus
from programmes.nightly import upcoming_changes
from programmes.progress_store import flag_filter, progress_catch_up, stored_progress
from programmes.search import list_search_context, registration_search_q
from programmes.selectors import OPEN_STATUSES, registration_get, registration_list
from programmes.support_selectors import FLAG_LABELS, registration_support
from programmes.transfers import transfer_of_registration, transfer_waiting_count
from reviews.selectors import support_plan_registration_ids

VIEWER_ROLES = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER)
PAGE_SIZE = 50

FUNDING_TAG_COLOURS = {
    FundingStatus.AWAITING_APPROVAL: "blue",
    FundingStatus.APPROVED: "green",
    FundingStatus.REJECTED: "red",
    FundingStatus.UNFUNDED: "grey",
}
STATUS_TAG_COLOURS = {
    RegistrationStatus.ACTIVE: "blue",
    RegistrationStatus.DEFERRED: "grey",
    RegistrationStatus.WITHDRAWN: "red",
    RegistrationStatus.TRANSFERRED: "purple",
    RegistrationStatus.COMPLETED: "green",
}


# --- The dashboard -------------------------------------------------------------------------------


def _assessor_choices(registrations) -> list[tuple[int, str]]:
    rows = (
        registrations.exclude(assessor__isnull=True)
        .order_by("assessor__full_name", "assessor__email")
        .values_list("assessor_id", "assessor__full_name", "assessor__email")
        .distinct()
    )
    return [(pk, name or email) for pk, name, email in rows]


def dashboard_registrations(request) -> tuple:
    """The dashboard's registrations with the request's filters and search applied, the filters' values
    and the (unbound) filter form: shared by the page and its downloads."""
    actor = request.actor
    registrations = registration_list(actor=actor).select_related("assessor", "line_manager")
    funding_years = list(
        registrations.order_by("-funding_year").values_list("funding_year", flat=True).distinct()
    )
    choices = {"funding_years": funding_years, "assessors": _assessor_choices(registrations)}
    filters = RegistrationFilterForm(request.GET, **choices).values()
    # Shown unbound: a filter that is not offered is ignored, not reported as an error.
    form = RegistrationFilterForm(initial=filters, **choices)
    status = filters["status"]
    if filters["q"]:
        registrations = registrations.filter(registration_search_q(filters["q"]))
    if filters["funding_year"]:
        registrations = registrations.filter(funding_year=filters["funding_year"])
    if filters["assessor"] == NO_ASSESSOR:
        registrations = registrations.filter(assessor__isnull=True)
    elif filters["assessor"]:
        registrations = registrations.filter(assessor_id=int(filters["assessor"]))
    if status == "open":
        registrations = registrations.filter(status__in=OPEN_STATUSES)
    elif status in RegistrationStatus.values:
        registrations = registrations.filter(status=status)
    if status in FLAG_LABELS:
        registrations = registrations.filter(flag_filter(status))
    return registrations, filters, form


@employer_view(*VIEWER_ROLES)
@require_GET
def registration_list_view(request):
    """Co-ordinators see every NQSW of the employer; assessors and line managers their own."""
    actor = request.actor
    today = clock.today()
    # Flags and "next due" are read from what is kept on each registration, so the list filters, counts
    # and pages in SQL; anything not yet worked out today is worked out first.
    progress_catch_up(registration_list(actor=actor), today=today)
    registrations, filters, form = dashboard_registrations(request)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    arranged = upcoming_changes(page.object_list, today=today)
    rows = [
        {
            "registration": registration,
            "support": stored_progress(registration),
            "arranged": arranged[registration.pk],
            "funding_colour": FUNDING_TAG_COLOURS.get(registration.funding_status, "grey"),
            "status_colour": STATUS_TAG_COLOURS.get(registration.status, "grey"),
        }
        for registration in page.object_list
    ]
    return render(
        request,
        "programmes/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            **list_search_context(filters, page, ("NQSW", "NQSWs")),
            "is_coordinator": actor.has_role(Role.COORDINATOR),
            "support_plan_ids": support_plan_registration_ids(actor=actor),
            "transfers_waiting": transfer_waiting_count(actor=actor),
            "today": today,
        },
    )


# --- One registration ----------------------------------------------------------------------------


@employer_view(*VIEWER_ROLES)
@opens(registration_get, GET_ONLY)
def registration_detail(request, registration):
    actor = request.actor
    today = clock.today()
    # The timeline's states and the flags worked out from the records now (programmes.progress).
    progress = registration_support([registration], today=today)[registration.pk]
    return render(
        request,
        "programmes/detail.html",
        {
            "registration": registration,
            "support": progress,
            "progress": progress,
            "items": progress.items,
            "supervision": progress.supervision,
            "next_due": progress.next_item,
            "arranged": upcoming_changes([registration], today=today)[registration.pk],
            "deferrals": list(registration.deferrals.all()),
            "allocations": list(registration.assessor_allocations.select_related("assessor")),
            "funding_colour": FUNDING_TAG_COLOURS.get(registration.funding_status, "grey"),
            "status_colour": STATUS_TAG_COLOURS.get(registration.status, "grey"),
            "hours": hours_text(registration.contracted_hours),
            "can_act": actor.has_role(Role.COORDINATOR),
            "transfer": transfer_of_registration(actor=actor, registration=registration),
            "corrections": correction_history(registration=registration),
            "today": today,
        },
    )


def _carried(request) -> list[tuple[str, str]]:
    """The answers of a form, carried through its confirmation page in hidden inputs."""
    return [
        (name, value)
        for name, value in request.POST.items()
        if name not in ("csrfmiddlewaretoken", "confirm")
    ]


def registration_action(
    request,
    pk: int,
    *,
    make_form: Callable[[QueryDict | None, Registration], forms.Form],
    perform: Callable[[Registration, dict], object],
    success: Callable[[Registration, dict], str],
    template: str,
    confirm_template: str = "",
    **context,
):
    """A co-ordinator's action on a registration, as its own page.

    GET shows the form. POST checks it and calls ``perform`` (a service); on success a banner and the
    registration's page. With ``confirm_template`` (destructive actions) a valid form first shows a
    confirmation page that posts the same answers back with ``confirm=yes``. A stale version (the
    registration changed since the page was shown) is refused with a message and a 409.
    """
    registration = registration_get(actor=request.actor, pk=pk)
    form = make_form(posted(request), registration)
    unconfirmed = request.method == "POST" and request.POST.get("confirm") != "yes"
    if confirm_template and unconfirmed and form.is_valid():
        return render(
            request,
            confirm_template,
            {"registration": registration, "form": form, "carried": _carried(request)},
        )
    return form_page(
        request,
        form,
        template=template,
        context=lambda flow: {"registration": registration, "conflict": flow.status == 409, **context},
        save=lambda data: perform(registration, data),
        done=lambda _saved: redirect("programmes:detail", pk=registration.pk),
        message=lambda _saved: success(registration, form.cleaned_data),
    )


@employer_view(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def registration_change(request, pk: int):
    """Change the email address or contracted hours (the name, number and dates are corrected with a
    reason: ``programmes.correction_views``)."""

    def make_form(data, registration):
        initial = {
            "email": registration.email,
            "contracted_hours": hours_text(registration.contracted_hours),
            "version": registration.version,
        }
        return RegistrationDetailsForm(data, initial=initial)

    return registration_action(
        request,
        pk,
        make_form=make_form,
        perform=lambda registration, data: services.registration_update(
            actor=request.actor,
            registration=registration,
            version=data["version"],
            **{name: data[name] for name in RegistrationDetailsForm.changed_fields},
        ),
        success=lambda registration, data: f"{registration.full_name}'s details have been updated",
        template="programmes/change.html",
    )


def versioned_form(form_class, **kwargs):
    """Make a form of ``form_class`` that carries the registration's version."""
    return lambda data, registration: form_class(data, initial={"version": registration.version}, **kwargs)


def _versioned_view(*, form_class, service: str, fields: tuple[str, ...], success: str, **options):
    """A co-ordinator's versioned action as a view: ``form_class`` carries the registration's version,
    ``programmes.services.<service>`` gets it with the named answers, ``success`` names the NQSW."""

    @employer_view(Role.COORDINATOR)
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        return registration_action(
            request,
            pk,
            make_form=versioned_form(form_class),
            perform=lambda registration, data: getattr(services, service)(
                actor=request.actor,
                registration=registration,
                version=data["version"],
                **{name: data[name] for name in fields},
            ),
            success=lambda registration, data: success.format(name=registration.full_name),
            **options,
        )

    view.__name__ = view.__qualname__ = service  # the view is named as its service
    return view


registration_defer = _versioned_view(
    form_class=DeferForm,
    service="registration_defer",
    fields=("started_on", "reason"),
    success="{name}'s programme is deferred. Their due dates wait until they resume.",
    template="programmes/defer.html",
)
registration_resume = _versioned_view(
    form_class=ResumeForm,
    service="registration_resume",
    fields=("ended_on",),
    success="{name} has resumed the programme. Their due dates have moved.",
    template="programmes/resume.html",
)
registration_extend = _versioned_view(
    form_class=ExtendForm,
    service="registration_extend",
    fields=("days", "reason"),
    success="{name}'s programme is extended",
    template="programmes/extend.html",
)
# Withdraw: the form, then a confirmation page, then the change.
registration_withdraw = _versioned_view(
    form_class=WithdrawForm,
    service="registration_withdraw",
    fields=("on", "reason"),
    success="{name} has been withdrawn from the programme",
    template="programmes/withdraw.html",
    confirm_template="programmes/withdraw_confirm.html",
)


def people_holding(request, role: str) -> list[tuple[int, str]]:
    people: dict[int, str] = {}
    for membership in membership_list(actor=request.actor).filter(role=role):
        user = membership.user
        people[user.pk] = f"{user.full_name} ({user.email})" if user.full_name else user.email
    return list(people.items())


def _person_view(name: str, *, role: str, current: str, service: str, argument: str, **options):
    """A view choosing the person holding ``role`` for the NQSW: ``current`` names the registration's
    field, ``programmes.services.<service>`` records the choice as ``argument``; ``options`` hold the
    form's ``question``, the ``success`` message (naming the NQSW) and the page's context."""
    question, success = options.pop("question"), options.pop("success")

    @employer_view(Role.COORDINATOR)
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        people = people_holding(request, role)
        return registration_action(
            request,
            pk,
            make_form=lambda data, registration: PersonChoiceForm(
                data, people=people, initial={"person": getattr(registration, current)}, **question
            ),
            perform=lambda registration, data: getattr(services, service)(
                actor=request.actor, registration=registration, **{argument: data["person"]}
            ),
            success=lambda registration, data: success.format(name=registration.full_name),
            template="programmes/choose_person.html",
            invite_role=role,
            has_people=bool(people),
            **options,
        )

    view.__name__ = view.__qualname__ = name
    return view


# Allocate an assessor (kept as history; the learning agreement must be signed again).
registration_assessor = _person_view(
    "registration_assessor",
    role=Role.ASSESSOR,
    current="assessor_id",
    service="registration_allocate_assessor",
    argument="assessor_id",
    question={
        "label": "Who will assess the NQSW?",
        "hint": "The NQSW and their new assessor will need to sign the learning agreement again.",
        "required_message": "Select an assessor",
    },
    success="{name}'s assessor has been changed. The learning agreement needs to be signed again.",
    title="Allocate an assessor",
    role_label="assessor",
)
registration_line_manager = _person_view(
    "registration_line_manager",
    role=Role.LINE_MANAGER,
    current="line_manager_id",
    service="registration_set_line_manager",
    argument="line_manager_id",
    question={
        "label": "Who is the NQSW's line manager?",
        "hint": "They sign reviews and keep the NQSW's caseload and protected time within the rules.",
        "required_message": "Select a line manager",
    },
    success="{name}'s line manager has been changed",
    title="Set the line manager",
    role_label="line manager",
)
