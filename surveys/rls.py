"""The row-level security of a survey invitation: its person, acting for the employer it was sent
through, reads it; nobody but the national scope writes it (the invitation task and the answer's
service write in the system's national context). ``tests/surveys/test_survey_rls.py`` checks the text."""

from __future__ import annotations

from asye.tenancy.rls import (
    NATIONAL_CONDITION,
    NATIONAL_POLICY_NAME,
    NATIONAL_ROLE,
    POLICY_NAME,
    TENANT_ROLE,
    EnableRowLevelSecurity,
)

OWN_ROW = (
    "person_id = NULLIF(current_setting('app.user_id', true), '')::bigint"
    " AND employer_id = NULLIF(current_setting('app.employer_id', true), '')::bigint"
)


class EnableOwnInvitationRowLevelSecurity(EnableRowLevelSecurity):
    """Read: the invitation's own person at its employer. Write: the national role only."""

    def policy_statements(self) -> list[str]:
        table = self.table
        return [
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
            f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
            f'DROP POLICY IF EXISTS {NATIONAL_POLICY_NAME} ON "{table}"',
            f'CREATE POLICY {POLICY_NAME} ON "{table}" TO {TENANT_ROLE} USING ({OWN_ROW}) WITH CHECK (false)',
            f'CREATE POLICY {NATIONAL_POLICY_NAME} ON "{table}" TO {NATIONAL_ROLE} '
            f"USING ({NATIONAL_CONDITION}) WITH CHECK ({NATIONAL_CONDITION})",
        ]

    def describe(self):
        return f"Enable and force own-invitation row-level security on {self.table}"
