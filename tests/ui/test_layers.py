"""The screens read the session's view of things, never what it is built from.

``knotmeter/ui/`` may not reach through the session to its pipeline or its source
(``session.pipeline.config``, ``session.source.stats``), nor import the link layer
(``firmware_host``): link state comes from :mod:`knotmeter.session`. An import-linter
contract cannot say this (the session itself imports the link layer, so every UI
module reaches it indirectly), hence a look at the source itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import knotmeter.ui

UI_DIR = Path(knotmeter.ui.__file__).parent
HIDDEN_PARTS = frozenset({"pipeline", "source"})
LINK_LAYER = ("firmware_host", "hardware_sims")


def _ui_modules() -> list[Path]:
    return sorted(UI_DIR.rglob("*.py"))


def _reaches(node: ast.AST) -> str | None:
    """``session.pipeline`` or ``….session.source``: the hidden part's name, else ``None``."""
    if not isinstance(node, ast.Attribute) or node.attr not in HIDDEN_PARTS:
        return None
    owner = node.value
    named = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
    return node.attr if named == "session" else None


def _imports(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module is not None:
        return [node.module]
    return []


def test_there_are_ui_modules_to_check() -> None:
    assert len(_ui_modules()) > 10


def test_the_ui_never_reaches_through_the_session() -> None:
    found = []
    for path in _ui_modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            part = _reaches(node)
            if part is not None:
                found.append(f"{path.relative_to(UI_DIR)}:{node.lineno}: session.{part}")  # type: ignore[attr-defined]
    assert found == []


def test_the_ui_learns_link_state_from_the_session() -> None:
    found = []
    for path in _ui_modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            for module in _imports(node):
                if module.split(".")[0] in LINK_LAYER:
                    found.append(f"{path.relative_to(UI_DIR)}:{node.lineno}: {module}")  # type: ignore[attr-defined]
    assert found == []


def test_the_check_sees_a_reach_through() -> None:
    """The checker itself: it would catch the two forms the screens used to write."""
    for code in ("self.session.pipeline.config", "session.source.stats"):
        tree = ast.parse(code)
        assert any(_reaches(node) for node in ast.walk(tree)), code
