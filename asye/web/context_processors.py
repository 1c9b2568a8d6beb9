"""What every page's layout needs: the service name, the phase and the actor's navigation (its sections and
entries are built by asye.web.navigation)."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from asye.notifications.selectors import unread_count
from asye.web.navigation import Navigation, build_navigation


def navigation(request) -> Navigation:
    """The actor's navigation sections (asye.web.navigation), the current one marked for this page."""
    match = getattr(request, "resolver_match", None)
    return build_navigation(
        getattr(request, "actor", None), path=request.path, namespace=match.namespace if match else ""
    )


def service(request) -> dict:
    actor = getattr(request, "actor", None)
    return {
        "service_name": settings.ASYE_SERVICE_NAME,
        "service_phase": settings.ASYE_PHASE,
        "actor": actor,
        # Sections in the header, the current section's pages as sub-navigation (templates/base.html).
        "navigation": navigation(request),
        # Read only where the header shows it, and cached (asye.notifications.selectors.unread_count).
        "notifications_unread": SimpleLazyObject(lambda: _unread(actor)),
    }


def _unread(actor) -> int:
    if actor is None or not actor.is_authenticated:
        return 0
    return unread_count(actor=actor)
