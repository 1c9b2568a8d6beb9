"""This app's section of the signed-in home page (asye.web.home_sections): the next forum sessions the
person is invited to, from their first day, and, for NQSWs, the private notice that GEMS exists."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.home_sections import HomeSection
from forums.models import Forum, ForumKind
from forums.selectors import invitations_for, memberships_of

# The one part of the home page the section goes in, for someone who holds several of these roles.
ROLES_IN_ORDER = (Role.NQSW, Role.ASSESSOR, Role.COORDINATOR)


def home_sections(actor: Actor) -> list[HomeSection]:
    role = next((r for r in ROLES_IN_ORDER if r in actor.roles), None)
    if role is None:
        return []
    gems = None
    if role == Role.NQSW:
        gems = Forum.objects.filter(kind=ForumKind.GEMS).order_by("pk").first()
    return [
        HomeSection(
            role=role,
            template="forums/_home_section.html",
            context={
                "forum_invitations": invitations_for(actor=actor),
                "forum_gems": gems,
                "forum_gems_joined": bool(gems and gems.pk in memberships_of(actor)),
            },
        )
    ]
