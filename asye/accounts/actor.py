"""The Actor: who is acting, for which employer, in which roles. Built once per request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Aggregate, CharField, OuterRef, Subquery

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


class _Joined(Aggregate):
    """Text values joined by commas: ``string_agg`` on PostgreSQL, ``group_concat`` on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def roles_held_at(*, user: str, employer: str) -> Subquery:
    """For a query whose rows name a person and an employer (the columns ``user`` and ``employer``): the
    roles that person holds at that employer now, joined by commas (no role's name has one), or NULL.

    So that one statement reads a row and the roles it acts in: an API token and its creator's roles at
    the token's employer (#14). Row-level security lets the token's presenter read those memberships
    (``app.token_hash``; accounts migration 0007)."""
    roles = (
        Membership.objects.active()
        .filter(user_id=OuterRef(user), employer_id=OuterRef(employer))
        .order_by()
        .values("user_id")
        .annotate(joined=_Joined("role"))
        .values("joined")
    )
    return Subquery(roles, output_field=CharField())


def token_actor(user: User, *, employer: Employer, roles: str | None, api_token_id: int) -> Actor:
    """The actor of an employer's API token: its creator, acting for the token's employer only, in the
    roles they hold there now (``roles`` as ``roles_held_at`` gives them). Nothing else the creator holds
    comes with it, another employer's roles or a national one: a token acts for its employer alone."""
    held = frozenset(roles.split(",")) if roles else frozenset()
    if not held:
        return Actor(user=user, api_token_id=api_token_id)
    return Actor(
        user=user,
        employer=employer,
        roles=held,
        employers=(employer,),
        api_token_id=api_token_id,
        roles_by_employer={employer.pk: held},
    )


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
