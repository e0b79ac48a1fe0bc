"""The README names every command and every option the parser takes, and no other."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from knotmeter.cli import build_parser

README = Path(__file__).parents[2] / "README.md"


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """Long options a person types (help and version are argparse's own)."""
    return {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option not in {"--help", "--version"}
    }


PARSER = build_parser()
COMMANDS = _commands(PARSER)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_its_row_in_the_command_table(command: str) -> None:
    assert re.search(rf"^\| `knotmeter {command}\b", README.read_text(), re.MULTILINE), (
        f"README's command table has no row for `knotmeter {command}`"
    )


def _sub_commands() -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command's parser, a command's own sub-commands too (``sim serial``)."""
    found = [(name, parser) for name, parser in COMMANDS.items()]
    for name, parser in list(found):
        found += [(f"{name} {sub}", p) for sub, p in _commands(parser).items()]
    return found


@pytest.mark.parametrize(("command", "parser"), _sub_commands(), ids=lambda v: str(v)[:20])
def test_every_option_of_a_command_is_in_the_readme(
    command: str, parser: argparse.ArgumentParser
) -> None:
    rows = _rows_of(README.read_text(), command)
    options = _options(parser)
    if "the dashboard options" in rows:  # checked by the dashboard's own test below
        options -= _options(PARSER)
    missing = sorted(o for o in options if not re.search(rf"(?<![\w-]){o}\b", rows))
    assert not missing, f"README's row for `knotmeter {command}` does not name {missing}"


def test_every_dashboard_option_is_in_the_readme() -> None:
    text = README.read_text()
    missing = sorted(option for option in _options(PARSER) if option not in text)
    assert not missing, f"dashboard options missing from README: {missing}"


def _rows_of(text: str, command: str) -> str:
    """The command table's rows for ``command`` (where its options are listed)."""
    return "\n".join(
        line for line in text.splitlines() if line.startswith(f"| `knotmeter {command}")
    )
