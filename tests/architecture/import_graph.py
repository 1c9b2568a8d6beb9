"""The project's module import graph, read from the source with ``ast`` (nothing is imported).

Each edge says where the import statement stands: ``top`` (run when the module is imported: the module's
body, including ``try``/``if`` blocks and class bodies), ``typing`` (under ``if TYPE_CHECKING:``, never
run) or ``function`` (inside a function, run when it is called). ``importlib.import_module("a.b")`` with a
literal name counts as an import where it stands.

Run it as a script to print the cycles: ``.venv/bin/python tests/architecture/import_graph.py``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The project's own packages (pyproject's setuptools packages, and the demo app).
PACKAGES = ("asye", "programmes", "portfolios", "reviews", "funding", "forums", "equality", "demo")
DOMAIN_APPS = ("programmes", "portfolios", "reviews", "funding", "forums", "equality", "demo")
SKIPPED_PARTS = {"__pycache__", "tests"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "top", "typing" or "function"
    line: int


def module_files(packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Every module of the packages, by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if SKIPPED_PARTS & set(parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def is_migration(module: str) -> bool:
    return ".migrations." in f"{module}."


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """Collects (dotted names, kind, line) for one module, knowing whether it is inside a function."""

    def __init__(self, module: str, is_package: bool):
        self.package = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[list[str], str, int]] = []
        self._kind = ["top"]

    def _visit_inside(self, node: ast.AST, kind: str) -> None:
        self._kind.append(kind)
        self.generic_visit(node)
        self._kind.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._kind.append("function" if self._kind[-1] == "top" else self._kind[-1])
        for statement in node.body:
            self.visit(statement)
        self._kind.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self._kind.append("typing")
            for statement in node.body:
                self.visit(statement)
            self._kind.pop()
            for statement in node.orelse:
                self.visit(statement)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append(([alias.name for alias in node.names], self._kind[-1], node.lineno))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - (node.level - 1)]
            module = ".".join([*base, node.module] if node.module else base)
        else:
            module = node.module or ""
        # ``from a import b`` imports the module a.b when there is one, else a name of a.
        names = [f"{module}.{alias.name}" for alias in node.names]
        self.found.append(([module, *names], self._kind[-1], node.lineno))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if (
            called in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            self.found.append(([node.args[0].value], self._kind[-1], node.lineno))
        self.generic_visit(node)


def _resolve(names: list[str], modules: dict[str, Path]) -> set[str]:
    """The project modules the names denote: each name's longest prefix that is a module."""
    targets = set()
    for name in names:
        parts = name.split(".")
        while parts and ".".join(parts) not in modules:
            parts.pop()
        if parts:
            targets.add(".".join(parts))
    # ``from a.b import c`` gives both a.b and a.b.c: keep the submodule only.
    return {t for t in targets if not any(other.startswith(f"{t}.") for other in targets)}


def import_edges(modules: dict[str, Path] | None = None) -> list[Edge]:
    modules = modules if modules is not None else module_files()
    edges = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        visitor = _Imports(module, path.name == "__init__.py")
        visitor.visit(tree)
        for names, kind, line in visitor.found:
            for target in _resolve(names, modules):
                if target != module:
                    edges.append(Edge(module, target, kind, line))
    return edges


def cycles(edges: Iterable[Edge], kinds: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if edge.kind in kinds:
            graph.setdefault(edge.source, set()).add(edge.target)
            graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    def connect(node: str) -> None:
        nonlocal counter
        # Iterative, so a long chain of imports cannot exhaust the recursion limit.
        work: list[tuple[str, Iterator[str]]] = [(node, iter(sorted(graph[node])))]
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        while work:
            current, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[current] = min(low[current], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[current])
            if low[current] == index[current]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == current:
                        break
                if len(component) > 1:
                    components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(components)


def describe(component: list[str], edges: Iterable[Edge], kinds: set[str]) -> list[str]:
    """The imports that hold a cycle together: ``source:line -> target (kind)``."""
    members = set(component)
    return sorted(
        f"{e.source}:{e.line} -> {e.target} ({e.kind})"
        for e in edges
        if e.kind in kinds and e.source in members and e.target in members
    )


def main() -> int:
    edges = import_edges()
    for title, kinds in (
        ("import-time (top-level) imports", {"top"}),
        ("with imports inside functions", {"top", "function"}),
        ("with TYPE_CHECKING imports too", {"top", "function", "typing"}),
    ):
        found = cycles(edges, kinds)
        print(f"== Cycles, {title}: {len(found)}")
        for component in found:
            print("  " + ", ".join(component))
            for line in describe(component, edges, kinds):
                print("      " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
