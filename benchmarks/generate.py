# ruff: noqa: S608 - table and column names come from the database's own catalogue, not from input.
"""Build a benchmark database holding 1x, 10x or 100x a national year, on PostgreSQL.

1x is the demo's national picture (``seed_demo``): 193 employers in the proportions of the 2023-24 national
annual report, about 4,700 people, 3,206 registrations with their timelines, assessor allocations, claims
and statements, and Demo County Council's year under way (supervision, protected time, portfolios,
evidence, reviews, moderation). For ``--scale N`` that whole world is then copied N-1 more times *inside
the same employers* with set-based SQL (one ``INSERT ... SELECT ... CROSS JOIN generate_series`` per
table), so at 100x each employer has 100 times its people and records: 320,000 registrations, the largest
employer several thousand, and the national pages read every one of them.

How the copy works (``multiply``), read from the catalogue so tables added later are copied too:
- every table with an ``employer_id`` column is copied (a row with no employer is not), and so are the
  people (``accounts_user``, except national staff and moderators, who stay one each) and the national
  tables that point at copied rows (``programmes_nationalreview``...);
- copy k of a row gets id ``id + k * max(id)``; a foreign key to a copied table moves the same way, a
  foreign key to anything else (the employer, funding years, frameworks, national staff) stays;
- unique values that are not keyed on a copied row are rewritten: email addresses (``+bK`` before the
  ``@``), Social Work England numbers (``SW`` + three digits of k + the number), legacy references,
  secret hashes and storage names;
- a table whose unique constraint would be broken by a copy (one row per employer and year or month:
  grant applications, payment statements, API tokens...) is not copied, nor are the rows that hang off it
  (a claim already on a payment statement, an action plan item): it is said which.

Everything runs as the owner role (DATABASE_OWNER_URL) in one transaction in the system national context,
then ANALYZE. Row-level security stays in force: the application role (DATABASE_URL) serves the requests
that ``benchmarks/load.py`` measures. The database is made through the project's own bootstrap
(db_bootstrap, migrate as owner); a database that already holds employers is refused unless ``--rebuild``
(which drops and recreates it).

    .venv/bin/python benchmarks/generate.py --scale 100 --database asye_bench100 [--rebuild]

It writes ``benchmarks/results/dataset-<database>.json`` (row counts, timings, the largest employer and the
sign-in its co-ordinator was given for the load test).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

# Never copied: framework and session tables, and the person-owned sign-in records (their row-level
# security is keyed on the person, and a copied person never signs in).
EXCLUDED_PREFIXES = ("django_", "auth_", "account_", "mfa_", "socialaccount_", "usersessions_")
EXCLUDED_TABLES = {"accounts_user_groups", "accounts_user_user_permissions"}
USERS = "accounts_user"


def configure(database: str) -> None:
    """Point Django at ``database`` (application and owner roles, Redis db 14 unless set) and set it up."""
    host = os.environ.get("ASYE_BENCH_PGHOST", "127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"postgresql://asye_app@{host}/{database}"
    os.environ["DATABASE_OWNER_URL"] = f"postgresql://asye_owner@{host}/{database}"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("ASYE_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- the plan of the copy, from the catalogue -----------------------------------------------------


@dataclass
class Table:
    name: str
    columns: list[str]
    nullable: dict[str, bool]
    fks: dict[str, str] = field(default_factory=dict)  # column -> referenced table (by id)
    uniques: list[tuple[list[str], str]] = field(default_factory=list)  # (columns, index name)

    @property
    def employer_owned(self) -> bool:
        return "employer_id" in self.columns


def _rewrite(table: str, column: str) -> str | None:
    """The SQL (over source alias ``s`` and copy number ``g.k``) that keeps a unique value unique."""
    if column in ("email",) and table == USERS:
        return "regexp_replace(s.email, '@', '+b' || g.k || '@')"
    if column == "swe_number":
        return "'SW' || lpad(g.k::text, 3, '0') || substr(s.swe_number, 3)"
    if column == "legacy_ref":
        return "s.legacy_ref || '~' || g.k"
    if column.endswith("token_hash") or column.endswith("key_hash"):
        return f"encode(sha256(convert_to(s.{column} || ':' || g.k, 'UTF8')), 'hex')"
    if column == "storage_name":
        return "s.storage_name || '.copy' || g.k"
    return None


def read_catalogue(cursor) -> dict[str, Table]:
    cursor.execute(
        """
        SELECT c.relname, a.attname, NOT a.attnotnull
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attgenerated = ''
        ORDER BY c.relname, a.attnum
        """
    )
    tables: dict[str, Table] = {}
    for relname, column, nullable in cursor.fetchall():
        table = tables.setdefault(relname, Table(relname, [], {}))
        table.columns.append(column)
        table.nullable[column] = nullable
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          AND array_length(c.conkey, 1) = 1 AND r.attname = 'id'
        """
    )
    for relname, column, target in cursor.fetchall():
        if relname in tables:
            tables[relname].fks[column] = target
    cursor.execute(
        """
        SELECT c.relname, ic.relname,
               array(SELECT a.attname FROM unnest(i.indkey) k JOIN pg_attribute a
                     ON a.attrelid = c.oid AND a.attnum = k)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE c.relnamespace = 'public'::regnamespace AND i.indisunique AND NOT i.indisprimary
        """
    )
    for relname, index, columns in cursor.fetchall():
        if relname in tables:
            tables[relname].uniques.append((list(columns), index))
    return tables


@dataclass
class CopyPlan:
    copied: dict[str, Table]
    skipped: dict[str, str]  # table -> why it is not copied
    filters: dict[str, list[str]]  # table -> SQL conditions on alias s for the rows that are copied


def plan_copy(tables: dict[str, Table]) -> CopyPlan:
    def eligible(t: Table) -> bool:
        return (
            "id" in t.columns
            and not t.name.startswith(EXCLUDED_PREFIXES)
            and t.name not in EXCLUDED_TABLES
            and not t.name.startswith("django_celery")
        )

    employer_owned = {n for n, t in tables.items() if eligible(t) and t.employer_owned}
    candidates = set(employer_owned) | {USERS}
    candidates |= {
        n
        for n, t in tables.items()
        if eligible(t) and any(target in employer_owned for target in t.fks.values())
    }
    skipped: dict[str, str] = {}
    changed = True
    while changed:  # drop tables until every unique constraint of a copied table is kept by the copy
        changed = False
        for name in sorted(candidates):
            t = tables[name]
            moving = {"id"} | {c for c, target in t.fks.items() if target in candidates}
            moving |= {c for c in t.columns if _rewrite(name, c)}
            why = None
            for columns, index in t.uniques:
                if not set(columns) & moving:
                    why = f"unique {index} ({', '.join(columns)}) would repeat"
            for column, target in t.fks.items():
                parent = tables.get(target)
                if parent and parent.employer_owned and target not in candidates and not t.nullable[column]:
                    why = f"rows belong to {target}, which is not copied"
            if why:
                candidates.discard(name)
                skipped[name] = why
                changed = True
    filters: dict[str, list[str]] = {}
    for name in candidates:
        t = tables[name]
        conditions = []
        if t.employer_owned and t.nullable["employer_id"]:
            conditions.append("s.employer_id IS NOT NULL")
        for column, target in t.fks.items():
            parent = tables.get(target)
            if parent and parent.employer_owned and target not in candidates:
                conditions.append(f"s.{column} IS NULL")  # e.g. a claim already on a payment statement
        filters[name] = conditions
    return CopyPlan({n: tables[n] for n in sorted(candidates)}, skipped, filters)


def multiply(cursor, *, copies: int, reset_sequences: bool = True, log=print) -> dict[str, int]:
    """Add ``copies`` copies of every employer's world to the database behind ``cursor``.

    The caller holds a transaction in which national scope is on (row-level security in force). Returns
    the rows inserted per table. ``reset_sequences`` moves each id sequence past the copies (needs the
    owner role; tests run as the application role and roll back).
    """
    if copies < 1:
        return {}
    plan = plan_copy(read_catalogue(cursor))
    for name, why in sorted(plan.skipped.items()):
        log(f"  not copied: {name}: {why}")
    spans = {}
    for name in plan.copied:
        cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{name}"')
        spans[name] = cursor.fetchone()[0]
    cursor.execute(
        "CREATE TEMP TABLE bench_kept_users ON COMMIT DROP AS "
        "SELECT DISTINCT user_id AS id FROM accounts_membership WHERE employer_id IS NULL"
    )
    cursor.execute("ALTER TABLE bench_kept_users ADD PRIMARY KEY (id)")
    plan.filters[USERS].append("s.id NOT IN (SELECT id FROM bench_kept_users)")

    inserted: dict[str, int] = {}
    for name, t in plan.copied.items():
        if not spans[name]:
            continue
        expressions = []
        for column in t.columns:
            target = t.fks.get(column)
            if column == "id":
                expr = f"s.id + g.k * {spans[name]}"
            elif target == USERS:
                expr = (
                    f"CASE WHEN s.{column} IN (SELECT id FROM bench_kept_users) THEN s.{column} "
                    f"ELSE s.{column} + g.k * {spans[USERS]} END"
                )
            elif target in plan.copied:
                expr = f"s.{column} + g.k * {spans[target]}"
            else:
                expr = _rewrite(name, column) or f's."{column}"'
            expressions.append(expr)
        where = " AND ".join(plan.filters[name]) or "true"
        started = time.perf_counter()
        cursor.execute(
            f'INSERT INTO "{name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in t.columns)}) '
            f'SELECT {", ".join(expressions)} FROM "{name}" AS s '
            f"CROSS JOIN generate_series(1, {copies}) AS g(k) WHERE s.id <= {spans[name]} AND {where}"
        )
        inserted[name] = cursor.rowcount
        log(f"  {name:45} +{cursor.rowcount:>10,}  {time.perf_counter() - started:6.1f} s")
    if reset_sequences:
        for name in inserted:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM " + f'"{name}"' + "))",
                [name],
            )
    return inserted


# --- the command ----------------------------------------------------------------------------------


def count_rows(cursor, tables) -> dict[str, int]:
    counts = {}
    for name in tables:
        cursor.execute(f'SELECT count(*) FROM "{name}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def build(*, scale: int, database: str, rebuild: bool) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections, transaction

    from demo.national_picture import DEMO_PASSWORD

    timings = {}
    started = time.perf_counter()
    call_command("db_bootstrap", *(["--recreate"] if rebuild else []), verbosity=0)
    call_command("migrate", verbosity=0)
    owner = connections["owner"]
    with transaction.atomic(using="owner"), owner.cursor() as cursor:
        cursor.execute("SELECT set_config('app.national', 'on', true)")
        cursor.execute("SELECT count(*) FROM tenancy_employer")
        if cursor.fetchone()[0]:
            raise SystemExit(f"{database} already holds employers: pass --rebuild to drop and rebuild it.")
    timings["bootstrap_and_migrate_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))
    timings["seed_demo_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    with transaction.atomic(using="owner"), owner.cursor() as cursor:
        cursor.execute("SELECT set_config('app.national', 'on', true)")
        print(f"Copying the national year {scale - 1} more times:")
        inserted = multiply(cursor, copies=scale - 1)
    timings["multiply_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    with owner.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = round(time.perf_counter() - started, 1)

    with transaction.atomic(using="owner"), owner.cursor() as cursor:
        cursor.execute("SELECT set_config('app.national', 'on', true)")
        # The largest employer, and a sign-in for its (first) co-ordinator, for the load test.
        cursor.execute(
            "SELECT e.id, e.name, count(*) FROM programmes_registration r JOIN tenancy_employer e "
            "ON e.id = r.employer_id GROUP BY e.id, e.name ORDER BY count(*) DESC, e.id LIMIT 1"
        )
        largest_id, largest_name, largest_registrations = cursor.fetchone()
        cursor.execute(
            "SELECT u.id, u.email FROM accounts_membership m JOIN accounts_user u ON u.id = m.user_id "
            "WHERE m.employer_id = %s AND m.role = 'coordinator' AND m.ended_at IS NULL "
            "ORDER BY u.id LIMIT 1",
            [largest_id],
        )
        coordinator_id, coordinator_email = cursor.fetchone()
        cursor.execute(
            "UPDATE accounts_user SET password = %s WHERE id = %s",
            [make_password(DEMO_PASSWORD), coordinator_id],
        )
        counts = count_rows(
            cursor,
            [
                "tenancy_employer",
                "accounts_user",
                "accounts_membership",
                "programmes_registration",
                "programmes_assessorallocation",
                "funding_claim",
                "funding_paymentstatement",
                "portfolios_evidence",
                "reviews_review",
                "audit_auditevent",
            ],
        )
        cursor.execute(
            "SELECT funding_year, count(*) FROM programmes_registration GROUP BY 1 ORDER BY 1 DESC"
        )
        by_year = dict(cursor.fetchall())
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "scale": scale,
        "timings": timings,
        "rows": counts,
        "registrations_by_funding_year": by_year,
        "inserted_by_copy": inserted,
        "largest_employer": {
            "id": largest_id,
            "name": largest_name,
            "registrations": largest_registrations,
            "coordinator_email": coordinator_email,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=int, choices=(1, 10, 100), required=True, help="times a national year"
    )
    parser.add_argument("--database", required=True, help="database name, e.g. asye_bench100")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild a database that holds data")
    args = parser.parse_args()
    configure(args.database)
    started = time.perf_counter()
    summary = build(scale=args.scale, database=args.database, rebuild=args.rebuild)
    summary["timings"]["total_s"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dataset-{args.database}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: summary[k] for k in ("rows", "timings", "largest_employer")}, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
