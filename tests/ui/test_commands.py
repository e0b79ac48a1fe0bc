"""One command table: the bindings, the palette, the help card and the README agree."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from knotmeter.core.modes import Mode
from knotmeter.core.tools import Tool
from knotmeter.ui.commands import (
    COMMANDS,
    LiveCommands,
    bindings,
    help_keys,
    palette,
    readme_keys,
)
from knotmeter.ui.screens.help import HELP_TEXT
from knotmeter.ui.screens.live import LiveScreen

if TYPE_CHECKING:
    from tests.ui.conftest import Rig

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_lists_the_keys_of_the_command_table() -> None:
    text = README.read_text()
    start = text.index("<!-- keys:")
    start = text.index("\n", start) + 1
    end = text.index("<!-- /keys -->")
    assert text[start:end].rstrip("\n") == readme_keys(), (
        "README's key list is out of date: paste knotmeter.ui.commands.readme_keys()"
    )


def test_every_command_is_bound_and_explained() -> None:
    keys = {binding.key for binding in bindings()}
    assert bindings() == LiveScreen.BINDINGS
    for command in COMMANDS:
        assert command.key in keys
        assert command.text in help_keys()
    assert help_keys() in HELP_TEXT
    assert {str(n) for n in range(10)} <= keys


def test_quit_and_help_lead_the_footer() -> None:
    shown = [binding.key for binding in bindings() if binding.show]
    assert shown[:2] == ["q", "question_mark"]


async def test_the_palette_is_built_from_the_one_table(rig: Rig) -> None:
    """The live screen's palette comes from ``ui/commands.py`` only (its provider): every
    palette command, every tool, mode and point, and the point's band for the tool in use."""
    async with rig.app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert LiveCommands in type(rig.screen).COMMANDS
        titles = {entry.title: entry for entry in palette(rig.screen)}
        assert {c.label for c in COMMANDS if c.palette} - {"Next", "Back"} <= set(titles)
        assert {f"Tool: {tool}" for tool in Tool} <= set(titles)
        assert {f"Mode: {mode}" for mode in Mode} <= set(titles)
        masseter = titles["Treat: Masseter"]
        assert not masseter.discover
        assert masseter.help.startswith("band 8-15 N")
        rig.session.set_tool(Tool.HOOK)
        trapezius = {e.title: e for e in palette(rig.screen)}["Treat: Upper trapezius"]
        assert trapezius.help.startswith("band 21-35 N")  # the hook's, not the ball's
