"""A database trigger that refuses a moderation case whose moderator holds, or held, any membership at the
case's employer: an NQAP moderator never moderates their own employer's portfolios.

The services refuse it first (``reviews.moderation_services.case_assign``) and the assignment form offers
only eligible moderators; this makes the database refuse too, so no bug, script or admin action can
assign one.

The trigger reads ``accounts_membership`` as the person writing, under its row-level security. That is
enough: a case is written either in the national scope (which sees every membership) or in its own
employer's tenant context (which sees every membership at that employer, the only ones that matter here).

Errors are raised as check violations (SQLSTATE 23514), which Django reports as ``IntegrityError``.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION reviews_moderationcase_moderator_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.moderator_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM accounts_membership
        WHERE user_id = NEW.moderator_id AND employer_id = NEW.employer_id
    ) THEN
        RAISE EXCEPTION 'Moderator % holds or held a role at employer %: they cannot moderate its portfolios',
            NEW.moderator_id, NEW.employer_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
"""

FORWARD = [
    GUARD,
    "CREATE TRIGGER reviews_moderationcase_moderator_guard "
    "BEFORE INSERT OR UPDATE OF moderator_id, employer_id ON reviews_moderationcase "
    "FOR EACH ROW EXECUTE FUNCTION reviews_moderationcase_moderator_guard()",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS reviews_moderationcase_moderator_guard ON reviews_moderationcase",
    "DROP FUNCTION IF EXISTS reviews_moderationcase_moderator_guard()",
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
    dependencies = [("reviews", "0001_initial"), ("accounts", "0002_membership_write_policy")]

    operations = [migrations.RunPython(forwards, backwards)]
