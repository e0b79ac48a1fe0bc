"""``knotmeter store``: where the session store is, and ``--check`` whether it is sound.

Opens the file read-only: checking never changes it. A damaged store exits 2 with
one line saying what to do; moving the file aside keeps a copy for recovery tools
(``sqlite3 FILE .recover``) and lets the next session start a fresh one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from knotmeter.errors import BadInput


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="check every page and index of the store (read-only) and count what it holds",
    )


def run(args: argparse.Namespace) -> int:
    from knotmeter.store import SessionStore, StoreDamaged, default_db_path

    path = default_db_path()
    if not path.exists():
        print(f"no store yet: the first session creates {path}")
        return 0
    if not args.check:
        print(f"{path} ({path.stat().st_size / 1e6:.1f} MB); --check checks it")
        return 0
    try:
        with SessionStore(path, read_only=True) as store:
            report = store.check()
    except StoreDamaged as err:
        raise _damaged(path, err.detail) from None
    if not report.ok:
        raise _damaged(path, " ".join("; ".join(report.problems).split()))
    print(
        f"{path}: ok (store version {report.version}; {report.sessions} sessions, "
        f"{report.open_sessions} open; {report.holds} holds; {report.samples} samples)"
    )
    return 0


def _damaged(path: Path, detail: str) -> BadInput:
    return BadInput(
        f"the session store {path} is damaged ({detail}): move it aside "
        f"(mv {path} {path}.damaged keeps a copy) and the next session starts afresh"
    )
