"""The shape of the code (docs/architecture.md, "Dependencies"), checked from the source alone.

- No import cycle between the project's modules. Every import counts: at the top of a module, inside a
  function (a lazy import that only dodges a cycle still is one) and under ``if TYPE_CHECKING:``.
- The cross-cutting apps under ``asye/`` import no domain app, nor name one of its modules in a string,
  except the project's wiring (``WIRING``). Domain apps plug into them through ``asye.contributions``.
- No application module (migrations and tests aside) is over ``MAX_LINES`` lines, except ``EXCEPTIONS``.

Pure file parsing (``tests/architecture/import_graph.py``, which also prints the graph's cycles when run as a
script): no database, no Django.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from tests.architecture.import_graph import (
    DOMAIN_APPS,
    ROOT,
    _Imports,
    cycles,
    describe,
    import_edges,
    is_migration,
    module_files,
)

MAX_LINES = 500
# Modules allowed over MAX_LINES, with the reason. Keep it short: a module that grows past one idea is split
# by idea (STYLE.md).
EXCEPTIONS: dict[str, str] = {}
# Import cycles allowed, as sorted tuples of module names, with the reason. None today.
ALLOWED_CYCLES: dict[tuple[str, ...], str] = {}
# The project's wiring, which names the apps it wires: these modules of asye/ may import a domain app.
WIRING: dict[str, str] = {
    "asye.settings": "INSTALLED_APPS and ASYE_CONTRIBUTIONS list the domain apps and what they add",
    "asye.settings_test": "the test settings, built on asye.settings",
    "asye.urls": "the root URLconf includes each app's URL patterns",
    "asye.celery": "the Celery app discovers every installed app's tasks",
}
ALL_KINDS = {"top", "function", "typing"}


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_graph_sees_every_kind_of_import():
    """A self-check of the reader: top-level, relative, in-function, TYPE_CHECKING and import_module."""
    source = textwrap.dedent(
        """
        from typing import TYPE_CHECKING
        import importlib
        from . import sibling
        from asye.tenancy.models import Employer

        if TYPE_CHECKING:
            from asye.accounts.actor import Actor

        def view():
            from reviews.selectors import coordinator_alerts
            return importlib.import_module("funding.navigation")
        """
    )
    visitor = _Imports("asye.web.example", is_package=False)
    visitor.visit(ast.parse(source))
    found = {(names[0], kind) for names, kind, _line in visitor.found}
    assert ("asye.web", "top") in found
    assert ("asye.tenancy.models", "top") in found
    assert ("asye.accounts.actor", "typing") in found
    assert ("reviews.selectors", "function") in found
    assert ("funding.navigation", "function") in found


def test_no_import_cycles():
    edges = import_edges()
    found = {
        tuple(component): describe(component, edges, ALL_KINDS) for component in cycles(edges, ALL_KINDS)
    }
    unexpected = {cycle: imports for cycle, imports in found.items() if cycle not in ALLOWED_CYCLES}
    assert not unexpected, "Import cycles (break them; see docs/architecture.md):\n" + "\n".join(
        f"{', '.join(cycle)}:\n    " + "\n    ".join(imports) for cycle, imports in unexpected.items()
    )
    assert not set(ALLOWED_CYCLES) - set(found), "ALLOWED_CYCLES lists a cycle that is gone: remove it"


def test_cross_cutting_apps_import_no_domain_app():
    domain = tuple(f"{app}." for app in DOMAIN_APPS)
    wrong = sorted(
        f"{edge.source}:{edge.line} imports {edge.target} ({edge.kind})"
        for edge in import_edges()
        if edge.source.startswith("asye")
        and edge.source not in WIRING
        and (edge.target in DOMAIN_APPS or edge.target.startswith(domain))
    )
    assert not wrong, (
        "asye/ must not import a domain app; let the app contribute through asye.contributions:\n"
        + "\n".join(wrong)
    )


def test_cross_cutting_apps_name_no_domain_module():
    """Nor by name: a string that is a domain app or one of its modules (``"reviews"``, ``"reviews.home"``)
    is how a list like the old ``NAV_APPS`` hands them to ``import_module``; settings list them instead."""
    wrong = []
    for module, path in module_files(("asye",)).items():
        if module in WIRING or is_migration(module):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                name = node.value
                if name in DOMAIN_APPS or name.startswith(tuple(f"{app}." for app in DOMAIN_APPS)):
                    wrong.append(f"{module}:{node.lineno} names {name!r}")
    assert not wrong, "asye/ must not name a domain module; list it in settings:\n" + "\n".join(wrong)


def _application_modules() -> dict[str, int]:
    sizes = {}
    for module, path in module_files().items():
        if not is_migration(module):
            sizes[path.relative_to(ROOT).as_posix()] = len(path.read_text(encoding="utf-8").splitlines())
    return sizes


def test_application_modules_are_at_most_500_lines():
    too_long = {
        path: lines
        for path, lines in _application_modules().items()
        if lines > MAX_LINES and path not in EXCEPTIONS
    }
    assert not too_long, (
        f"Over {MAX_LINES} lines: split by idea (STYLE.md), or add to EXCEPTIONS with why: "
        + (", ".join(f"{path} ({lines})" for path, lines in sorted(too_long.items())))
    )


def test_size_exceptions_are_still_needed():
    sizes = _application_modules()
    stale = sorted(path for path in EXCEPTIONS if sizes.get(path, 0) <= MAX_LINES)
    assert not stale, (
        f"No longer over {MAX_LINES} lines (or gone): remove from EXCEPTIONS: {', '.join(stale)}"
    )


def test_wiring_names_real_modules():
    modules = module_files(("asye",))
    assert set(WIRING) <= set(modules)
    assert _module_of(ROOT / "asye" / "urls.py") == "asye.urls"
