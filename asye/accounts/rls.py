"""Row-level security on a person's own sign-in records, keyed on the person rather than an employer.

- ``mfa_authenticator`` and ``account_emailaddress`` (allauth): rows of the signed-in person
  (``app.user_id``), or of the person an anonymous step of signing in is about (``app.auth_user_id``: the
  second-factor step, a password-reset token). No national scope: nobody reads another person's second
  factor.
- ``django_session``: the one row whose key the session store names (``app.session_key``); and, for
  ``clearsessions`` only, reading and deleting rows expired before ``app.sessions_expired_before``.

Each is a migration operation like ``asye.tenancy.rls.EnableRowLevelSecurity`` (ENABLE and FORCE, the
``tenant_isolation`` policy, nothing on SQLite), but its policy is for every role (``PUBLIC``: the tenant
and the national role alike) and there is no national policy. Which flows set which setting: docs/security.md.
"""

from __future__ import annotations

from asye.tenancy.rls import EnableRowLevelSecurity

PERSON_CONDITION = (
    "user_id = NULLIF(current_setting('app.user_id', true), '')::bigint"
    " OR user_id = NULLIF(current_setting('app.auth_user_id', true), '')::bigint"
)
SESSION_CONDITION = "session_key = NULLIF(current_setting('app.session_key', true), '')"
EXPIRED_SESSION_CONDITION = (
    "expire_date < NULLIF(current_setting('app.sessions_expired_before', true), '')::timestamptz"
)
# PostgreSQL applies a table's SELECT policies to a DELETE whose WHERE reads the row, so the clean-up
# needs both; neither allows INSERT or UPDATE.
EXPIRED_SESSION_POLICIES = {"expired_sessions_read": "SELECT", "expired_sessions_delete": "DELETE"}


class EnablePersonRowLevelSecurity(EnableRowLevelSecurity):
    """A table of rows that each belong to one person (a ``user_id`` column)."""

    condition = PERSON_CONDITION
    to = "PUBLIC"
    national = False

    def describe(self):
        return f"Enable and force person row-level security on {self.table}"


class EnableSessionRowLevelSecurity(EnableRowLevelSecurity):
    """``django_session``: one row by its key, and expired rows for the clean-up."""

    condition = SESSION_CONDITION
    to = "PUBLIC"
    national = False

    def policy_statements(self) -> list[str]:
        statements = super().policy_statements()
        for name, command in EXPIRED_SESSION_POLICIES.items():
            statements.append(f'DROP POLICY IF EXISTS {name} ON "{self.table}"')
            statements.append(
                f'CREATE POLICY {name} ON "{self.table}" FOR {command} USING ({EXPIRED_SESSION_CONDITION})'
            )
        return statements

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for name in EXPIRED_SESSION_POLICIES:
                schema_editor.execute(f'DROP POLICY IF EXISTS {name} ON "{self.table}"')
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Enable and force session-key row-level security on {self.table}"
