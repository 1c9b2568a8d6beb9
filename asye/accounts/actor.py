"""The Actor: who is acting, for which employer, in which roles. Built once per request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from asye.accounts.models import NATIONAL_ROLES, Membership, Role, User
from asye.prepared import PreparedRead
from asye.tenancy.models import Employer


@dataclass(frozen=True)
class Actor:
    user: User | None
    employer: Employer | None = None
    roles: frozenset[str] = frozenset()
    national_roles: frozenset[str] = frozenset()
    employers: tuple[Employer, ...] = ()
    api_token_id: int | None = None
    roles_by_employer: dict[int, frozenset[str]] = field(default_factory=dict, compare=False)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user=None)

    @property
    def employer_id(self) -> int | None:
        return self.employer.pk if self.employer else None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_national_staff(self) -> bool:
        return Role.NATIONAL_STAFF in self.national_roles

    @property
    def is_moderator(self) -> bool:
        return Role.NQAP_MODERATOR in self.national_roles

    @property
    def all_roles(self) -> frozenset[str]:
        return self.roles | self.national_roles

    @property
    def needs_employer_choice(self) -> bool:
        """Holds roles at several employers and has not said which one they are acting for."""
        return self.employer is None and len(self.employers) > 1

    @property
    def label(self) -> str:
        if self.user is None:
            return "anonymous"
        if self.api_token_id:
            return f"{self.user.email} (API token {self.api_token_id})"
        return self.user.email

    def has_role(self, *roles: str) -> bool:
        return any(role in self.all_roles for role in roles)

    def require(self, *roles: str, employer: int | None = None) -> None:
        """Refuse (403) unless the actor holds one of ``roles``; with ``employer``, at that employer."""
        if employer is not None and employer != self.employer_id:
            # Callers fetch through visible_to(), so this is a programming error, not a user's mistake.
            raise PermissionDenied("Not acting for this employer.")
        if not self.has_role(*roles):
            raise PermissionDenied("You do not have a role that allows this.")


def _active_memberships(_shape: None, *, user_id: int):
    return Membership.objects.active().filter(user_id=user_id).select_related("employer").order_by()


# Compiled once (asye.prepared): every request with a signed-in person or an API token reads them.
ACTIVE_MEMBERSHIPS = PreparedRead(_active_memberships)


def build_actor(user: User | None, *, employer_id: int | None, api_token_id: int | None = None) -> Actor:
    """The actor for ``user``, acting for ``employer_id`` if they hold a role there.

    With no (or an invalid) choice and exactly one employer, that employer is chosen.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor.anonymous()
    # Ordered here, not in SQL: a person has a handful of memberships, and an ORDER BY across the join
    # cost more to compile than the rest of the query on every request (issue #14).
    memberships: Iterable[Membership] = sorted(
        ACTIVE_MEMBERSHIPS.fetch(user_id=user.pk),
        key=lambda membership: membership.employer.name if membership.employer else "",
    )
    employers: dict[int, Employer] = {}
    roles_by_employer: dict[int, set[str]] = {}
    national: set[str] = set()
    for membership in memberships:
        if membership.employer_id is None:
            if membership.role in NATIONAL_ROLES:
                national.add(membership.role)
            continue
        employers[membership.employer_id] = membership.employer
        roles_by_employer.setdefault(membership.employer_id, set()).add(membership.role)
    if employer_id not in employers:
        employer_id = next(iter(employers)) if len(employers) == 1 else None
    return Actor(
        user=user,
        employer=employers.get(employer_id) if employer_id else None,
        roles=frozenset(roles_by_employer.get(employer_id, ())) if employer_id else frozenset(),
        national_roles=frozenset(national),
        employers=tuple(employers.values()),
        api_token_id=api_token_id,
        roles_by_employer={pk: frozenset(r) for pk, r in roles_by_employer.items()},
    )
