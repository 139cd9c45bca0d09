"""PySide6's import hook, made cheap for this application.

Importing PySide6 replaces Python's ``__import__`` with a hook that serves PySide's opt-in
``from __feature__ import snake_case, true_property``: after every later import it reads
the new module's whole source (``inspect.getsource``) to learn whether it mentions PySide6.
At start-up that is some 130 modules and 30 to 40 ms on this machine. BAOM Desk uses no
``__feature__`` (``tests/unit/ui/test_pyside_imports.py`` checks), so every module may be
taken as not using one: switching features would still work for a module that imports
``__feature__``, which records its own choice.
"""

from __future__ import annotations

from types import ModuleType


def _uses_no_feature(_module: ModuleType) -> bool:
    return False


def skip_feature_scan() -> None:
    """Import PySide6 and let its import hook skip reading each new module's source."""
    import PySide6.QtCore  # noqa: F401  (installs the hook)

    try:
        from shibokensupport import feature
    except ImportError:  # another PySide6 layout: keep its hook as it is
        return
    if hasattr(feature, "_mod_uses_pyside"):
        feature._mod_uses_pyside = _uses_no_feature
