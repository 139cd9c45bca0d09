"""PySide6's import hook skips reading sources (``ui.pyside_imports``), which is safe only
while no module of the application switches a PySide ``__feature__``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_no_module_of_the_application_uses_a_pyside_feature() -> None:
    packages = ("ui", "printing", "kiosk", "db", "protocol", "regional")
    users = [
        str(path.relative_to(ROOT))
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "__feature__" in path.read_text(encoding="utf-8") and path.name != "pyside_imports.py"
    ]
    assert users == []


def test_modules_imported_after_it_are_not_read_again_by_the_hook() -> None:
    """In a fresh process: a module imported after ``skip_feature_scan`` is marked as not
    using PySide's features without its source being read."""
    script = """
import inspect, sys
from ui.pyside_imports import skip_feature_scan
skip_feature_scan()
read = []
original = inspect.getsource
inspect.getsource = lambda obj: read.append(obj) or original(obj)
import json.tool, xml.dom.minidom  # not imported before
from shibokensupport import feature
print(len(read), feature.pyside_feature_dict.get("xml.dom"))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split() == ["0", "-1"]
