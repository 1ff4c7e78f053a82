"""The engine imports nothing but the standard library (and py_ecc lazily, inside beacon functions)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
# _sha2 is 3.12+'s name of 3.11's built-in _sha256 (sampling.py tries both).
STDLIB = set(sys.stdlib_module_names) | {"_sha2", "_sha256"}


def _imports(tree: ast.Module) -> list[tuple[str, ast.AST, bool]]:
    """Return (module name, node, executed at import time?) for every import in a module."""
    found: list[tuple[str, ast.AST, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((alias.name, node, not in_function) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append(("." * node.level + (node.module or ""), node, not in_function))
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for name, node, top in _imports(tree):
        root = name.split(".")[0]
        where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')} imports {name}"
        if name.startswith("."):
            continue  # relative: inside shuangsuiji.lottery
        if root == "django":
            out.append(where + " (Django is forbidden in the engine)")
        elif root == "shuangsuiji":
            if not (name == "shuangsuiji.lottery" or name.startswith("shuangsuiji.lottery.")):
                out.append(where + " (only shuangsuiji.lottery.* may be imported)")
        elif root == "py_ecc":
            if path.name != "beacon.py" or top:
                out.append(where + " (py_ecc only lazily, inside functions of beacon.py)")
        elif root not in STDLIB and root != "__future__":
            out.append(where + " (not in the standard library)")
    return out


def _engine_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts)


def test_every_engine_module_imports_only_the_standard_library_and_the_engine() -> None:
    modules = _engine_modules()
    assert PACKAGE / "sampling.py" in modules and PACKAGE / "dist" / "verify_draw.py" in modules
    problems = [v for p in modules for v in _violations(p)]
    assert problems == []


def test_the_purity_check_catches_forbidden_imports(tmp_path: Path) -> None:
    bad = PACKAGE / "beacon.py"
    fake = tmp_path / "beacon.py"
    fake.write_text(
        "import django.db\nfrom shuangsuiji.common import models\nimport numpy\nimport py_ecc\n"
        "from shuangsuiji.lottery import tickets\n\ndef f():\n    import py_ecc.bls\n"
    )
    found = [v.split(" imports ")[1] for v in _violations_at(fake)]
    assert found == [
        "django.db (Django is forbidden in the engine)",
        "shuangsuiji.common (only shuangsuiji.lottery.* may be imported)",
        "numpy (not in the standard library)",
        "py_ecc (py_ecc only lazily, inside functions of beacon.py)",
    ]
    assert bad.exists()


def _violations_at(path: Path) -> list[str]:
    """Run the check on a file outside the package (as if it were beacon.py)."""
    global PACKAGE
    saved, PACKAGE = PACKAGE, path.parent
    try:
        return _violations(path)
    finally:
        PACKAGE = saved
