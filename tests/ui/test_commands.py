"""One command table: the bindings, the palette, the help card and the README agree."""

from __future__ import annotations

from pathlib import Path

from knotmeter.ui.commands import COMMANDS, bindings, help_keys, readme_keys
from knotmeter.ui.screens.help import HELP_TEXT
from knotmeter.ui.screens.live import LiveScreen

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
