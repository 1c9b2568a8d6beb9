"""One clock: no application module reads the wall clock except through ``asye.clock``.

Services, selectors, tasks and views take "now" and "today" from ``asye.clock`` (or a ``today=`` their
caller passes), so freezing time in a test moves the whole platform. This reads every application
module's syntax tree and fails on any other way of asking for the time.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

from asye import clock

ROOT = Path(__file__).resolve().parent.parent


def _project_apps() -> tuple[str, ...]:
    """Every top-level package of the project's own (``asye`` and each domain app), found on disk, so that
    an app added later is under the rule without anyone remembering to list it here."""
    return tuple(
        sorted(
            path.parent.name
            for path in ROOT.glob("*/__init__.py")
            if path.parent.name not in {"tests", "benchmarks", "scripts", "node_modules"}
        )
    )


APPS = _project_apps()
ALLOWED = {Path("asye/clock.py")}

# (module or class as written, attribute): reading it calls the wall clock.
CLOCK_CALLS = {
    ("timezone", "now"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}
# Called with no argument, these read the clock too (with one they only convert a value).
CLOCK_WITHOUT_ARGUMENT = {("timezone", "localdate"), ("timezone", "localtime"), ("time", "localtime")}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """Lines of ``source`` that read the wall clock other than through ``asye.clock``."""
    found = []
    tree = ast.parse(source)
    calls = {id(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        pair = (_name(node.value), node.attr)
        if pair in CLOCK_CALLS:
            found.append((node.lineno, ".".join(pair)))
        elif pair in CLOCK_WITHOUT_ARGUMENT:
            call = calls.get(id(node))
            if call is None or not (call.args or call.keywords):
                found.append((node.lineno, ".".join(pair)))
    return found


def application_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative in ALLOWED:
                continue
            yield relative, path


def test_the_rule_covers_every_app():
    assert {"asye", "surveys", "evaluations", "reporting", "assurance", "forums", "demo"} <= set(APPS)


def test_no_module_reads_the_wall_clock_outside_the_one_clock():
    offenders = [
        f"{relative}:{line}: {what}"
        for relative, path in application_modules()
        for line, what in wall_clock_reads(path.read_text())
    ]
    assert offenders == [], "Read the time through asye.clock:\n" + "\n".join(offenders)


def test_the_scan_finds_each_way_of_reading_the_clock():
    source = "\n".join(
        [
            "x = timezone.now()",
            "x = timezone.localdate()",
            "x = timezone.localtime()",
            "x = datetime.datetime.now()",
            "x = datetime.date.today()",
            "x = date.today()",
            "x = time.time()",
            "field = models.DateTimeField(default=timezone.now)",
            "ok = timezone.localtime(value).date()",
            "ok = clock.now()",
        ]
    )
    assert [line for line, _ in wall_clock_reads(source)] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_the_clock_follows_frozen_time(time_machine):
    time_machine.move_to(datetime.datetime(2028, 2, 29, 23, 30, tzinfo=datetime.UTC), tick=False)
    assert clock.now() == datetime.datetime(2028, 2, 29, 23, 30, tzinfo=datetime.UTC)
    # Half past eleven at night UTC on 29 February is still 29 February in London (GMT).
    assert clock.today() == datetime.date(2028, 2, 29)
    time_machine.move_to(datetime.datetime(2028, 6, 30, 23, 30, tzinfo=datetime.UTC), tick=False)
    # In summer London is an hour ahead: it is already 1 July there.
    assert clock.today() == datetime.date(2028, 7, 1)
