"""The jobs' entries in the service navigation (``settings.ASYE_CONTRIBUTIONS["navigation"]``): a
co-ordinator's and national staff's own jobs, and national staff's history of background jobs, beside the
scheduled jobs in their "Home" section. (Anyone else reaches their own jobs from a job's page.)"""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor
from asye.accounts.models import Role


def nav_items(actor: Actor) -> list[dict]:
    items = []
    if actor.is_national_staff or (actor.employer_id and actor.has_role(Role.COORDINATOR)):
        items.append({"label": "Your jobs", "url": reverse("jobs:mine"), "section": "home"})
    if actor.is_national_staff:
        items.append({"label": "Background jobs", "url": reverse("jobs:history"), "section": "home"})
    return items
