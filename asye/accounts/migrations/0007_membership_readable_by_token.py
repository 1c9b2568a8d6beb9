"""An API token's presenter may read its creator's memberships at the token's employer (#14).

Authentication then reads the token and the roles its creator holds there in one statement
(``asye.api.selectors.api_token_by_hash``), instead of a second read of the creator's memberships after
switching to them. The rows opened are the ones that call acts on anyway; reading them needs the token's
secret, whose hash is ``app.token_hash`` (the same condition that opens the token's own row). Writes are
unchanged: a membership is still written only in its employer's tenant context (0002).
"""

from django.db import migrations

from asye.tenancy.rls import EnableRowLevelSecurity

PERSON = "user_id = NULLIF(current_setting('app.user_id', true), '')::bigint"
# A sub-select, worked out once per statement (an InitPlan), on the token row its own policy opens.
CREATOR_AT_PRESENTED_TOKENS_EMPLOYER = (
    "(user_id, employer_id) = (SELECT t.created_by_id, t.employer_id FROM api_apitoken t "
    "WHERE t.key_hash = NULLIF(current_setting('app.token_hash', true), ''))"
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_invitation_last_sent_at"),
        ("api", "0001_initial"),
    ]

    operations = [
        EnableRowLevelSecurity(
            "accounts_membership",
            using_extra=f"{PERSON} OR {CREATOR_AT_PRESENTED_TOKENS_EMPLOYER}",
            check_extra="",
        ),
    ]
