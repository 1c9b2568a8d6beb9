"""Row-level security as a migration operation, so every employer-owned table gets it with its model.

Usage in a migration, after the CreateModel::

    EnableRowLevelSecurity("programmes_registration")

Two policies per employer-owned table, each for one database role (docs/security.md, "Two roles"):

- ``tenant_isolation``, for ``asye_tenant``: one employer's rows (``app.employer_id``), and the few extra
  rows a table allows (``using_extra``). The application's login role works as ``asye_tenant``: the
  bootstrap makes it its default role.
- ``national_access``, for ``asye_national``: every row, while ``app.national`` is on. Only the audited
  national scope (``asye.tenancy.national``) and the system's national jobs take this role, with
  ``SET LOCAL ROLE`` inside their transaction (``asye.tenancy.db.apply_settings``).

Keeping the two apart is what lets PostgreSQL plan national reads: a single policy
``employer_id = … OR app.national = 'on'`` put a per-row filter with a guessed selectivity on every
national query (660 rows estimated where 317,000 came back, then nested loops), while the national
condition written as a sub-select is worked out once per query (a "One-Time Filter") and leaves the
row estimates alone. The employer's condition, on its own, is an equality PostgreSQL estimates well.

``tests/tenancy/test_row_level_security.py`` checks PostgreSQL's catalogue: a table with an
``employer_id`` column and no forced policy fails the build. ``reapply_policies`` brings an existing
database's policies up to what the code says after every ``migrate``.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation

# The group roles the policies are for (NOLOGIN; docs/security.md). Their names are part of the schema.
TENANT_ROLE = "asye_tenant"
NATIONAL_ROLE = "asye_national"

# Written as a sub-select so PostgreSQL evaluates it once per query instead of estimating it per row.
NATIONAL_CONDITION = "(SELECT current_setting('app.national', true)) = 'on'"
TENANT_CONDITION = "employer_id = NULLIF(current_setting('app.employer_id', true), '')::bigint"
POLICY_NAME = "tenant_isolation"
NATIONAL_POLICY_NAME = "national_access"


def policy_sql(
    table: str,
    *,
    using_extra: str = "",
    check_extra: str | None = None,
    condition: str = TENANT_CONDITION,
    to: str = TENANT_ROLE,
    national: bool = True,
) -> list[str]:
    """The statements that give ``table`` its policies: the tenant's (``condition`` widened by the
    extras, for role ``to``) and, with ``national``, the national role's."""
    using = condition + (f" OR {using_extra}" if using_extra else "")
    check_extra = using_extra if check_extra is None else check_extra
    check = condition + (f" OR {check_extra}" if check_extra else "")
    statements = [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'DROP POLICY IF EXISTS {NATIONAL_POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" TO {to} USING ({using}) WITH CHECK ({check})',
    ]
    if national:
        statements.append(
            f'CREATE POLICY {NATIONAL_POLICY_NAME} ON "{table}" TO {NATIONAL_ROLE} '
            f"USING ({NATIONAL_CONDITION}) WITH CHECK ({NATIONAL_CONDITION})"
        )
    return statements


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
    to = TENANT_ROLE
    national = True

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
        for statement in self.policy_statements():
            schema_editor.execute(statement)

    def policy_statements(self) -> list[str]:
        return policy_sql(
            self.table,
            using_extra=self.using_extra,
            check_extra=self.check_extra,
            condition=self.condition,
            to=self.to,
            national=self.national,
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{self.table}"')
        schema_editor.execute(f'DROP POLICY IF EXISTS {NATIONAL_POLICY_NAME} ON "{self.table}"')
        schema_editor.execute(f'ALTER TABLE "{self.table}" NO FORCE ROW LEVEL SECURITY')
        schema_editor.execute(f'ALTER TABLE "{self.table}" DISABLE ROW LEVEL SECURITY')

    def describe(self):
        return f"Enable and force row-level security on {self.table}"

    @property
    def migration_name_fragment(self):
        return f"rls_{self.table}"


class EnableNationalOnlyRowLevelSecurity(EnableRowLevelSecurity):
    """For national tables with no employer (e.g. duplicate-registration reviews): only the national
    scope sees or writes their rows, so no employer's request can read them even by accident (the
    tenant role's policy admits nothing)."""

    condition = "false"

    def describe(self):
        return f"Enable and force national-only row-level security on {self.table}"


class EnableEqualityRowLevelSecurity(EnableRowLevelSecurity):
    """Equality monitoring: the person it describes, the national scope, and the employer's aggregate
    selector (``app.equality_aggregate``, set only while it counts) — never an employer's ordinary
    request, so no page or service can read one person's answers by accident."""

    condition = (
        "person_id = NULLIF(current_setting('app.user_id', true), '')::bigint"
        + " OR (current_setting('app.equality_aggregate', true) = 'on'"
        + " AND employer_id = NULLIF(current_setting('app.employer_id', true), '')::bigint)"
    )

    def describe(self):
        return f"Enable and force equality monitoring row-level security on {self.table}"


def reapply_policies(connection) -> int:
    """Give every table the policies its last row-level security operation among the applied migrations
    describes, so a database migrated before a change to those operations gets the change. Idempotent;
    returns the number of tables. Run by ``migrate`` (as the owner) after migrating; PostgreSQL only."""
    from django.db.migrations.loader import MigrationLoader

    if connection.vendor != "postgresql":
        return 0
    loader = MigrationLoader(connection)
    in_order: dict[tuple[str, str], None] = {}
    for leaf in loader.graph.leaf_nodes():
        in_order.update(dict.fromkeys(loader.graph.forwards_plan(leaf)))
    latest: dict[str, EnableRowLevelSecurity] = {}
    for key in in_order:
        if key in loader.applied_migrations:
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, EnableRowLevelSecurity):
                    latest[operation.table] = operation
    with connection.cursor() as cursor:
        for table, operation in latest.items():
            cursor.execute("SELECT to_regclass(%s)", [f'public."{table}"'])
            if cursor.fetchone()[0] is not None:
                for statement in operation.policy_statements():
                    cursor.execute(statement)
    return len(latest)
