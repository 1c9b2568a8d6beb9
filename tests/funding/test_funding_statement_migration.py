"""Migration 0005 gives the statements authorised before it their frozen lines, from the values of the day
it runs (the best record there is), and from then on those lines stay as they are."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from asye.tenancy.db import system_national_context, tenant_context
from funding.models import PaymentStatement, PaymentStatementLine
from funding.selectors import statement_lines
from funding.statement_services import statement_build
from programmes.models import Registration
from tests.funding.conftest import register
from tests.funding.helpers import THIS_MONTH, approve, approved_claim, checker_actor, national_actor

BEFORE = [("funding", "0004_schedule_roll_forward")]


def rename(tenant, registration, first_name: str) -> None:
    with tenant_context(tenant.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(first_name=first_name)


def migrate(targets=None) -> None:
    """Migrate to ``targets``, or (None) forward to every app's latest migration: going back to funding
    0004 also undoes the migrations of other apps that depend on funding 0005 (reporting's retention
    functions), and the tests after this one need them all back."""
    executor = MigrationExecutor(connections["owner"])
    executor.loader.build_graph()
    executor.migrate(targets if targets is not None else executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_statements_authorised_before_the_migration_get_todays_values(
    funding_reference_data, employer_a, national_staff
):
    national = national_actor(national_staff)
    registration = approve(national, register(employer_a, first_name="Ada"))
    approved_claim(employer_a, national, registration)
    migrate(BEFORE)
    try:
        statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=THIS_MONTH)
        # Authorised as it was before lines were kept (the triggers of migration 0002 only).
        with system_national_context(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE funding_paymentstatement SET status = 'authorised', authorised_at = now(), "
                "authorised_by_id = %s WHERE id = %s",
                [checker_actor().user.pk, statement.pk],
            )
        rename(employer_a, registration, "Adaeze")
    finally:
        migrate()

    with system_national_context():
        statement = PaymentStatement.objects.get(pk=statement.pk)
        lines = list(PaymentStatementLine.objects.filter(statement=statement))
        shown = statement_lines(statement)
    # Today's name: what the statement said when it was authorised was never stored.
    assert [(line.kind, line.nqsw_name, line.amount, line.position) for line in lines] == [
        ("claim", "Adaeze Okafor", Decimal("1000.00"), 1)
    ]
    assert [line.nqsw for line in shown] == ["Adaeze Okafor"]

    # From now on a rename leaves it as it is.
    rename(employer_a, registration, "Ada")
    with system_national_context():
        assert [line.nqsw for line in statement_lines(statement)] == ["Adaeze Okafor"]
