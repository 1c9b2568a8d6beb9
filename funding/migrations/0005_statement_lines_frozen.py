"""Payment statements frozen when authorised, and authorised by a second person.

- ``PaymentStatementLine``: each line of an authorised statement as it was authorised (the NQSW's name,
  SWE number, programme, instalment, funding year and amount), with row-level security.
- Statements authorised before this migration get their lines from the values of the day it runs: the
  best record there is (what was on them when they were authorised was never stored). Where a name or SWE
  number was corrected between authorisation and this migration, the line shows the corrected one.
- Database triggers: a frozen line is never updated or deleted, and nothing is added to an authorised
  statement; a statement leaves ``draft`` only with frozen lines that match its claims and recoveries in
  number and in total, and only if someone other than the person who built it authorises it (the services
  also refuse anyone who changed the draft: ``funding.separation``).

Errors are check violations (SQLSTATE 23514), which Django reports as ``IntegrityError``.
"""

import datetime
import importlib

import django.db.models.deletion
from django.db import migrations, models

from asye.tenancy.rls import EnableRowLevelSecurity

STATEMENT_GUARD = """
CREATE OR REPLACE FUNCTION funding_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    claims_sum numeric;
    recoveries_sum numeric;
    claims_count integer;
    recoveries_count integer;
    lines_sum numeric;
    lines_count integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'Payment statement % is %: it cannot be deleted', OLD.id, OLD.status
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'draft' AND NEW.status <> 'draft' THEN
        SELECT coalesce(sum(amount), 0), count(*) INTO claims_sum, claims_count
            FROM funding_claim WHERE statement_id = NEW.id;
        SELECT coalesce(sum(amount), 0), count(*) INTO recoveries_sum, recoveries_count
            FROM funding_recovery WHERE statement_id = NEW.id;
        IF claims_sum <> NEW.total_claims OR recoveries_sum <> NEW.total_recoveries THEN
            RAISE EXCEPTION 'Payment statement % does not reconcile: lines % and %, totals % and %',
                NEW.id, claims_sum, recoveries_sum, NEW.total_claims, NEW.total_recoveries
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.authorised_by_id IS NULL OR NEW.authorised_by_id = NEW.built_by_id THEN
            RAISE EXCEPTION 'Payment statement % needs a second person: the person who built it cannot authorise it',
                NEW.id USING ERRCODE = 'check_violation';
        END IF;
        SELECT coalesce(sum(amount), 0), count(*) INTO lines_sum, lines_count
            FROM funding_paymentstatementline WHERE statement_id = NEW.id;
        IF lines_count <> claims_count + recoveries_count OR lines_sum <> NEW.total THEN
            RAISE EXCEPTION 'Payment statement % has no frozen lines matching its claims and recoveries',
                NEW.id USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF OLD.status <> 'draft' THEN
        IF NEW.employer_id <> OLD.employer_id OR NEW.month <> OLD.month
           OR NEW.total_claims <> OLD.total_claims OR NEW.total_recoveries <> OLD.total_recoveries
           OR NEW.total <> OLD.total OR NEW.authorised_at IS DISTINCT FROM OLD.authorised_at
           OR NEW.authorised_by_id IS DISTINCT FROM OLD.authorised_by_id
           OR NEW.built_by_id <> OLD.built_by_id THEN
            RAISE EXCEPTION 'Payment statement % is %: it cannot change', OLD.id, OLD.status
                USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.status = 'authorised' AND NEW.status NOT IN ('authorised', 'paid') THEN
            RAISE EXCEPTION 'Payment statement % is authorised: it can only be marked paid', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.status = 'paid' AND (NEW.status <> 'paid' OR NEW.paid_on IS DISTINCT FROM OLD.paid_on
           OR NEW.payment_reference <> OLD.payment_reference OR NEW.paid_at IS DISTINCT FROM OLD.paid_at
           OR NEW.paid_by_id IS DISTINCT FROM OLD.paid_by_id) THEN
            RAISE EXCEPTION 'Payment statement % is paid: it cannot change', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
"""

# Lines are written once, in the transaction that authorises their statement (still a draft as they are
# inserted); after that nothing changes them.
FROZEN_LINE_GUARD = """
CREATE OR REPLACE FUNCTION funding_statement_frozen_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement_status text;
    statement_employer bigint;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        RAISE EXCEPTION 'Statement line % is frozen: it cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT status, employer_id INTO statement_status, statement_employer
        FROM funding_paymentstatement WHERE id = NEW.statement_id;
    IF statement_status IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'Payment statement % is authorised: nothing can be added to it', NEW.statement_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.employer_id <> statement_employer THEN
        RAISE EXCEPTION 'Statement line belongs to another employer than its statement %', NEW.statement_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
"""

FORWARD = [
    STATEMENT_GUARD,
    FROZEN_LINE_GUARD,
    "CREATE TRIGGER funding_statement_frozen_line_guard BEFORE INSERT OR UPDATE OR DELETE "
    "ON funding_paymentstatementline FOR EACH ROW EXECUTE FUNCTION funding_statement_frozen_line_guard()",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS funding_statement_frozen_line_guard ON funding_paymentstatementline",
    "DROP FUNCTION IF EXISTS funding_statement_frozen_line_guard()",
]


def install_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the SQLite quick start relies on the services' own checks
    for statement in FORWARD:
        schema_editor.execute(statement, params=None)


def remove_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement, params=None)
    # The statement guard as migration 0002 made it.
    schema_editor.execute(
        importlib.import_module("funding.migrations.0002_statement_guards").STATEMENT_GUARD, params=None
    )


def backfill(apps, schema_editor):
    """Lines for every statement already authorised or paid, from today's values (the best available:
    nothing recorded what its lines said when it was authorised). Same order and values as the statement
    pages showed: claims by the NQSW's name, then recoveries by reference."""
    connection = schema_editor.connection
    alias = connection.alias
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Row-level security is forced on these tables, for their owner too: read every employer's.
            cursor.execute("SELECT set_config('app.national', 'on', true)")
    Statement = apps.get_model("funding", "PaymentStatement")
    Claim = apps.get_model("funding", "Claim")
    Recovery = apps.get_model("funding", "Recovery")
    Line = apps.get_model("funding", "PaymentStatementLine")
    now = datetime.datetime.now(datetime.UTC)
    for statement in Statement.objects.using(alias).exclude(status="draft").order_by("pk").iterator():
        if Line.objects.using(alias).filter(statement_id=statement.pk).exists():
            continue
        rows = []
        claims = (
            Claim.objects.using(alias)
            .filter(statement_id=statement.pk)
            .select_related("registration__framework_version__framework", "funding_year")
            .order_by("registration__last_name", "registration__first_name", "pk")
        )
        for claim in claims:
            registration = claim.registration
            rows.append(
                {
                    "kind": "claim",
                    "claim_id": claim.pk,
                    "reference": f"C{claim.pk:06d}",
                    "registration": registration,
                    "instalment": claim.instalment,
                    "funding_year": claim.funding_year.label,
                    "amount": claim.amount,
                    "note": "",
                }
            )
        recoveries = (
            Recovery.objects.using(alias)
            .filter(statement_id=statement.pk)
            .select_related("claim__registration__framework_version__framework", "claim__funding_year")
            .order_by("pk")
        )
        for recovery in recoveries:
            claim = recovery.claim
            rows.append(
                {
                    "kind": "recovery",
                    "recovery_id": recovery.pk,
                    "reference": f"R{recovery.pk:06d}",
                    "registration": claim.registration,
                    "instalment": claim.instalment,
                    "funding_year": claim.funding_year.label,
                    "amount": -recovery.amount,
                    "note": f"Recovers C{claim.pk:06d}: {recovery.reason}",
                }
            )
        Line.objects.using(alias).bulk_create(
            [
                Line(
                    employer_id=statement.employer_id,
                    statement_id=statement.pk,
                    position=position,
                    kind=row["kind"],
                    claim_id=row.get("claim_id"),
                    recovery_id=row.get("recovery_id"),
                    reference=row["reference"],
                    nqsw_name=f"{row['registration'].first_name} {row['registration'].last_name}",
                    swe_number=row["registration"].swe_number,
                    programme=row["registration"].framework_version.framework.name,
                    instalment=row["instalment"],
                    funding_year=row["funding_year"],
                    amount=row["amount"],
                    note=row["note"],
                    frozen_at=now,
                )
                for position, row in enumerate(rows, start=1)
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0004_schedule_roll_forward"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PaymentStatementLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(help_text="The line's place on the statement, from 1."),
                ),
                (
                    "kind",
                    models.CharField(choices=[("claim", "Claim"), ("recovery", "Recovery")], max_length=16),
                ),
                ("reference", models.CharField(max_length=20)),
                ("nqsw_name", models.CharField(max_length=300)),
                ("swe_number", models.CharField(max_length=20)),
                ("programme", models.CharField(max_length=200)),
                (
                    "instalment",
                    models.CharField(
                        choices=[("registration", "Registration"), ("completion", "Completion")],
                        max_length=16,
                    ),
                ),
                (
                    "funding_year",
                    models.CharField(help_text="The funding year's label, like 2026-27.", max_length=7),
                ),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, help_text="Negative for a recovery.", max_digits=9),
                ),
                ("note", models.TextField(blank=True)),
                ("frozen_at", models.DateTimeField()),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="funding.claim",
                    ),
                ),
                (
                    "employer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenancy.employer"
                    ),
                ),
                (
                    "recovery",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="funding.recovery",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="frozen_lines",
                        to="funding.paymentstatement",
                    ),
                ),
            ],
            options={
                "ordering": ["statement", "position"],
                "indexes": [
                    models.Index(fields=["employer", "statement"], name="funding_pay_employe_9f8ed7_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("employer", "statement", "position"),
                        name="funding_statementline_one_per_position",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("amount__gt", 0),
                                ("claim__isnull", False),
                                ("kind", "claim"),
                                ("recovery__isnull", True),
                            ),
                            models.Q(
                                ("amount__lt", 0),
                                ("claim__isnull", True),
                                ("kind", "recovery"),
                                ("recovery__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="funding_statementline_kind_matches",
                    ),
                ],
            },
        ),
        EnableRowLevelSecurity("funding_paymentstatementline"),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(install_guards, remove_guards),
    ]
