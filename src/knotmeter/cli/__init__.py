"""Command line: ``knotmeter`` (the dashboard) and its subcommands.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; heavy imports happen inside ``run`` so ``knotmeter --help``
and ``knotmeter analyze`` stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import version
from types import ModuleType

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
    "report": "the last two weeks as an HTML or PDF report a clinician can read",
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"knotmeter.cli.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    command = next((arg for arg in argv if arg in commands), None)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args_list = sys.argv[1:] if argv is None else list(argv)
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
