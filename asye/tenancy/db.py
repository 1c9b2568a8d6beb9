"""The tenant context that PostgreSQL's row-level security policies read.

Three transaction-local settings drive every policy:
- ``app.employer_id``: the employer whose rows are visible;
- ``app.national``: ``on`` while national staff read across employers (audited, see ``national_scope``);
- ``app.user_id``: the signed-in person, so they can read their own memberships before an employer is chosen.

The ``*_hash`` settings let one row be found by the hash of a secret its holder presents (an API token,
an invitation, a feedback link) before any employer is known.

A person's own sign-in records have settings of their own (docs/security.md, "Person-owned tables"):
- ``app.session_key``: the one session row the session store is loading, saving or deleting;
- ``app.sessions_expired_before``: set only while ``clearsessions`` deletes the sessions expired before it;
- ``app.auth_user_id``: the person an anonymous step of signing in is about (the second-factor step, a
  password-reset token), so that step reads their authenticators and email addresses and no one else's.

They are set with ``set_config(..., true)``, which lasts until the end of the enclosing transaction, so
they are only ever set inside one. With nothing set a policy sees no rows: the database fails closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

SETTINGS = (
    "app.employer_id",
    "app.national",
    "app.user_id",
    "app.token_hash",
    "app.invitation_hash",
    "app.feedback_hash",
    "app.equality_aggregate",
    "app.session_key",
    "app.sessions_expired_before",
    "app.auth_user_id",
)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def current_settings() -> dict[str, str]:
    """The tenant settings in force on this connection (empty strings where unset)."""
    if not _is_postgres():
        return dict.fromkeys(SETTINGS, "")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("coalesce(current_setting(%s, true), '')" for _ in SETTINGS), SETTINGS
        )
        return dict(zip(SETTINGS, cursor.fetchone(), strict=True))


def apply_settings(values: dict[str, str | int | bool | None]) -> None:
    """Set tenant settings for the current transaction. Keys are names from SETTINGS."""
    if not _is_postgres():
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Tenant settings are transaction-local: set them inside transaction.atomic().")
    names, params = [], []
    for name, value in values.items():
        if name not in SETTINGS:
            raise ValueError(f"Unknown tenant setting {name!r}")
        if value is None or value is False:
            value = ""
        elif value is True:
            value = "on"
        names.append(name)
        params.extend([name, str(value)])
    if names:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names), params)


def set_request_tenant(*, employer_id: int | None, user_id: int | None) -> None:
    """Replace the whole tenant context for a request: one employer (or none), never national."""
    apply_settings(
        {
            "app.employer_id": employer_id,
            "app.user_id": user_id,
            "app.national": False,
            "app.token_hash": None,
            "app.invitation_hash": None,
            "app.feedback_hash": None,
            "app.equality_aggregate": None,
            "app.session_key": None,
            "app.sessions_expired_before": None,
            "app.auth_user_id": None,
        }
    )


@contextmanager
def tenant_settings(**values: str | int | bool | None) -> Iterator[None]:
    """Run a block with some tenant settings changed, inside a transaction, restoring them after.

    Keyword names are the settings without the ``app.`` prefix: ``employer_id=``, ``national=``...
    """
    with transaction.atomic():
        before = current_settings()
        apply_settings({f"app.{name}": value for name, value in values.items()})
        try:
            yield
        finally:
            if connection.in_atomic_block and not connection.needs_rollback:
                apply_settings(before)


@contextmanager
def tenant_context(employer_id: int) -> Iterator[None]:
    """One employer's rows and nobody else's: for Celery tasks, commands and test factories."""
    with tenant_settings(employer_id=employer_id, national=False):
        yield


@contextmanager
def system_national_context() -> Iterator[None]:
    """Every employer's rows, for system jobs (imports, scheduled reports) that are not a person's read.

    A person's cross-employer read goes through ``asye.tenancy.national.national_scope`` instead, which
    checks their role and records the access.
    """
    with tenant_settings(national=True):
        yield
