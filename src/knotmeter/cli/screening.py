"""``knotmeter screening``: the questions asked before coaching, on the command line.

Asks each item yes or no and records the answers (what the dashboard would ask at its
first session); an emergency sign says "seek care today" and nothing here lifts it; a red
flag asks who cleared you and on which day (typed; refused in one line when empty, in the
future or older than 7 days); ``--none-apply`` prints every item and records that none
applies, for someone who has read the list and for scripted use; ``--show`` prints the
stored answers and when they are asked again.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from knotmeter.core.clearance import Clearance, ClearanceRefused, parse_clearance
from knotmeter.core.screening import ITEMS, VALID_DAYS, ScreeningItem
from knotmeter.errors import BadInput
from knotmeter.store import ScreeningRecord, SessionStore, default_db_path

YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--none-apply",
        action="store_true",
        help="print every item and record that none of them applies to you",
    )
    what.add_argument(
        "--show", action="store_true", help="print the stored answers and when they expire"
    )


def ask(question: str) -> bool:
    """One yes/no answer from stdin.

    Raises:
        BadInput: end of input, or an answer other than y/yes/n/no.
    """
    try:
        reply = input(f"{question} [y/n] ").strip().lower()
    except EOFError:
        raise BadInput(
            "screening: input ended before every item was answered; nothing recorded "
            "(answer each with y or n, or use --none-apply)"
        ) from None
    if reply in YES:
        return True
    if reply in NO:
        return False
    raise BadInput(f"screening: answer {reply[:20]!r} is not y or n; nothing recorded")


def _typed(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        raise BadInput(
            "screening: input ended before the clearance was typed; nothing recorded"
        ) from None


def ask_clearance() -> Clearance | None:
    """Who cleared the person and on which day, or ``None`` if no one has.

    Raises:
        BadInput: a clearance that is empty, not a date, in the future or too old.
    """
    if not ask("Has a doctor or physiotherapist cleared you to press on trigger points?"):
        return None
    who = _typed("Who cleared you? ")
    on = _typed("On which day (YYYY-MM-DD)? ")
    clearance = parse_clearance(who, on, datetime.now(UTC).date())
    if isinstance(clearance, ClearanceRefused):
        raise BadInput(f"screening: {clearance.words}; nothing recorded")
    return clearance


def _line(item: ScreeningItem, applies: bool | None = None) -> str:
    answer = "" if applies is None else f"  {'yes' if applies else 'no'}"
    return f"  [{item.tier}] {item.question}{answer}"


def _record(record: ScreeningRecord) -> None:
    with SessionStore() as store:
        store.save_screening(record)
    for line in record.outcome.advice:
        print(line)
    print(
        f"Recorded; the acute items are asked every sitting, the rest after {VALID_DAYS} "
        "days (`knotmeter screening --show`)."
    )


def _show() -> int:
    path = default_db_path()
    record = None
    if path.exists():
        with SessionStore(path) as store:
            record = store.latest_screening()
    if record is None:
        print("no screening answers stored: `knotmeter screening` asks them")
        return 0
    now = datetime.now(UTC)
    expires = (record.all_answered_at or record.answered_at) + timedelta(days=VALID_DAYS)
    state = "current" if record.current(now) else "expired: asked again"
    print(f"answered {record.answered_at.astimezone():%Y-%m-%d %H:%M}, {state}")
    print(f"expires {expires.astimezone():%Y-%m-%d}")
    for item in ITEMS:
        print(_line(item, record.answers.get(item.id)))
    if record.clearance is not None:
        print(
            f"cleared by {record.clearance.who} on {record.clearance.on} "
            f"(holds until {record.clearance.expires})"
        )
    if not record.complete:
        print("the questions have changed since: they are all asked again")
        return 0
    for line in record.outcome_at(now).advice:
        print(line)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.show:
        return _show()
    if args.none_apply:
        for item in ITEMS:
            print(_line(item))
        print("None of these applies: recorded.")
        _record(ScreeningRecord(datetime.now(UTC), {item.id: False for item in ITEMS}))
        return 0
    answers = {item.id: ask(item.question) for item in ITEMS}
    outcome = ScreeningRecord(datetime.now(UTC), answers).outcome
    clearance = None
    if outcome.red_flags and not outcome.emergency:
        clearance = ask_clearance()
    _record(ScreeningRecord(datetime.now(UTC), answers, clearance is not None, clearance))
    return 0
