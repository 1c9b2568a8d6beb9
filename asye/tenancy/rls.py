"""Row-level security as a migration operation, so every employer-owned table gets it with its model.

Usage in a migration, after the CreateModel::

    EnableRowLevelSecurity("programmes_registration")

``tests/tenancy/test_row_level_security.py`` checks PostgreSQL's catalogue: a table with an
``employer_id`` column and no forced policy fails the build.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation

NATIONAL_CONDITION = "current_setting('app.national', true) = 'on'"
TENANT_CONDITION = (
    "employer_id = NULLIF(current_setting('app.employer_id', true), '')::bigint"
    " OR current_setting('app.national', true) = 'on'"
)
POLICY_NAME = "tenant_isolation"


def policy_sql(
    table: str, *, using_extra: str = "", check_extra: str | None = None, condition: str = TENANT_CONDITION
) -> list[str]:
    using = condition + (f" OR {using_extra}" if using_extra else "")
    check_extra = using_extra if check_extra is None else check_extra
    check = condition + (f" OR {check_extra}" if check_extra else "")
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({using}) WITH CHECK ({check})',
    ]


class EnableRowLevelSecurity(Operation):
    """ENABLE and FORCE row-level security on a table with the tenant policy (PostgreSQL only).

    ``using_extra`` widens who may read a row (OR-ed to the tenant condition), for the few tables that
    must be found before an employer is known: a person's own memberships, an API token or invitation
    looked up by the hash of the secret its holder presents. ``check_extra`` does the same for writes
    and defaults to ``using_extra``.
    """

    reversible = True
    reduces_to_sql = True
    condition = TENANT_CONDITION

    def __init__(self, table: str, using_extra: str = "", check_extra: str | None = None):
        self.table = table
        self.using_extra = using_extra
        self.check_extra = check_extra

    def deconstruct(self):
        kwargs = {"table": self.table}
        if self.using_extra:
            kwargs["using_extra"] = self.using_extra
        if self.check_extra is not None:
            kwargs["check_extra"] = self.check_extra
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in policy_sql(
            self.table, using_extra=self.using_extra, check_extra=self.check_extra, condition=self.condition
        ):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{self.table}"')
        schema_editor.execute(f'ALTER TABLE "{self.table}" NO FORCE ROW LEVEL SECURITY')
        schema_editor.execute(f'ALTER TABLE "{self.table}" DISABLE ROW LEVEL SECURITY')

    def describe(self):
        return f"Enable and force row-level security on {self.table}"

    @property
    def migration_name_fragment(self):
        return f"rls_{self.table}"


class EnableNationalOnlyRowLevelSecurity(EnableRowLevelSecurity):
    """For national tables with no employer (e.g. duplicate-registration reviews): only the national
    scope sees or writes their rows, so no employer's request can read them even by accident."""

    condition = NATIONAL_CONDITION

    def describe(self):
        return f"Enable and force national-only row-level security on {self.table}"


class EnableEqualityRowLevelSecurity(EnableRowLevelSecurity):
    """Equality monitoring: the person it describes, the national scope, and the employer's aggregate
    selector (``app.equality_aggregate``, set only while it counts) — never an employer's ordinary
    request, so no page or service can read one person's answers by accident."""

    condition = (
        NATIONAL_CONDITION
        + " OR person_id = NULLIF(current_setting('app.user_id', true), '')::bigint"
        + " OR (current_setting('app.equality_aggregate', true) = 'on'"
        + " AND employer_id = NULLIF(current_setting('app.employer_id', true), '')::bigint)"
    )

    def describe(self):
        return f"Enable and force equality monitoring row-level security on {self.table}"
