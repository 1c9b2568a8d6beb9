"""What every page's layout needs: the service name, the phase and the actor's navigation."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from asye.accounts.models import Role
from asye.contributions import contributions
from asye.notifications.selectors import unread_count


def navigation(request) -> list[dict]:
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_authenticated:
        return []
    items = [{"label": "Home", "url": reverse("home")}]
    if actor.employer_id and actor.has_role(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER):
        items.append({"label": "Registrations", "url": reverse("programmes:list")})
    if actor.employer_id and actor.has_role(Role.NQSW):
        items.append({"label": "My programme", "url": reverse("support:my_programme")})
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items += [
            {"label": "Support needs", "url": reverse("support:needs")},
            {"label": "Team", "url": reverse("accounts:team")},
            {"label": "Audit trail", "url": reverse("audit:list")},
            {"label": "API tokens", "url": reverse("api_tokens:list")},
        ]
    # Each domain app adds its own entries (``<app>/navigation.py``, listed in settings.ASYE_CONTRIBUTIONS).
    for module in contributions("navigation"):
        items += module.nav_items(actor)
    if actor.is_national_staff:
        items += [
            {"label": "Registrations to review", "url": reverse("national_registrations:list")},
            {"label": "Employers", "url": reverse("national:employers")},
            {"label": "National audit", "url": reverse("national:audit")},
            {"label": "Scheduled jobs", "url": reverse("schedules:list")},
        ]
    # The current page belongs to the entry with the longest matching path (so /reviews/panels/ is the
    # panel's entry, not also the reviews').
    path = request.path
    matches = [item["url"] for item in items if item["url"] != "/" and path.startswith(item["url"])]
    current = max(matches, key=len) if matches else ("/" if path == "/" else None)
    for item in items:
        item["active"] = item["url"] == current
    return items


def service(request) -> dict:
    actor = getattr(request, "actor", None)
    return {
        "service_name": settings.ASYE_SERVICE_NAME,
        "service_phase": settings.ASYE_PHASE,
        "actor": actor,
        "nav_items": navigation(request),
        # Read only where the header shows it, and cached (asye.notifications.selectors.unread_count).
        "notifications_unread": SimpleLazyObject(lambda: _unread(actor)),
    }


def _unread(actor) -> int:
    if actor is None or not actor.is_authenticated:
        return 0
    return unread_count(actor=actor)
