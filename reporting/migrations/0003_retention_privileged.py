"""What retention needs that the application role may not do otherwise (docs/equity-and-retention.md).

- ``retention_scrub_audit(pattern, employer_ids, user_ids, registration_ids, weak_pattern)``: the audit trail
  is append-only for the application role (no UPDATE), so removing people's names, emails and Social Work
  England numbers from old events goes through this function, owned by the owner role (SECURITY DEFINER).
  It only replaces matches of the given terms by ``[removed]`` in ``object_repr``, ``actor_label`` and
  ``changes``; the event, its action, time, employer, object type and id stay. It runs only in the national
  context (``app.national`` on: the retention run) and refuses a pattern that is not a list of terms. The
  table's row-level security is forced, so the owner gets a policy of its own on it to see the rows.
- Frozen payment statement lines may change in one way only: their NQSW's name emptied and the Social Work
  England number replaced by retention's ``SW9…`` number (amounts, claim, kind, year and employer stay).
"""

import importlib

from django.db import migrations

SCRUB_AUDIT = r"""
CREATE OR REPLACE FUNCTION retention_scrub_audit(
    p_pattern text, p_employer_ids bigint[], p_user_ids bigint[], p_registration_ids text[], p_weak_pattern text
) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    changed integer;
    more integer;
BEGIN
    IF current_setting('app.national', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'retention_scrub_audit runs only in the national context'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF position('(?<![[:alnum:]_])(?:' in p_pattern) <> 1 OR position('(?<![[:alnum:]_])(?:' in p_weak_pattern) <> 1 THEN
        RAISE EXCEPTION 'retention_scrub_audit takes a list of terms' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Rows about the batch's registrations or by its people: every term, first or last name alone too.
    UPDATE audit_auditevent SET
        object_repr = regexp_replace(regexp_replace(object_repr, p_pattern, '[removed]', 'gi'),
                                     p_weak_pattern, '[removed]', 'gi'),
        actor_label = CASE WHEN actor_user_id = ANY(p_user_ids) THEN 'former NQSW'
                           ELSE regexp_replace(actor_label, p_pattern, '[removed]', 'gi') END,
        changes = regexp_replace(regexp_replace(changes::text, p_pattern, '[removed]', 'gi'),
                                 p_weak_pattern, '[removed]', 'gi')::jsonb
     WHERE (object_type = 'programmes.registration' AND object_id = ANY(p_registration_ids))
        OR actor_user_id = ANY(p_user_ids)
        OR (object_type = 'accounts.user' AND object_id = ANY(p_user_ids::text[]));
    GET DIAGNOSTICS changed = ROW_COUNT;
    -- Any other event of the batch's employers (or of no employer) naming them in full, by email or number.
    UPDATE audit_auditevent SET
        object_repr = regexp_replace(object_repr, p_pattern, '[removed]', 'gi'),
        actor_label = regexp_replace(actor_label, p_pattern, '[removed]', 'gi'),
        changes = regexp_replace(changes::text, p_pattern, '[removed]', 'gi')::jsonb
     WHERE (employer_id = ANY(p_employer_ids) OR employer_id IS NULL)
       AND (object_repr ~* p_pattern OR actor_label ~* p_pattern OR changes::text ~* p_pattern);
    GET DIAGNOSTICS more = ROW_COUNT;
    RETURN changed + more;
END;
$$;
"""

# The frozen-line guard of funding 0005, with one way through: retention's anonymisation.
ANONYMISE_EXCEPTION = """
    IF TG_OP = 'UPDATE' AND NEW.nqsw_name = '' AND NEW.swe_number LIKE 'SW9%'
       AND (NEW.id, NEW.employer_id, NEW.statement_id, NEW.position, NEW.kind, NEW.claim_id, NEW.recovery_id,
            NEW.reference, NEW.programme, NEW.instalment, NEW.funding_year, NEW.amount, NEW.note, NEW.frozen_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.employer_id, OLD.statement_id, OLD.position, OLD.kind, OLD.claim_id, OLD.recovery_id,
            OLD.reference, OLD.programme, OLD.instalment, OLD.funding_year, OLD.amount, OLD.note, OLD.frozen_at)
    THEN
        RETURN NEW;
    END IF;
"""


def _frozen_guard() -> str:
    return importlib.import_module("funding.migrations.0005_statement_lines_frozen").FROZEN_LINE_GUARD


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite has no audit grants or statement triggers to work around
    original = _frozen_guard()
    anchor = "BEGIN\n    IF TG_OP IN ('UPDATE', 'DELETE') THEN"
    assert anchor in original
    schema_editor.execute(original.replace(anchor, "BEGIN" + ANONYMISE_EXCEPTION + anchor[5:]), params=None)
    schema_editor.execute(SCRUB_AUDIT, params=None)
    schema_editor.execute("DROP POLICY IF EXISTS retention_owner ON audit_auditevent", params=None)
    schema_editor.execute(
        "CREATE POLICY retention_owner ON audit_auditevent TO CURRENT_USER USING (true) WITH CHECK (true)",
        params=None,
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP POLICY IF EXISTS retention_owner ON audit_auditevent", params=None)
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS retention_scrub_audit(text, bigint[], bigint[], text[], text)", params=None
    )
    schema_editor.execute(_frozen_guard(), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_schedule_retention"),
        ("funding", "0005_statement_lines_frozen"),
        ("audit", "0002_append_only"),
    ]

    operations = [migrations.RunPython(install, remove)]
