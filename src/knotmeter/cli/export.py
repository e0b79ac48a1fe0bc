"""``knotmeter export``: sessions out of the store as CSV tables or JSON lines.

One session (``--session ID``, whatever its kind) or the last ``--days N`` (real
tools only unless ``--all``). The output path must not exist: nothing is
overwritten, and an interrupted export leaves nothing under that name.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from knotmeter.cli.history import parse_days
from knotmeter.errors import BadInput, KnotmeterError
from knotmeter.export import ExportFormat, check_target, export
from knotmeter.store import SourceKind, default_db_path
from knotmeter.store.reads import DEVICE_ONLY, days_before, reading, session, sessions

MAX_SESSION_ID = 2**63 - 1  # SQLite's largest rowid


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--session", metavar="ID", help="one session (ids: knotmeter sessions)")
    which.add_argument("--days", metavar="N", help="sessions of the last N days (default 14)")
    parser.add_argument(
        "--all", action="store_true", help="with --days: include simulated and replayed sessions"
    )
    parser.add_argument(
        "--format",
        default="csv",
        choices=[str(f) for f in ExportFormat],
        help="csv: a folder of tables with a README.txt; json: one object per line",
    )
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="PATH", help="new")


def _session_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise BadInput(
            f"--session: {text!r} is not a session id (knotmeter sessions lists them)"
        ) from None
    if not 1 <= value <= MAX_SESSION_ID:
        raise BadInput(f"--session: {text} is not a session id (ids start at 1)")
    return value


def run(args: argparse.Namespace) -> int:
    session_id = None if args.session is None else _session_id(args.session)
    days_back = parse_days(args.days or "14")
    fmt = ExportFormat(args.format)
    target: Path = args.output
    check_target(target)
    path = default_db_path()
    if not path.exists():
        raise KnotmeterError(f"nothing to export: no session store at {path} yet")
    with reading(path) as conn:
        if session_id is not None:
            one = session(conn, session_id)
            if one is None:
                raise BadInput(f"--session: no session {session_id} in {path}")
            chosen = [one]
        else:
            kinds = tuple(SourceKind) if args.all else DEVICE_ONLY
            chosen = sessions(conn, since=days_before(time.time(), days_back), kinds=kinds)
            if not chosen:
                hint = "" if args.all else " on a real tool (--all adds simulated and replayed)"
                raise KnotmeterError(
                    f"nothing to export: no sessions in the last {days_back:g} days{hint}"
                )
        counts = export(conn, chosen, target, fmt)
    print(f"{target}: {counts.describe()}")
    return 0
