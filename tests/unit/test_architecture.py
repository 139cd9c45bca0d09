"""Rules of the layout that import-linter cannot express (it sees only top-level packages)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_printing_never_imports_qtwidgets() -> None:
    imports = {path: _imported_names(path) for path in (ROOT / "printing").rglob("*.py")}
    offenders = {
        str(path.relative_to(ROOT)): sorted(name for name in names if "QtWidgets" in name)
        for path, names in imports.items()
        if any("QtWidgets" in name for name in names)
    }
    assert offenders == {}


def test_the_rule_sees_a_qtwidgets_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6 import QtGui, QtWidgets\n")
    assert "PySide6.QtWidgets" in _imported_names(sample)


def test_the_top_level_is_the_one_of_the_architecture() -> None:
    for name in ("kiosk", "ui", "db", "printing", "protocol", "regional", "resources", "tests"):
        assert (ROOT / name / "__init__.py").exists(), name
    for name in ("pyproject.toml", "README.md", ".ci/run", "db/migrations/env.py"):
        assert (ROOT / name).exists(), name
