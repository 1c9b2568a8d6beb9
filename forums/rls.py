"""Row-level security for the forums' tables (docs/security.md, "Forums"), as migration operations like
``asye.tenancy.rls.EnableRowLevelSecurity`` (ENABLE and FORCE, the tenant role's ``tenant_isolation``
policy and the national role's ``national_access``; nothing on SQLite).

- ``EnableCatalogueRowLevelSecurity``: forums, sessions, materials and polls have no employer. Every
  signed-in request reads them (``app.user_id`` is set); no tenant request writes them (``WITH CHECK
  (false)``): only the national scope does.
- ``EnableSignupRowLevelSecurity``: a sign-up is read by the person it names, and by their employer's
  requests only when it is not ``private`` (GEMS); it is written by the person (or nationally).

National-only tables (GEMS and course memberships, poll answers, who answered, the notices' sent-log) use
``asye.tenancy.rls.EnableNationalOnlyRowLevelSecurity`` as they are.
"""

from __future__ import annotations

from asye.tenancy.rls import EnableRowLevelSecurity

SIGNED_IN = "NULLIF(current_setting('app.user_id', true), '') IS NOT NULL"
PERSON = "person_id = NULLIF(current_setting('app.user_id', true), '')::bigint"
EMPLOYER_NOT_PRIVATE = (
    "(employer_id = NULLIF(current_setting('app.employer_id', true), '')::bigint AND NOT private)"
)


class EnableCatalogueRowLevelSecurity(EnableRowLevelSecurity):
    """National catalogue data: read by anyone signed in, written only in the national scope."""

    condition = "false"

    def __init__(self, table: str, using_extra: str = SIGNED_IN, check_extra: str | None = ""):
        super().__init__(table, using_extra=using_extra, check_extra=check_extra)

    def describe(self):
        return f"Enable and force catalogue row-level security on {self.table}"


class EnableSignupRowLevelSecurity(EnableRowLevelSecurity):
    """Session sign-ups: the person's own; their employer's when not private; written by the person."""

    condition = PERSON

    def __init__(self, table: str, using_extra: str = EMPLOYER_NOT_PRIVATE, check_extra: str | None = ""):
        super().__init__(table, using_extra=using_extra, check_extra=check_extra)

    def describe(self):
        return f"Enable and force sign-up row-level security on {self.table}"
