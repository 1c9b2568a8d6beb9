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

``app.national`` goes with a database role (asye/tenancy/rls.py): turning it on also takes the national
role (``asye_national``) for the rest of the transaction, in the same statement, and turning it off goes
back to the tenant role (``asye_tenant``); ``tenant_settings`` puts back the role it found. Neither key
alone opens anything: the tenant role's policies ignore ``app.national``, and the national role's see
nothing unless it is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.db import connection, transaction
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Cast

from asye.tenancy.rls import NATIONAL_ROLE, TENANT_ROLE

SETTINGS = (
    "app.employer_id",
    "app.national",
    "app.user_id",
    "app.token_hash",
    "app.invitation_hash",
    "app.feedback_hash",
    "app.evaluation_hash",
    "app.equality_aggregate",
    "app.session_key",
    "app.sessions_expired_before",
    "app.auth_user_id",
)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


# The database role in force, read and restored with the settings (``none``: the login role itself).
ROLE = "role"
# Everything a snapshot holds, and the select list that reads it (built once: it is on every request).
EVERY = (*SETTINGS, ROLE)
READ_EVERY = ", ".join("coalesce(current_setting(%s, true), '')" for _ in EVERY)


def current_settings() -> dict[str, str]:
    """The tenant settings in force on this connection (empty strings where unset), and its ``role``."""
    if not _is_postgres():
        return dict.fromkeys(EVERY, "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + READ_EVERY, EVERY)
        return dict(zip(EVERY, cursor.fetchone(), strict=True))


def apply_settings(values: dict[str, str | int | bool | None]) -> dict[str, str]:
    """Set tenant settings for the current transaction; return what every setting (and the role) was,
    read in the same statement.

    Keys are names from SETTINGS (and ``role``). Setting ``app.national`` also sets the role to match
    (national or tenant), unless ``role`` is given too (``tenant_settings`` restoring what it found)."""
    if not _is_postgres():
        return {}
    if not connection.in_atomic_block:
        raise RuntimeError("Tenant settings are transaction-local: set them inside transaction.atomic().")
    if "app.national" in values and ROLE not in values:
        values = {**values, ROLE: NATIONAL_ROLE if values["app.national"] in (True, "on") else TENANT_ROLE}
    names, params = [], []
    for name, value in values.items():
        if name not in SETTINGS and name != ROLE:
            raise ValueError(f"Unknown tenant setting {name!r}")
        if value is None or value is False:
            value = ""
        elif value is True:
            value = "on"
        names.append(name)
        params.append(str(value))
    if not names:
        return {}
    # The select list is evaluated left to right: every setting's old value is read before any is set.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {READ_EVERY}, " + ", ".join("set_config(%s, %s, true)" for _ in names),
            [*EVERY, *(item for pair in zip(names, params, strict=True) for item in pair)],
        )
        return dict(zip(EVERY, cursor.fetchone()[: len(EVERY)], strict=True))


def set_request_tenant(
    *, employer_id: int | None, user_id: int | None, token_hash: str | None = None
) -> None:
    """Replace the whole tenant context for a request: one employer (or none), never national; in one
    round trip. ``token_hash``: the hash of the API token the request presents, so that authentication
    can find the token's row (and nothing else) before anyone is known."""
    apply_settings(
        {
            "app.employer_id": employer_id,
            "app.user_id": user_id,
            "app.national": False,
            "app.token_hash": token_hash,
            "app.invitation_hash": None,
            "app.feedback_hash": None,
            "app.evaluation_hash": None,
            "app.equality_aggregate": None,
            "app.session_key": None,
            "app.sessions_expired_before": None,
            "app.auth_user_id": None,
        }
    )


def settings_from_row(**columns: str) -> dict[str, Func]:
    """Annotations that set tenant settings from the row a look-up reads, in the look-up's own statement:
    ``employer_id="employer_id"`` sets ``app.employer_id`` to that column of the row, for the rest of the
    transaction, as the row is read. For a look-up that decides the tenant (an API token by its hash), so
    that finding the row and switching to its tenant are one round trip instead of two. Use it on a query
    that returns at most one row (a unique key), inside the request's transaction, after
    ``set_request_tenant`` (which settled the role and cleared everything else); a refusal after it must
    end the transaction (a 401 rolls back). Empty off PostgreSQL, where there is nothing to set."""
    for name in columns:
        if f"app.{name}" not in SETTINGS or name == "national":
            raise ValueError(f"Not a setting a row may decide: {name!r}")
    if not _is_postgres():
        return {}
    return {
        f"_set_app_{name}": Func(
            Value(f"app.{name}"),
            Cast(F(column), output_field=TextField()),
            Value(True),
            function="set_config",
            output_field=TextField(),
        )
        for name, column in columns.items()
    }


@contextmanager
def tenant_settings(*, savepoint: bool = True, **values: str | int | bool | None) -> Iterator[None]:
    """Run a block with some tenant settings changed, inside a transaction, restoring them after.

    Keyword names are the settings without the ``app.`` prefix: ``employer_id=``, ``national=``...
    One statement changes them (reading what they were) and one puts them back.

    ``savepoint=False``, inside a transaction already, changes the settings in place instead of in a
    savepoint of their own: for a read-only block on a hot path (a national page), where the savepoint
    would be two more round trips. The settings are still put back when the block fails, unless the
    failure aborted the transaction (which then ends, settings and all).
    """
    in_place = not savepoint and connection.in_atomic_block
    with nullcontext() if in_place else transaction.atomic():
        before = apply_settings({f"app.{name}": value for name, value in values.items()})
        try:
            yield
        except BaseException:
            _restore(before, quietly=True)
            raise
        _restore(before)


def _restore(before: dict[str, str], *, quietly: bool = False) -> None:
    if not before or not connection.in_atomic_block or connection.needs_rollback:
        return
    if quietly and _transaction_failed():
        return  # nothing more can run in it; ending it puts the settings back
    apply_settings(before)


def _transaction_failed() -> bool:
    from psycopg.pq import TransactionStatus

    raw = connection.connection
    return raw is not None and raw.info.transaction_status == TransactionStatus.INERROR


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
