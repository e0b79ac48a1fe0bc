"""Command line: ``knotmeter`` (the dashboard) and its subcommands.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; heavy imports happen inside ``run`` so ``knotmeter --help``
and ``knotmeter analyze`` stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Collection, Sequence
from importlib.metadata import version
from types import ModuleType
from typing import NoReturn

from knotmeter.cli.logfile import log_to_data_dir
from knotmeter.cli.pipes import quiet_closed_pipe
from knotmeter.core.errors import CoachInputError
from knotmeter.errors import KnotmeterError

SUBCOMMANDS: dict[str, str] = {
    "analyze": "run the live pipeline over a recorded trace and report zones, holds, alarms",
    "record": "capture samples from a tool to a CSV trace, without the dashboard",
    "devices": "list serial ports and BLE tools, marking knotmeter tools",
    "sim": "serve a simulated tool (serial pty or simulated BlueZ)",
    "replay": "run the dashboard on a recorded trace",
    "history": "holds per point and day over the last two weeks: force, time in band, pain",
    "plans": "the routines the coach walks through: points, holds and follow-up moves",
    "sessions": "the sittings in the store: when, how long, points, holds, alarms",
    "export": "sessions as CSV tables or JSON lines: samples, holds, alarms, pain ratings",
    "screening": "the questions before coaching: who should not self-treat, who goes lighter",
    "store": "where the session store is; --check checks it is sound (read-only)",
    "targets": "your measured bands per point and tool; --reset REGION or --all forgets them",
    "calibrate": "find a raw-count device's newtons per count from a known load, kept per device",
    "serve": "coach a tool headless and show it live on a phone: a web page, read-only",
    "report": "the last two weeks as an HTML or PDF report a clinician can read",
}


_INVALID_CHOICE = re.compile(r"(.+): invalid choice: '(.*)' \(choose from (.*)\)")


class OneLineParser(argparse.ArgumentParser):
    """argparse with the project's bad-input contract: one line naming the option and
    what to do, exit 2, never the multi-line usage. Sub-commands inherit the class
    (``add_subparsers`` makes its parsers of the parent's class), so every command,
    present or future, gets it."""

    def error(self, message: str) -> NoReturn:
        message = message.removeprefix("argument ")
        choice = _INVALID_CHOICE.fullmatch(message)
        if choice is not None:
            name, value, choices = choice.groups()
            message = f"{name}: {value!r} is not one of {choices.replace(chr(39), '')}"
        self.exit(2, f"knotmeter: {message} (see `{self.prog} --help`)\n")


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"knotmeter.cli.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="knotmeter",
        description="Live pressure coaching for an instrumented trigger-point massage tool.",
    )
    parser.add_argument("--version", action="version", version=f"knotmeter {version('knotmeter')}")
    dashboard = _module("dashboard")
    dashboard.add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in SUBCOMMANDS.items():
        child = sub.add_parser(name, help=summary, description=summary)
        _module(name).add_arguments(child)
    return parser


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option ``parser`` takes, its sub-commands' included (``sim serial --link``)."""
    options: set[str] = set()
    for action in parser._actions:
        options.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                options |= _options(child)
    return options


def misplaced_option(parser: argparse.ArgumentParser, argv: Sequence[str]) -> str | None:
    """Why an option cannot go where it was given (an option of another command), or
    ``None``; argparse alone would say "invalid choice" about the option's value."""
    commands: dict[str, argparse.ArgumentParser] = {}
    root: set[str] = set()
    for action in parser._actions:
        root.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            commands = dict(action.choices)
    command = _command(parser, argv, commands)
    here = root if command is None else _options(commands[command])
    for arg in argv:
        name = arg.split("=", 1)[0]
        if not name.startswith("--") or name in here:
            continue
        owners = [cmd for cmd, child in commands.items() if name in _options(child)]
        if name in root and command is not None:
            return f"{name} is an option of the dashboard: use it without a COMMAND"
        if owners:
            takes = " or ".join(f"`knotmeter {owner}`" for owner in owners)
            return f"{name} is an option of {takes}, not of this command"
    return None


def _takes_value(parser: argparse.ArgumentParser) -> set[str]:
    """The options of ``parser`` (its sub-commands' too) that take exactly one value."""
    names: set[str] = set()
    for action in parser._actions:
        if (
            action.option_strings
            and action.nargs is None
            and isinstance(action, argparse._StoreAction)
        ):
            names.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                names |= _takes_value(child)
    return names


def _command(
    parser: argparse.ArgumentParser, argv: Sequence[str], commands: Collection[str]
) -> str | None:
    """The sub-command named in ``argv``: the first word that is not an option's value
    (``--source sim`` names no command: ``sim`` is the value)."""
    valued = _takes_value(parser)
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in valued:
            skip = True
        elif arg in commands:
            return arg
    return None


def values_kept(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``--band -1:60`` as ``--band=-1:60``: argparse takes any word starting with ``-``
    for an option, so an option's negative value would be "expected one argument"
    instead of the value's own check. A known option after an option stays an option."""
    valued, known = _takes_value(parser), _options(parser)
    out: list[str] = []
    for arg in argv:
        previous = out[-1] if out else ""
        if previous in valued and arg.startswith("-") and arg.split("=", 1)[0] not in known:
            out[-1] = f"{previous}={arg}"
        else:
            out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    log_to_data_dir()
    parser = build_parser()
    args_list = values_kept(parser, sys.argv[1:] if argv is None else list(argv))
    problem = misplaced_option(parser, args_list)
    if problem is not None:
        parser.error(problem)
    args = parser.parse_args(args_list)
    command = args.command or "dashboard"
    try:
        code: int = _module(command).run(args)
    except KnotmeterError as err:
        print(f"knotmeter: {err}", file=sys.stderr)
        return err.exit_code
    except CoachInputError as err:
        print(f"knotmeter: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return quiet_closed_pipe()
    return code


if __name__ == "__main__":
    sys.exit(main())
