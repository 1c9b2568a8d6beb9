"""The demo's people acting: the ``Actor`` a demo login has when the apps' demo builders write through
their services, as the service would see it after signing in."""

from __future__ import annotations

from asye.accounts.actor import Actor, build_actor
from asye.accounts.models import User
from asye.tenancy.db import tenant_settings


def demo_actor(user_id: int, employer_id: int | None = None) -> Actor:
    """The Actor of a demo login acting for ``employer_id`` (None: nationally), as its services see it
    (built inside the person's own tenant settings, so their memberships are readable)."""
    user = User.objects.get(pk=user_id)
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=employer_id)
