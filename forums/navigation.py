"""This app's entries in the service navigation (asye.web.context_processors), in the "forums" section:
the forums for NQSWs, assessors and co-ordinators, and the organisers' pages for national staff."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.navigation import nav_entry

TAKING_PART = {Role.NQSW, Role.ASSESSOR, Role.COORDINATOR}


def nav_items(actor: Actor) -> list[dict]:
    if not actor.is_authenticated:
        return []
    items = []
    held = {role for roles in actor.roles_by_employer.values() for role in roles}
    takes_part = bool(held & TAKING_PART)
    if takes_part:
        items.append(nav_entry("Forums", "forums:list", "forums"))
    if actor.is_national_staff:
        label = "Organise forums" if takes_part else "Forums"
        items.append(nav_entry(label, "national_forums:list", "forums"))
    return items
