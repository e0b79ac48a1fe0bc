"""``knotmeter serve``: coach a tool without the terminal screen; the live page shows it.

The session is the dashboard's, headless: the same store, targets and screening rule. The
screening cannot be asked here, so the stored answers must be current and allow
coaching (``knotmeter screening`` records them); otherwise one line says what to do.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from knotmeter.cli.dashboard import DEFAULT_REGION, ViewOptions
from knotmeter.core.errors import CoachInputError
from knotmeter.core.tools import Tool
from knotmeter.errors import BadInput
from knotmeter.store import ScreeningRecord, SessionStore

if TYPE_CHECKING:
    from knotmeter.serve import PageServer
    from knotmeter.session import Session

STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        metavar="MONIKER",
        required=True,
        help="the tool: serial:/dev/ttyACM0, ble:NAME, sim:PROFILE, file:trace.csv",
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where the page listens (default 127.0.0.1:8765 or the next free port; "
        "0.0.0.0:PORT for a phone on the network)",
    )
    point = parser.add_mutually_exclusive_group()
    point.add_argument(
        "--region", metavar="ID", help=f"point being treated (default {DEFAULT_REGION})"
    )
    point.add_argument("--plan", metavar="ID", help="follow a routine (`knotmeter plans`)")
    parser.add_argument(
        "--tool",
        choices=[tool.value for tool in Tool],
        help="what you press with: ball, hook or thumb (default ball, or each routine point's)",
    )
    # The dashboard's other view options keep their defaults: the page shows newtons.
    parser.set_defaults(
        unit="N", area=None, target=None, screenshot_dir=None, flare=False, sound="off"
    )


def current_screening(store: SessionStore) -> ScreeningRecord:
    """The stored answers, if current and coaching is allowed.

    Raises:
        BadInput: none stored, too old, or they rule self-treatment out.
    """
    record = store.latest_screening()
    if record is None or not record.current(datetime.now(UTC)):
        raise BadInput(
            "serve: no current screening answers (asked every 30 days); answer them with "
            "`knotmeter screening` (or in the dashboard), then start serve again"
        )
    if not record.outcome.coaching:
        raise BadInput(
            "serve: your screening answers rule out pressing without a clinician's clearance "
            "(`knotmeter screening --show` says why)"
        )
    return record


def run(args: argparse.Namespace) -> int:
    from knotmeter.serve import DEFAULT_LISTEN, PageServer, announcement, bind, parse_listen
    from knotmeter.session import Session
    from knotmeter.sources import open_source

    view = ViewOptions.from_args(args)
    listen = DEFAULT_LISTEN if args.listen is None else parse_listen(args.listen)
    start = view.start()
    with SessionStore() as store:
        screening = current_screening(store)
        sock = bind(listen)  # a busy port: exit 2 before a source is opened
        try:
            session = Session(
                open_source(args.source),
                start,
                store=store,
                hold_target_s=view.target_s,
                plan=view.plan,
                screening=screening,  # a light profile that rules a point out: refused here
            )
        except CoachInputError as err:
            sock.close()
            raise BadInput(f"serve: {err}") from None
        except Exception:
            sock.close()
            raise
        server = PageServer(sock)
        print(announcement(server.url, exposed=not listen.loopback), flush=True)
        asyncio.run(_serve(session, server))
    health = session.store_health
    note = None if health is None else health.unsaved()
    if note is not None:
        print(f"knotmeter: {note}", file=sys.stderr)
    return 0


async def _serve(session: Session, server: PageServer) -> None:
    """Serve until the source ends or a signal says stop; the session and the server are
    closed whatever happens."""
    from knotmeter.serve import report_refusals

    stop_reporting = report_refusals(lambda line: print(line, file=sys.stderr, flush=True))
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for number in STOPPING_SIGNALS:
        loop.add_signal_handler(number, stopping.set)
    try:
        await server.start()
        server.attach(session)
        running = asyncio.create_task(session.run())
        stopped = asyncio.create_task(stopping.wait())
        await asyncio.wait((running, stopped), return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if running.done():
            running.result()  # the source's own failure, as one line
    finally:
        await session.close()
        await server.stop()
        stop_reporting()
