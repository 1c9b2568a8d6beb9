"""Every employer-owned table's unique constraints and indexes lead with ``employer_id``, or say here why not
(docs/scaling.md, "Distributing by employer").

Read from PostgreSQL's catalogue (``pg_index``, ``pg_constraint``) for every table in ``public`` with an
``employer_id`` column, so a constraint added in any app, by a model or by hand in a migration, is seen.
Leading with ``employer_id`` is what lets Citus distribute the table by employer: a distributed table's
unique constraints must include the distribution column, and an index that starts with it serves the
employer's queries inside one shard.

Three kinds of index are allowed without it, each for the reason given with it:

- ``PRIMARY KEY (id)``: Django's single-column surrogate key (see ``PRIMARY_KEY_REASON``);
- Django's own one-column index on a foreign key (``FOREIGN_KEY_INDEX_REASON``);
- the ``varchar_pattern_ops`` twin Django adds to an indexed text column, which follows its twin.

Anything else is listed in ``EXCEPTIONS`` by table and columns, with its reason; a listed index that has
gone, or now leads with ``employer_id``, must be removed from the list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

PRIMARY_KEY_REASON = (
    "Django's surrogate primary key: every foreign key points at it, and Django 5.2 cannot point a foreign "
    "key at a composite key. Ids come from one sequence per table, so they are unique across employers; "
    "Citus would need (employer_id, id) keys here, the one schema change distribution needs (docs/scaling.md)"
)
FOREIGN_KEY_INDEX_REASON = (
    "Django's index on a foreign key column: inside a shard it finds a parent's child rows, and the parent "
    "is the same employer's (co-located), so employer_id in front would add width and nothing else"
)

NATIONAL_READ = (
    "a national read across every employer (national staff, a national job); under Citus it fans out to "
)
NATIONAL_READ += "every shard, as a national query must"
BEFORE_EMPLOYER = (
    "found by the hash of a secret its holder presents, before any employer is known; the hash of 32 random "
    "bytes is unique everywhere. Under Citus the lookup moves to a small reference table (hash to "
    "employer_id) and this becomes unique (employer_id, hash)"
)
ONE_TO_ONE = (
    "a one-to-one link to a parent row of the same employer, whose id is unique across employers; under "
    "Citus it becomes unique (employer_id, parent_id), which says the same thing"
)

# (table, columns) -> why the index or constraint does not lead with employer_id.
EXCEPTIONS: dict[tuple[str, tuple[str, ...]], str] = {
    # Unique constraints and indexes.
    ("accounts_invitation", ("token_hash",)): BEFORE_EMPLOYER,
    ("api_apitoken", ("key_hash",)): BEFORE_EMPLOYER,
    ("evaluations_evaluationinvitation", ("token_hash",)): BEFORE_EMPLOYER,
    ("portfolios_feedbackrequest", ("token_hash",)): BEFORE_EMPLOYER,
    ("accounts_membership", ("user_id", "role")): (
        "one active national role per person: national memberships have no employer (employer_id is NULL), "
        "so under Citus they live in a national, undistributed table"
    ),
    ("notifications_notificationpreference", ("person_id",)): (
        "one national preference row per person (employer_id NULL): national, not an employer's"
    ),
    ("assurance_meetingsubmission", ("meeting_id",)): ONE_TO_ONE,
    ("equality_equalitymonitoring", ("registration_id",)): ONE_TO_ONE,
    ("portfolios_portfolio", ("registration_id",)): ONE_TO_ONE,
    ("jobs_job", ("public_id",)): (
        "a random UUID in the job's URL, unique everywhere; under Citus unique (employer_id, public_id)"
    ),
    ("portfolios_evidencefile", ("storage_name",)): (
        "the server-made storage name, which starts with the employer's folder and a random part: unique "
        "everywhere; under Citus unique (employer_id, storage_name)"
    ),
    ("forums_sessionsignup", ("session_id", "person_id")): (
        "one sign-up per person per national forum session, whichever employer they came through; forums "
        "are national, so under Citus sign-ups stay in the national, undistributed part"
    ),
    ("surveys_surveyinvitation", ("round_id", "group", "person_id")): (
        "one invitation per person per national survey round: national, like the forums"
    ),
    # Non-unique indexes.
    ("accounts_membership", ("user_id",)): (
        "a person's memberships across employers, read at sign-in to choose the employer; under Citus "
        "memberships are a reference table"
    ),
    ("audit_auditevent", ("created_at",)): NATIONAL_READ,
    ("forums_sessionsignup", ("person_id", "status")): "a person's own sign-ups across employers: "
    + NATIONAL_READ,
    ("forums_sessionsignup", ("session_id", "status", "signed_up_at")): (
        "a national session's sign-up list and waiting list: " + NATIONAL_READ
    ),
    ("funding_claim", ("status", "funding_year_id")): "the national claims queue: " + NATIONAL_READ,
    ("jobs_job", ("kind", "created_at")): "a job kind's history on the national jobs page: " + NATIONAL_READ,
    ("notifications_outboxemail", ("next_attempt_at",)): "the outbox sender's due emails: " + NATIONAL_READ,
    ("programmes_registration", ("created_at", "id")): "the national review queue: " + NATIONAL_READ,
    ("programmes_registration", ("ending_on",)): "the retention sweep of ended registrations: "
    + NATIONAL_READ,
    ("programmes_registration", ("search_name",)): "national search by name: " + NATIONAL_READ,
    ("programmes_registration", ("search_name_reversed",)): "national search by name: " + NATIONAL_READ,
    ("programmes_registration", ("search_email",)): "national search by email: " + NATIONAL_READ,
    ("programmes_registration", ("swe_number",)): (
        "the national duplicate check and search by Social Work England number: " + NATIONAL_READ
    ),
    ("programmes_registrationtransfer", ("to_employer_id", "status")): (
        "the receiving employer's transfer inbox: it leads with that employer (to_employer_id), the other "
        "side of a transfer"
    ),
    ("reviews_moderationcase", ("moderator_id", "status")): "a national moderator's cases: " + NATIONAL_READ,
    ("surveys_surveyinvitation", ("round_id", "group")): "a national survey round's invitations: "
    + NATIONAL_READ,
}

INDEXES_SQL = """
WITH owned AS (
    SELECT c.oid, c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'employer_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
)
SELECT
    o.relname,
    i.relname,
    x.indisunique,
    x.indisprimary,
    (SELECT array_agg(coalesce(a.attname, '(expression)') ORDER BY k.position)
     FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
     LEFT JOIN pg_attribute a ON a.attrelid = o.oid AND a.attnum = k.attnum AND k.attnum > 0),
    (SELECT bool_and(opc.opcname LIKE '%%pattern_ops')
     FROM unnest(x.indclass::oid[]) AS k(opclass) JOIN pg_opclass opc ON opc.oid = k.opclass),
    EXISTS (
        SELECT 1 FROM pg_constraint f
        WHERE f.conrelid = o.oid AND f.contype = 'f'
          AND array_to_string(f.conkey, ' ') = array_to_string(x.indkey::int2[], ' ')
    )
FROM owned o
JOIN pg_index x ON x.indrelid = o.oid
JOIN pg_class i ON i.oid = x.indexrelid
ORDER BY o.relname, i.relname
"""


@dataclass(frozen=True)
class Index:
    table: str
    name: str
    unique: bool
    primary: bool
    columns: tuple[str, ...]
    pattern_ops: bool
    on_foreign_key: bool

    @property
    def leads_with_employer(self) -> bool:
        return bool(self.columns) and self.columns[0] == "employer_id"

    def describe(self) -> str:
        kind = "PRIMARY KEY" if self.primary else "UNIQUE" if self.unique else "INDEX"
        return f"{self.table}: {kind} {self.name} ({', '.join(self.columns)})"


def employer_owned_indexes() -> list[Index]:
    with connection.cursor() as cursor:
        cursor.execute(INDEXES_SQL)
        return [
            Index(table, name, unique, primary, tuple(columns), bool(pattern_ops), on_foreign_key)
            for table, name, unique, primary, columns, pattern_ops, on_foreign_key in cursor.fetchall()
        ]


def allowed_without_employer(index: Index, every: list[Index]) -> bool:
    """The three kinds the module docstring allows."""
    if index.primary:
        return index.columns == ("id",)
    if index.unique:
        return False
    if index.on_foreign_key and len(index.columns) == 1:
        return True
    return index.pattern_ops and any(
        other.table == index.table and other.columns == index.columns and not other.pattern_ops
        for other in every
    )


def test_the_catalogue_query_sees_employer_owned_tables_and_their_keys():
    indexes = employer_owned_indexes()
    tables = {index.table for index in indexes}
    assert {"programmes_registration", "portfolios_evidence", "funding_claim", "audit_auditevent"} <= tables
    assert len(tables) > 50
    registration = [index for index in indexes if index.table == "programmes_registration"]
    assert any(index.primary and index.columns == ("id",) for index in registration)
    assert any(index.leads_with_employer for index in registration)
    assert any(index.on_foreign_key and index.columns == ("nqsw_id",) for index in registration)


def test_every_employer_owned_unique_constraint_and_index_leads_with_employer_id():
    indexes = employer_owned_indexes()
    wrong = [
        index.describe()
        for index in indexes
        if not index.leads_with_employer
        and not allowed_without_employer(index, indexes)
        and (index.table, index.columns) not in EXCEPTIONS
    ]
    assert not wrong, (
        "These unique constraints or indexes of employer-owned tables do not start with employer_id, which "
        "keeps distribution by employer possible (docs/scaling.md). Put employer_id first, or add them to "
        "EXCEPTIONS in this file with the reason:\n" + "\n".join(wrong)
    )


def test_the_exceptions_are_still_needed():
    indexes = employer_owned_indexes()
    present = {(index.table, index.columns) for index in indexes if not index.leads_with_employer}
    stale = sorted(f"{table} ({', '.join(columns)})" for table, columns in set(EXCEPTIONS) - present)
    assert not stale, (
        "No longer an index without employer_id in front (or gone): remove from EXCEPTIONS: "
        + (", ".join(stale))
    )
