"""Reads compiled once (``asye.prepared``, issue #14): the same rows and instances as the queryset, the
values always in their own places, builds that cannot be prepared refused, and the API's registration
read as strictly scoped as before (another employer's, or not the caller's NQSW's: 404)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from asye.prepared import PreparedRead
from asye.tenancy.db import tenant_context
from programmes.api_reads import registration_api_get
from programmes.models import Registration
from tests.funding.helpers import register
from tests.performance.test_query_counts import token_for
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db


def _registrations(_shape, *, employer_id: int, pk: int):
    return Registration.objects.filter(employer_id=employer_id, pk=pk).select_related(
        "framework_version__framework"
    )


REGISTRATIONS = PreparedRead(_registrations)


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_a_prepared_read_makes_what_the_queryset_makes(employer_a, employer_b):
    mine, theirs = register(employer_a), register(employer_b)
    with tenant_context(employer_a.employer.pk):
        employer_id = employer_a.employer.pk
        for _ in range(2):  # compiled on the first call, only run on the second
            [read] = REGISTRATIONS.fetch(employer_id=employer_id, pk=mine.pk)
            [expected] = _registrations(None, employer_id=employer_id, pk=mine.pk)
            assert _fields(read) == _fields(expected)
            assert _fields(read.framework_version) == _fields(expected.framework_version)
            assert read.framework_version.framework.name == expected.framework_version.framework.name
            assert read._state.db == "default" and not read._state.adding
        # The values are the call's: another employer's registration, or a number no row has, is not found.
        assert REGISTRATIONS.fetch(employer_id=employer_id, pk=theirs.pk) == []
        assert REGISTRATIONS.fetch(employer_id=employer_id, pk=2**70) == []
    with tenant_context(employer_b.employer.pk):
        [read] = REGISTRATIONS.fetch(employer_id=employer_b.employer.pk, pk=theirs.pk)
        assert read.pk == theirs.pk and read.employer_id == employer_b.employer.pk


def test_builds_that_cannot_be_prepared_are_refused(employer_a):
    employer_id = employer_a.employer.pk
    shaped_by_the_value = PreparedRead(
        lambda _shape, *, pk: Registration.objects.filter(pk__in=range(1, pk % 3 + 2))
    )
    with pytest.raises(ValueError, match="depends on the values"):
        shaped_by_the_value.fetch(pk=5)
    ignores_a_value = PreparedRead(lambda _shape, *, employer_id, pk: Registration.objects.filter(pk=pk))
    with pytest.raises(ValueError, match="does not use employer_id"):
        ignores_a_value.fetch(employer_id=employer_id, pk=1)
    counter = itertools.count()
    reads_its_own_value = PreparedRead(
        lambda _shape, *, pk: Registration.objects.filter(pk=pk, extension_days=next(counter))
    )
    with pytest.raises(ValueError, match="changes with the values"):
        reads_its_own_value.fetch(pk=1)
    with pytest.raises(TypeError, match="int or a string"):
        REGISTRATIONS.fetch(employer_id=employer_id, pk=None)
    with pytest.raises(TypeError, match="no values"):
        PreparedRead(lambda _shape, *, pk: Registration.objects.filter(pk=pk).values("pk")).fetch(pk=1)


def test_the_api_read_compiles_no_sql_once_warm(client, employer_a, monkeypatch):
    registration = register(employer_a)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    url = f"/api/v1/registrations/{registration.pk}/"
    assert client.get(url).status_code == 200
    compiled = []
    as_sql = SQLCompiler.as_sql

    def counting(compiler, *args, **kwargs):
        compiled.append(compiler.query.model.__name__)
        return as_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    response = client.get(url)
    assert response.status_code == 200 and response.json()["id"] == registration.pk
    assert compiled == [], f"compiled again: {compiled}"


@pytest.mark.parametrize("pk", ["99999999999999999999999", "-1", "0", "abc", "1e3"])
def test_a_number_no_registration_has_is_a_404_not_an_error(client, employer_a, pk):
    register(employer_a)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    response = client.get(f"/api/v1/registrations/{pk}/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_another_employers_registration_is_a_404_through_the_prepared_read(client, employer_a, employer_b):
    theirs = register(employer_b)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(employer_a)}"
    response = client.get(f"/api/v1/registrations/{theirs.pk}/")
    assert response.status_code == 404
    assert theirs.swe_number not in response.content.decode()


def test_an_assessor_reads_only_their_own_nqsws(employer_a, employer_b, unscoped):
    assessed, other = register(employer_a), register(employer_a)
    theirs = register(employer_b)
    with unscoped():
        Registration.objects.filter(pk=assessed.pk).update(assessor=employer_a.assessor)
        Registration.objects.filter(pk=theirs.pk).update(assessor=employer_a.assessor)
    with tenant_context(employer_a.employer.pk):
        assessor = actor_for(employer_a.assessor, employer_a.employer)
        coordinator = actor_for(employer_a.coordinator, employer_a.employer)
        assert registration_api_get(actor=assessor, pk=assessed.pk).pk == assessed.pk
        for pk in (other.pk, theirs.pk):
            with pytest.raises(Http404):
                registration_api_get(actor=assessor, pk=pk)
        # The co-ordinator's shape is another statement: every one of the employer's, none of B's.
        assert registration_api_get(actor=coordinator, pk=other.pk).pk == other.pk
        with pytest.raises(Http404):
            registration_api_get(actor=coordinator, pk=theirs.pk)


def test_the_read_loads_deferrals_and_corrections_in_their_order(employer_a):
    from programmes.corrections import registration_correct

    registration = register(employer_a)
    with tenant_context(employer_a.employer.pk):
        coordinator = actor_for(employer_a.coordinator, employer_a.employer)
        for name in ("Adaeze", "Ada"):
            registration = registration_correct(
                actor=coordinator,
                registration=Registration.objects.get(pk=registration.pk),
                version=Registration.objects.get(pk=registration.pk).version,
                reason=f"Now {name}",
                first_name=name,
            )
        read = registration_api_get(actor=coordinator, pk=registration.pk)
        with CaptureQueriesContext(connection) as queries:  # loaded with the read, not after
            assert [c.new_value for c in read.corrections.all()] == ["Adaeze", "Ada"]
            assert list(read.deferrals.all()) == []
        assert queries.captured_queries == []


def _tables_read(queries) -> list[str]:
    """The table of each statement's first column (``SELECT "table"."id", ...``)."""
    return [q["sql"].split('"')[1] for q in queries.captured_queries]


def test_deferrals_and_corrections_are_read_only_when_there_are_some(employer_a):
    """The registration's statement says whether it has any (#14): one statement for a registration with
    neither, and the deferrals' or corrections' read only for one that has them."""
    from programmes.corrections import registration_correct
    from programmes.services import registration_defer

    plain, deferred, corrected = register(employer_a), register(employer_a), register(employer_a)
    with tenant_context(employer_a.employer.pk):
        coordinator = actor_for(employer_a.coordinator, employer_a.employer)
        registration_defer(
            actor=coordinator,
            registration=deferred,
            started_on=deferred.start_date + datetime.timedelta(days=20),
            reason="Illness",
        )
        registration_correct(
            actor=coordinator,
            registration=corrected,
            version=corrected.version,
            reason="Two letters swapped",
            first_name="Adaeze",
        )
        registration_api_get(actor=coordinator, pk=plain.pk)  # compiled on the first call
        expected = {
            plain.pk: ([], [], ["programmes_registration"]),
            deferred.pk: (
                [deferral.pk for deferral in deferred.deferrals.all()],
                [],
                ["programmes_registration", "programmes_deferral"],
            ),
            corrected.pk: (
                [],
                [correction.pk for correction in corrected.corrections.all()],
                ["programmes_registration", "programmes_registrationcorrection"],
            ),
        }
        for pk, (deferrals, corrections, tables) in expected.items():
            with CaptureQueriesContext(connection) as queries:
                read = registration_api_get(actor=coordinator, pk=pk)
            assert _tables_read(queries) == tables
            assert [deferral.pk for deferral in read.deferrals.all()] == deferrals
            assert [correction.pk for correction in read.corrections.all()] == corrections
        assert len(expected[deferred.pk][0]) == 1 and len(expected[corrected.pk][1]) == 1


def _by_pk(_shape, *, pk: int):
    """No employer in the SQL: only row-level security decides what the read may see."""
    return Registration.objects.filter(pk=pk)


BY_PK = PreparedRead(_by_pk)


def test_a_statement_postgresql_has_prepared_still_sees_only_the_tenant_of_each_run(employer_a, employer_b):
    """Prepared reads are planned once per connection (server-side binding, ``prepare_threshold``); the
    plan must not carry one run's tenant into the next. Row-level security is checked on every run:
    after many runs for A, B's registration is still invisible to A, visible to B, and the national role
    (another role: PostgreSQL plans again) sees both."""
    from asye.tenancy.db import system_national_context

    def runs() -> dict[str, tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, generic_plans, custom_plans FROM pg_prepared_statements")
            return {name: (generic, custom) for name, generic, custom in cursor.fetchall()}

    mine, theirs = register(employer_a), register(employer_b)
    with tenant_context(employer_a.employer.pk):
        before = runs()
        for _ in range(12):  # past psycopg's threshold (5) and PostgreSQL's five custom plans
            assert [r.pk for r in BY_PK.fetch(pk=mine.pk)] == [mine.pk]
            assert BY_PK.fetch(pk=theirs.pk) == []
        after = runs()
    ran = {
        name: sum(after[name]) - sum(before.get(name, (0, 0)))
        for name in after
        if sum(after[name]) != sum(before.get(name, (0, 0)))
    }
    # Prepared after its 5th run of 24 (or already, by an earlier read of the same SQL on this connection),
    # and planned once for all the runs since, whichever tenant they were for.
    assert list(ran.values()) in ([19], [24]), ran
    [name] = ran
    assert after[name][0] > 0, after[name]
    with tenant_context(employer_b.employer.pk):
        assert BY_PK.fetch(pk=mine.pk) == []
        assert [r.pk for r in BY_PK.fetch(pk=theirs.pk)] == [theirs.pk]
    with system_national_context():
        assert [r.pk for r in BY_PK.fetch(pk=mine.pk)] == [mine.pk]
        assert [r.pk for r in BY_PK.fetch(pk=theirs.pk)] == [theirs.pk]
    with tenant_context(employer_a.employer.pk):
        assert BY_PK.fetch(pk=theirs.pk) == []


def test_on_sqlite_a_reads_placeholders_are_rewritten_once_and_as_django_rewrites_them(monkeypatch):
    """The embedded database's cursor for prepared reads (``asye.prepared``) runs the same statement as
    Django's own SQLite cursor, ``%s`` as ``?`` and ``%%`` as ``%``, rewriting each SQL text only once."""
    import sqlite3

    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    from asye.prepared import _cursor_class

    database = sqlite3.connect(":memory:")
    sql = "SELECT %s + %s, '100%%' || %s"
    ours, djangos = (
        database.cursor(factory=_cursor_class("sqlite")),
        database.cursor(factory=SQLiteCursorWrapper),
    )
    for _ in range(2):
        assert ours.execute(sql, [1, 2, "!"]).fetchall() == djangos.execute(sql, [1, 2, "!"]).fetchall()
    assert ours.execute(sql, [1, 2, "!"]).fetchall() == [(3, "100%!")]
    converted = []
    original = SQLiteCursorWrapper.convert_query

    def counting(cursor, query, **kwargs):
        converted.append(query)
        return original(cursor, query, **kwargs)

    monkeypatch.setattr(SQLiteCursorWrapper, "convert_query", counting)
    ours.execute(sql, [1, 2, "!"])
    ours.execute("SELECT %s", [5])
    ours.execute("SELECT %s", [6])
    assert converted == ["SELECT %s"]  # the first text was rewritten before; the second once
    database.close()
