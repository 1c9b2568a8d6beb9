"""Reads whose SQL is compiled once per shape and then only run again, with each call's values (#14).

Django builds and compiles a queryset's SQL every time it is evaluated: on the reads every API call makes
(the token, the caller's memberships, the registration with its framework, its deferrals and corrections)
that compiling cost more than running the statements. A ``PreparedRead`` compiles a read once per thread,
database and shape, then executes the same SQL with the call's values and makes the same model instances
the queryset would (``select_related`` ones and annotations included).

Why it cannot read the wrong rows:

- The SQL is the queryset's own, built by ``build`` through the usual scoping (``visible_to``, the
  selectors' filters): nothing is written by hand, and row-level security applies to it as to any statement
  (it runs in the request's transaction, under its settings).
- The values a call changes (``employer_id``, ``pk``...) are found among the compiled parameters by
  compiling with probe values no real value takes, twice, with two different sets of probes: both must give
  the same SQL, every named value must be there, and every other parameter must be the same both times. A
  value cannot land in another's place, and a build whose SQL depends on a value is refused.
- Every other parameter is a constant of the build: a build must take whatever changes from call to call
  (the person, the employer, the date) as a named value, or as part of ``shape``, never read it itself.
- Values are ints or strings (the probes' types); ``None`` is refused (it would change the SQL).

For plain model reads only: no ``values()``, prefetching or known related objects (``fetch`` refuses them).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# What an int value may be: a bigint column's range. Outside it, no row has the value (and SQLite
# would refuse the parameter): the read finds nothing, as Django's own lookup does.
BIGINT_RANGE = range(-(2**63), 2**63)
_INT_PROBE_BASE = -(2**62)
_local = threading.local()


def _probes(values: dict[str, int | str], round_: int) -> dict[str, int | str]:
    """A probe for each value: of its type, distinct from every other probe and from any real value."""
    probes: dict[str, int | str] = {}
    for index, (name, value) in enumerate(sorted(values.items())):  # fetch checked the types
        probes[name] = (
            _INT_PROBE_BASE - 1000 * round_ - index
            if isinstance(value, int)
            else (f"\x1eprobe {round_} {index}\x1e")
        )
    return probes


def _planned_once_cursor(connection):
    """A cursor for a prepared read. On PostgreSQL it sends the values apart from the SQL (server-side
    binding), so psycopg prepares a statement its connection has run ``prepare_threshold`` times (5, set
    in ``asye.settings``) and PostgreSQL plans it once per connection instead of on every call. Django's
    own cursor sends the SQL with the values written in, planned afresh each time: planning the token's
    read and the registration's (joins, row-level security) was most of PostgreSQL's CPU for an API call
    (#14). Row-level security still applies on every run: a prepared plan keeps the policies' conditions
    and reads the settings when it runs, and PostgreSQL plans again if the role changes. On SQLite, each
    read's placeholders are rewritten once (``_cursor_class``). Wrapped as Django wraps its own cursors
    (query logging, execute wrappers, error translation)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_cursor_class(connection.vendor)(connection.connection))


@functools.cache
def _cursor_class(vendor: str) -> type:
    """The driver's cursor class for prepared reads, made with the driver's connection.

    PostgreSQL: Django's server-side binding cursor. SQLite: Django's cursor rewrites every statement's
    ``%s`` into ``?`` with a regular expression before running it, 30 us for the registration's long SQL on
    every call; a prepared read's SQL is one of a few fixed strings, so this one rewrites each once (the
    same text is logged as Django's cursor logs)."""
    if vendor == "postgresql":
        from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg: PostgreSQL only

        return ServerBindingCursor
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    rewritten: dict[str, str] = {}

    class RewritesOnce(SQLiteCursorWrapper):
        def convert_query(self, query, *, param_names=None):
            if param_names is not None:
                return super().convert_query(query, param_names=param_names)
            found = rewritten.get(query)
            if found is None:
                found = rewritten[query] = super().convert_query(query)
            return found

    return RewritesOnce


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (parameter position, value name)
    model: type[Model]
    init_list: tuple[str, ...]
    model_columns: slice
    populators: tuple[Any, ...]
    annotation_columns: tuple[tuple[str, int], ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]


class PreparedRead:
    """``build(shape, **values)`` returns the queryset of one read; ``fetch`` runs it (see the module)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build

    def fetch(self, shape: Hashable = None, *, using: str = DEFAULT_DB_ALIAS, **values: int | str) -> list:
        """The instances ``build(shape, **values)`` would give, in its order."""
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise TypeError(f"A prepared read's {name!r} must be an int or a string, not {value!r}.")
            if isinstance(value, int) and value not in BIGINT_RANGE:
                return []
        connection = connections[using]
        cache = getattr(_local, "reads", None)
        if cache is None:
            cache = _local.reads = {}
        key = (
            id(self),
            using,
            connection.vendor,
            shape,
            tuple((n, type(v)) for n, v in sorted(values.items())),
        )
        compiled = cache.get(key, False)
        if compiled is False:
            compiled = cache[key] = self._compile(shape, using, values)
        if compiled is None:  # the build reads nothing (``none()``, an empty ``IN``)
            return []
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = values[name]
        with _planned_once_cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        model, init_list, columns = compiled.model, compiled.init_list, compiled.model_columns
        instances = []
        for fetched in rows:
            row = list(fetched)
            for position, functions, expression in compiled.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            instance = model.from_db(using, init_list, row[columns])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotation_columns:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances

    def _sql(self, shape: Hashable, using: str, values: dict[str, int | str]):
        queryset = self.build(shape, **values)
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
        ):
            raise TypeError("A prepared read makes model instances only: no values() or prefetching.")
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None, None, None
        return compiler, sql, tuple(params)

    def _compile(self, shape: Hashable, using: str, values: dict[str, int | str]) -> _Compiled | None:
        first, second = _probes(values, 0), _probes(values, 1)
        compiler, sql, params = self._sql(shape, using, first)
        _, sql_again, params_again = self._sql(shape, using, second)
        if sql != sql_again or (params is None) != (params_again is None):
            raise ValueError(f"{self.build.__qualname__}: its SQL depends on the values: not preparable.")
        if compiler is None:
            return None
        names = {probe: name for name, probe in first.items()}
        slots = []
        for position, (value, value_again) in enumerate(zip(params, params_again, strict=True)):
            name = names.get(value) if isinstance(value, int | str) else None
            if name is not None and value_again == second[name] and type(value) is type(first[name]):
                slots.append((position, name))
            elif value != value_again or value in second.values():
                raise ValueError(f"{self.build.__qualname__}: parameter {position} changes with the values.")
        missing = set(values) - {name for _, name in slots}
        if missing:
            raise ValueError(f"{self.build.__qualname__} does not use {', '.join(sorted(missing))}.")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        return _Compiled(
            sql=sql,
            params=params,
            slots=tuple(slots),
            model=klass_info["model"],
            init_list=tuple(column[0].target.attname for column in select[fields[0] : fields[-1] + 1]),
            model_columns=slice(fields[0], fields[-1] + 1),
            populators=tuple(get_related_populators(klass_info, select, using)),
            annotation_columns=tuple((compiler.annotation_col_map or {}).items()),
            converters=tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in compiler.get_converters(
                    [column[0] for column in select[0 : compiler.col_count]]
                ).items()
            ),
        )
