"""Database triggers that keep an authorised payment statement as it was authorised.

Services already refuse to change an authorised statement; these make the database refuse too, so no
bug, script or admin action can change what finance was told to pay:

- a statement leaves ``draft`` only if its stored totals equal the sum of the claims and recovery lines
  on it (to the penny); after that its totals, employer and month never change, an authorised statement
  may only become paid, and a paid one never changes again; neither can be deleted;
- a claim or recovery line on an authorised or paid statement cannot leave it, change its amount, or
  move to any state but paid (recovered); nothing can be added to such a statement.

Errors are raised as check violations (SQLSTATE 23514), which Django reports as ``IntegrityError``.
"""

from django.db import migrations

STATEMENT_GUARD = """
CREATE OR REPLACE FUNCTION funding_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    claims_sum numeric;
    recoveries_sum numeric;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'Payment statement % is %: it cannot be deleted', OLD.id, OLD.status
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'draft' AND NEW.status <> 'draft' THEN
        SELECT coalesce(sum(amount), 0) INTO claims_sum FROM funding_claim WHERE statement_id = NEW.id;
        SELECT coalesce(sum(amount), 0) INTO recoveries_sum FROM funding_recovery WHERE statement_id = NEW.id;
        IF claims_sum <> NEW.total_claims OR recoveries_sum <> NEW.total_recoveries THEN
            RAISE EXCEPTION 'Payment statement % does not reconcile: lines % and %, totals % and %',
                NEW.id, claims_sum, recoveries_sum, NEW.total_claims, NEW.total_recoveries
                USING ERRCODE = 'check_violation';
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

# One function for both kinds of line: the settled state is 'paid' for claims, 'recovered' for recoveries.
LINE_GUARD = """
CREATE OR REPLACE FUNCTION funding_statement_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    settled text := TG_ARGV[0];
    old_frozen boolean := false;
    new_frozen boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.statement_id IS NOT NULL THEN
        SELECT status <> 'draft' INTO old_frozen FROM funding_paymentstatement WHERE id = OLD.statement_id;
        old_frozen := coalesce(old_frozen, false);
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF old_frozen THEN
            RAISE EXCEPTION '% % is on an authorised payment statement: it cannot be deleted',
                TG_TABLE_NAME, OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.statement_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.statement_id IS DISTINCT FROM OLD.statement_id) THEN
        SELECT status <> 'draft' INTO new_frozen FROM funding_paymentstatement WHERE id = NEW.statement_id;
        IF coalesce(new_frozen, false) THEN
            RAISE EXCEPTION 'Payment statement % is authorised: nothing can be added to it', NEW.statement_id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF old_frozen AND (
        NEW.statement_id IS DISTINCT FROM OLD.statement_id OR NEW.amount <> OLD.amount
        OR NEW.employer_id <> OLD.employer_id OR NEW.status NOT IN ('on_statement', settled)
        OR (OLD.status = settled AND NEW.status <> settled)
    ) THEN
        RAISE EXCEPTION '% % is on an authorised payment statement: it cannot change', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
"""

FORWARD = [
    STATEMENT_GUARD,
    LINE_GUARD,
    "CREATE TRIGGER funding_statement_guard BEFORE UPDATE OR DELETE ON funding_paymentstatement "
    "FOR EACH ROW EXECUTE FUNCTION funding_statement_guard()",
    "CREATE TRIGGER funding_claim_guard BEFORE INSERT OR UPDATE OR DELETE ON funding_claim "
    "FOR EACH ROW EXECUTE FUNCTION funding_statement_line_guard('paid')",
    "CREATE TRIGGER funding_recovery_guard BEFORE INSERT OR UPDATE OR DELETE ON funding_recovery "
    "FOR EACH ROW EXECUTE FUNCTION funding_statement_line_guard('recovered')",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS funding_recovery_guard ON funding_recovery",
    "DROP TRIGGER IF EXISTS funding_claim_guard ON funding_claim",
    "DROP TRIGGER IF EXISTS funding_statement_guard ON funding_paymentstatement",
    "DROP FUNCTION IF EXISTS funding_statement_line_guard()",
    "DROP FUNCTION IF EXISTS funding_statement_guard()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the SQLite quick start relies on the services' own checks
    for statement in FORWARD:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
