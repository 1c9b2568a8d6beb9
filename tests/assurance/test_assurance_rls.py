"""The row-level security of the surveys' and assurance's tables, as PostgreSQL's catalogue holds it."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

OWN_NQSW = "(nqsw_id = (NULLIF(current_setting('app.user_id'::text, true), ''::text))::bigint)"
NATIONAL = "(( SELECT current_setting('app.national'::text, true) AS current_setting) = 'on'::text)"


def policies(table: str) -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.polname, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) "
            "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relname = %s",
            [table],
        )
        return {name: (using, check) for name, using, check in cursor.fetchall()}


def forced(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = %s", [table]
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "table",
    [
        "surveys_surveyinvitation",
        "surveys_surveyresponse",
        "surveys_surveyanswer",
        "assurance_confidentialconcern",
        "assurance_concernaction",
        "assurance_raisedconcern",
        "assurance_reviewmeeting",
        "assurance_meetingsubmission",
    ],
)
def test_every_personal_or_employer_table_has_forced_row_level_security(table):
    assert forced(table)
    assert policies(table)["national_access"] == (NATIONAL, NATIONAL)


def test_responses_are_national_only():
    for table in ("surveys_surveyresponse", "surveys_surveyanswer"):
        assert policies(table)["tenant_isolation"] == ("false", "false")


def test_an_invitation_is_read_by_its_person_at_its_employer_and_written_by_nobody_else():
    using, check = policies("surveys_surveyinvitation")["tenant_isolation"]
    assert "app.user_id" in using and "app.employer_id" in using and " AND " in using
    assert check == "false"


def test_a_concern_is_the_nqsws_alone_and_actions_are_read_only_and_shared_only():
    using, check = policies("assurance_confidentialconcern")["tenant_isolation"]
    assert "app.employer_id" not in using and OWN_NQSW in using and using == check
    using, check = policies("assurance_concernaction")["tenant_isolation"]
    assert "shared_with_nqsw" in using and OWN_NQSW in using and check == "false"
