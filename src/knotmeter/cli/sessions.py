"""``knotmeter sessions``: the sittings in the store, one line each.

Only sessions on a real tool by default: a simulated tool or a replay is not the
person's history, and when shown (``--all``) each is labelled as what it is.
``--json`` gives one line per session.
"""

from __future__ import annotations

import argparse
import json
import time

from knotmeter.cli.history import parse_days
from knotmeter.core.records import seconds
from knotmeter.history import duration_text
from knotmeter.store import SourceKind, default_db_path
from knotmeter.store.reads import DEVICE_ONLY, SessionSummary, days_before, reading, sessions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", default="14", metavar="N", help="how far back (default 14)")
    parser.add_argument(
        "--all", action="store_true", help="include simulated and replayed sessions (labelled)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON line per session")


def session_line(s: SessionSummary) -> str:
    """The session as one line of the list (the app's list shows the same fields)."""
    start = s.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    label = f"  [{s.label}]" if s.label else ""
    return (
        f"{s.id:>5}  {start}  {duration_text(s.duration_s):>8}  {f'{s.complete}/{s.holds}':>5}"
        f"  {s.alarms:>6}  {', '.join(s.points)}  ({s.source}){label}"
    )


HEADER = f"{'id':>5}  {'start':<16}  {'length':>8}  {'holds':>5}  {'alarms':>6}  points (source)"


def session_record(s: SessionSummary) -> dict[str, object]:
    return {
        "id": s.id,
        "started_at": s.started_at.isoformat(),
        "ended_at": None if s.ended_at is None else s.ended_at.isoformat(),
        "duration_s": seconds(s.duration_s),
        "source": s.source,
        "kind": s.kind.value,
        "points": list(s.points),
        "samples": s.samples,
        "holds": s.holds,
        "complete_holds": s.complete,
        "alarms": s.alarms,
        "light_profile": s.light_profile,
        "cleared_by_clinician": s.cleared_by_clinician,
    }


def run(args: argparse.Namespace) -> int:
    days_back = parse_days(args.days)
    path = default_db_path()
    if not path.exists():
        print(f"no sessions yet: the first one creates {path}")
        return 0
    kinds = tuple(SourceKind) if args.all else DEVICE_ONLY
    with reading(path) as conn:
        found = sessions(conn, since=days_before(time.time(), days_back), kinds=kinds)
    if args.json:
        for s in found:
            print(json.dumps(session_record(s)))
        return 0
    if not found:
        hint = "" if args.all else " on a real tool (--all shows simulated and replayed ones)"
        print(f"no sessions in the last {days_back:g} days{hint}")
        return 0
    print(HEADER)
    for s in found:
        print(session_line(s))
    return 0
