"""Equality data is for equality monitoring only: assessment and funding code cannot reach it.

Checked statically: no module of the assessment and funding apps imports the equality app (by import
statement, ``import_module``/``__import__``, ``apps.get_model`` or a lazy model reference), only
equality's own modules and migrations import ``equality.models``, and no assessment or funding template
reads an equality field. The one exception is the legacy portal import, which writes imported answers.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEPARATED_APPS = ("programmes", "portfolios", "reviews", "funding", "forums")
# The legacy portal import writes the equality answers it imports (its only use of the app).
LEGACY_IMPORT = ROOT / "programmes" / "legacy_import.py"
NOT_PROJECT_CODE = {".venv", "node_modules", ".git", "__pycache__", "static", "tests"}
EQUALITY_NAME = re.compile(r"^equality(\.[A-Za-z_]\w*)*$")
DYNAMIC_IMPORTERS = {"import_module", "__import__", "get_model", "get_app_config", "get_models"}
EQUALITY_FIELDS = re.compile(
    r"\b(gender|age_band|ethnic_group|ethnicity_detail|ethnicity|nationality|disability"
    r"|equalitymonitoring|equality_monitoring|equality)\b",
    re.IGNORECASE,
)
TEMPLATE_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def python_files(*tops: Path):
    for top in tops:
        for path in sorted(top.rglob("*.py")):
            if not NOT_PROJECT_CODE & set(path.relative_to(ROOT).parts):
                yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, path: Path) -> str:
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def referenced_modules(path: Path) -> set[str]:
    """Every module the file imports, and every equality name it hands to Django to load dynamically."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, path)
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in DYNAMIC_IMPORTERS and node.args and isinstance(node.args[0], ast.Constant):
                names.add(str(node.args[0].value))
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and EQUALITY_NAME.match(node.value)
        ):
            names.add(node.value)  # lazy references such as ForeignKey("equality.EqualityMonitoring")
    return names


def is_equality(name: str) -> bool:
    return name == "equality" or name.startswith("equality.")


def is_equality_models(name: str) -> bool:
    return name == "equality.models" or name.startswith("equality.models.")


def test_assessment_and_funding_code_never_imports_equality():
    checked, offenders = 0, []
    for path in python_files(*(ROOT / app for app in SEPARATED_APPS)):
        checked += 1
        if path == LEGACY_IMPORT:
            continue
        found = sorted(name for name in referenced_modules(path) if is_equality(name))
        if found:
            offenders.append(f"{path.relative_to(ROOT)}: {', '.join(found)}")
    assert checked > 10, "expected to find the apps' modules"
    assert offenders == []


def test_only_equality_itself_and_the_legacy_import_read_equality_models():
    allowed_top = ROOT / "equality"
    offenders = []
    for path in python_files(ROOT):
        if path == LEGACY_IMPORT or allowed_top in path.parents or "migrations" in path.parts:
            continue
        if any(is_equality_models(name) for name in referenced_modules(path)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_checker_sees_every_way_of_importing(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "import equality.models\n"
        "from equality import selectors\n"
        "from equality.models import EqualityMonitoring\n"
        "apps.get_model('equality', 'EqualityMonitoring')\n"
        "importlib.import_module('equality.selectors')\n"
        "models.ForeignKey('equality.EqualityMonitoring', on_delete=None)\n",
        encoding="utf-8",
    )
    names = referenced_modules(source)
    assert {"equality.models", "equality.selectors", "equality", "equality.EqualityMonitoring"} <= names
    assert is_equality_models("equality.models.EqualityMonitoring")


# Template folders named after their pages rather than their app.
EXTRA_TEMPLATE_FOLDERS = {"programmes": ("support", "programmes_upload")}


def template_files():
    for app in SEPARATED_APPS:
        folders = [ROOT / "templates" / name for name in (app, *EXTRA_TEMPLATE_FOLDERS.get(app, ()))]
        for top in (*folders, ROOT / app / "templates"):
            if top.exists():
                yield from sorted(p for p in top.rglob("*") if p.is_file())


def equality_references(text: str) -> list[str]:
    """Equality names used in template tags; quoted strings (url names, labels) are not reads."""
    found = []
    for match in TEMPLATE_TAG.finditer(text):
        code = QUOTED.sub("", match.group(1) or match.group(2))
        found += [m.group(0) for m in EQUALITY_FIELDS.finditer(code)]
    return found


def test_no_assessment_or_funding_template_reads_equality_fields():
    offenders = []
    for path in template_files():
        found = equality_references(path.read_text(encoding="utf-8", errors="replace"))
        if found:
            offenders.append(f"{path.relative_to(ROOT)}: {', '.join(sorted(set(found)))}")
    assert offenders == []


def test_the_template_checker_sees_field_reads_but_not_links():
    assert equality_references("{{ registration.equality.gender }}") == ["equality", "gender"]
    assert equality_references("{% if nqsw.disability == 'yes' %}") == ["disability"]
    assert equality_references("{% url 'equality:mine' %} <p>Equality and disability</p>") == []
