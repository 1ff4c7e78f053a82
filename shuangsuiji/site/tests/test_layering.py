"""The layers (docs/architecture.md, "Layers"): ``lottery`` is pure (its own test_purity checks the standard
library only); ``common`` is the ground floor and imports no project app; the domain apps never import the
``site`` app above them. Imports anywhere in a module count, also those inside functions. Tests and test
helpers (``tests/``, ``testing.py``) may reach across: they exercise the whole site."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DOMAIN = ("accounts", "items", "directory", "inspectors", "draws", "plans", "results", "clues", "credit", "meeting", "portal")


def _runtime_modules(package: str):
    for path in sorted((PROJECT / package).rglob("*.py")):
        relative = path.relative_to(PROJECT)
        if "tests" in relative.parts or path.name == "testing.py" or "migrations" in relative.parts:
            continue
        yield relative, path


def _project_imports(path: Path) -> set[str]:
    """Absolute names of the project modules ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = ["shuangsuiji", *path.relative_to(PROJECT).with_suffix("").parts]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
        else:
            continue
        found |= {n for n in names if n == "shuangsuiji" or n.startswith("shuangsuiji.")}
    return found


def test_common_imports_no_project_app():
    wrong = []
    for relative, path in _runtime_modules("common"):
        for name in sorted(_project_imports(path)):
            if not name.startswith("shuangsuiji.common"):
                wrong.append(f"{relative} imports {name}")
    assert not wrong, "common is the ground floor:\n" + "\n".join(wrong)


def test_domain_apps_do_not_import_the_site_app():
    wrong = [f"{relative} imports {name}" for app in DOMAIN for relative, path in _runtime_modules(app)
             for name in sorted(_project_imports(path)) if name.startswith("shuangsuiji.site")]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_relative_and_function_level_imports(tmp_path, monkeypatch):
    """The rule is only as good as its parser: a relative import and one inside a function are both found."""
    package = tmp_path / "common"
    package.mkdir()
    module = package / "probe.py"
    module.write_text("from ..directory import models\n\ndef f():\n    from shuangsuiji.site import views\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["PROJECT"]), "PROJECT", tmp_path)
    assert _project_imports(module) == {"shuangsuiji.directory", "shuangsuiji.site"}
