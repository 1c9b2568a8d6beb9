"""The NQSW's own programme: their programme page (what is due, arranged and recorded, and any registration
waiting for them to confirm) and their calendar feed, read by calendar apps at a signed address.
"""

from __future__ import annotations

from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_safe

from asye import clock
from asye.accounts.models import Membership, Role
from asye.tenancy.db import tenant_context
from asye.web.decorators import employer_view
from programmes.calendar import CalendarEvent, calendar_document
from programmes.models import Registration, RegistrationStatus
from programmes.nightly import upcoming_changes
from programmes.progress_items import Progress
from programmes.support_selectors import (
    Flag,
    registration_of_nqsw,
    registration_support,
    registrations_to_claim,
    support_need_list,
    support_need_views,
)

# The NQSW's own programme -----------------------------------------------------------------------------

UPCOMING_SUPERVISIONS = 3
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
