"""Command line: ``knotmeter`` (the dashboard) and its subcommands.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; heavy imports happen inside ``run`` so ``knotmeter --help``
and ``knotmeter analyze`` stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

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
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"knotmeter.cli.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knotmeter",
        description="Live pressure coaching for an instrumented trigger-point massage tool.",
    )
    dashboard = _module("dashboard")
    dashboard.add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in SUBCOMMANDS.items():
        child = sub.add_parser(name, help=summary, description=summary)
        _module(name).add_arguments(child)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
        # The reader left (``| head``): not a failure; point stdout at nothing so the
        # interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
