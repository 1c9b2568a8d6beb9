"""The audit trail is append-only in the database, not only by convention (security finding #12.6): the
application role can add events but not change or remove them, and running db_bootstrap again does not
give the rights back."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from asye.audit.models import AuditEvent
from asye.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(unscoped, employer_a):
    with unscoped():
        audit_record(
            actor=None, obj=employer_a.employer, action="employer.updated", changes={"name": ["A", "B"]}
        )
        return AuditEvent.objects.latest("pk")


def privileges() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants"
            " WHERE table_name = 'audit_auditevent' AND grantee = current_user"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'nothing.happened'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_application_role_cannot_change_or_remove_an_event(event, unscoped, statement):
    with unscoped(), pytest.raises(ProgrammingError, match="permission denied"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with unscoped():
        assert AuditEvent.objects.get(pk=event.pk).action == "employer.updated"


def test_it_can_still_add_and_read_events(event, unscoped):
    assert {"INSERT", "SELECT"} <= privileges()
    assert not {"UPDATE", "DELETE"} & privileges()


def test_bootstrapping_again_keeps_the_trail_append_only(event):
    call_command("db_bootstrap", "--grant-truncate", verbosity=0)
    assert not {"UPDATE", "DELETE"} & privileges()
