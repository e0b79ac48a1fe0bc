"""``knotmeter`` itself: the live dashboard on a tool, the simulated tool, or a picker.

``add_arguments`` receives the ROOT parser (these options apply when no
subcommand is given); ``replay`` reuses :func:`add_view_arguments` and
:func:`launch` so a recording is shown exactly like a live tool.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from knotmeter.bounds import bounded
from knotmeter.core.modes import Mode
from knotmeter.core.prescription import Rx
from knotmeter.core.sides import Side
from knotmeter.core.tools import Tool
from knotmeter.core.units import Unit
from knotmeter.errors import BadInput

if TYPE_CHECKING:
    from firmware_host.source import Source
    from knotmeter.core.plans import Plan
    from knotmeter.core.regions import Region
    from knotmeter.serve import PageServer
    from knotmeter.session import Session
    from knotmeter.ui import KnotmeterApp

DEFAULT_PROFILE = "calm"
DEFAULT_REGION = "upper-trapezius"
AREA_RANGE_CM2 = (0.05, 100.0)
"""A fingertip to a palm: contact areas a massage tool can have."""
TARGET_RANGE_S = (1.0, 3600.0)
"""A hold target a person can mean; each point's longest hold bounds it further."""
NO_PLAYER = "Sound off: no aplay or paplay (or set KNOTMETER_AUDIO_PLAYER); alarms still ring"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dashboard (when no COMMAND is given)")
    source = group.add_mutually_exclusive_group()
    source.add_argument(
        "--sim", action="store_true", help="use the simulated tool (labelled SIMULATED)"
    )
    source.add_argument(
        "--source",
        metavar="MONIKER",
        help="open this source: serial:/dev/ttyACM0, ble:NAME, sim:PROFILE, file:trace.csv",
    )
    group.add_argument(
        "--profile",
        metavar="P",
        help=f"press profile of the simulated tool (default {DEFAULT_PROFILE})",
    )
    group.add_argument(
        "--serve",
        nargs="?",
        const="",
        metavar="HOST:PORT",
        help="also show the session on a live web page (default 127.0.0.1:8765 or the next "
        "free port; 0.0.0.0:PORT for a phone on the network); the URL is printed and in "
        "the palette",
    )
    add_view_arguments(group)


def add_view_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """Options shared by every dashboard: the point, the unit and the hold target."""
    point = parser.add_mutually_exclusive_group()
    point.add_argument(
        "--region", metavar="ID", help=f"point being treated (default {DEFAULT_REGION})"
    )
    point.add_argument(
        "--plan",
        metavar="ID",
        help="follow a routine, point by point (`knotmeter plans` lists them)",
    )
    parser.add_argument(
        "--unit",
        type=_unit,
        default="N",
        metavar="UNIT",
        help=f"force unit shown: {', '.join(Unit)} (or kg/cm2); default N",
    )
    parser.add_argument(
        "--area",
        metavar="CM2",
        help="contact area of the tool in cm², enables kPa and kg/cm²",
    )
    parser.add_argument(
        "--target",
        metavar="S",
        help="in-band seconds that complete a hold (default: the region's; at most its longest)",
    )
    parser.add_argument(
        "--screenshot-dir",
        metavar="DIR",
        type=Path,
        help="where the palette's Screenshot saves (default: the current directory)",
    )
    parser.add_argument(
        "--tool",
        choices=[tool.value for tool in Tool],
        help="what you press with: ball, hook or thumb (scales the limits; default ball, "
        "or each routine point's own)",
    )
    parser.add_argument(
        "--flare",
        action="store_true",
        help="a flare-up: the lightest slice of the band, holds (and --target) halved",
    )
    parser.add_argument(
        "--side",
        choices=[side.value for side in Side],
        help="the side of the body you press: holds, ratings and bands are kept under it",
    )
    parser.add_argument(
        "--sound",
        choices=["on", "off"],
        default="on",
        help="cues by ear: in band, over it, too hard, hold complete (default on)",
    )


def _unit(text: str) -> str:
    try:
        return str(Unit(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown unit {text!r}: choose one of {', '.join(Unit)} (or kg/cm2)"
        ) from None


@dataclass(slots=True, frozen=True)
class ViewOptions:
    """The dashboard options after checking them, before anything is opened."""

    region: str
    unit: str
    area_cm2: float | None
    target_s: float | None
    plan: Plan | None
    sound: bool
    screenshot_dir: Path | None = None
    tool: Tool = Tool.BALL
    mode: Mode = Mode.NORMAL
    side: Side | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ViewOptions:
        """Check the options; every problem is one line naming the option."""
        from knotmeter.core.plans import get_plan
        from knotmeter.core.regions import get_region

        plan = None if args.plan is None else get_plan(args.plan)
        region = (
            get_region(args.region or DEFAULT_REGION) if plan is None else plan.points[0].region
        )
        area = None if args.area is None else bounded("--area", args.area, *AREA_RANGE_CM2, "cm²")
        if Unit(args.unit).is_pressure and area is None:
            raise BadInput(
                f"--unit {args.unit} is a pressure: give the tool's contact area with --area CM2"
            )
        target = (
            None if args.target is None else bounded("--target", args.target, *TARGET_RANGE_S, "s")
        )
        if target is not None:
            _check_target(target, plan, region)
        if args.tool is not None and plan is not None:
            raise BadInput(
                "--tool: a routine names the tool for each of its points; leave --tool out "
                "with --plan"
            )
        tool = (
            Tool(args.tool)
            if args.tool is not None
            else (plan.points[0].tool if plan is not None else Tool.BALL)
        )
        screenshot_dir: Path | None = args.screenshot_dir
        if screenshot_dir is not None and not screenshot_dir.is_dir():
            raise BadInput(f"--screenshot-dir {screenshot_dir}: no such directory")
        return cls(
            region.id,
            args.unit,
            area,
            target,
            plan,
            args.sound == "on",
            screenshot_dir,
            tool,
            Mode.FLARE if args.flare else Mode.NORMAL,
            None if args.side is None else Side(args.side),
        )

    def start(self) -> Rx:
        """What the first point is prescribed from: the region (or the routine's first
        point, with its advised hold), the tool and the mode; the user's ``--target``
        goes to the session as its override."""
        first = None if self.plan is None else self.plan.points[0]
        return Rx(
            self.region,
            tool=self.tool,
            hold_s=None if first is None else (first.hold_min_s, first.hold_max_s),
            target_s=None if first is None else first.hold_min_s,
            mode=self.mode,
        )


def _check_target(target_s: float, plan: Plan | None, region: Region) -> None:
    """A hold target is bounded by every point's longest hold (a shorter one than advised
    is allowed: the screen says so)."""
    points = (
        [(p.region.name, p.hold_min_s, p.hold_max_s) for p in plan.points]
        if plan
        else [(region.name, region.hold_min_s, region.hold_max_s)]
    )
    for name, low, high in points:
        if target_s > high:
            raise BadInput(
                f"--target {target_s:g} s is longer than the longest hold for {name} "
                f"({low:g}-{high:g} s); choose {high:g} s or less"
            )


def run(args: argparse.Namespace) -> int:
    view = ViewOptions.from_args(args)
    if args.profile is not None and not args.sim:
        raise BadInput("--profile chooses the simulated tool's press profile: use it with --sim")
    if args.sim:
        moniker: str | None = f"sim:{args.profile or DEFAULT_PROFILE}"
    else:
        moniker = args.source
    return launch(view, moniker, serve=args.serve)


def launch(
    view: ViewOptions,
    moniker: str | None,
    *,
    opener: Callable[[str], Source] | None = None,
    serve: str | None = None,
) -> int:
    """Open the store and the source (or the picker) and run the app until quit.

    ``opener`` turns the moniker into a source (default: the source registry); ``serve``
    (``--serve``: empty for the default address) shows the session on the live page too.
    """
    from knotmeter.session import Session
    from knotmeter.sound import Speaker, follow
    from knotmeter.sources import discover_tools, open_source
    from knotmeter.store import SessionStore
    from knotmeter.ui import ForceFormat, KnotmeterApp

    fmt = ForceFormat(Unit(view.unit), view.area_cm2)
    start = view.start()
    page = None if serve is None else _page_server(serve)  # a busy port: exit 2 here
    with contextlib.ExitStack() as cleanup:
        store = cleanup.enter_context(SessionStore())
        speaker = Speaker.open() if view.sound else None
        if speaker is not None:
            cleanup.callback(speaker.close)
        notice = NO_PLAYER if view.sound and speaker is None else None
        apps: list[KnotmeterApp] = []  # the terminal bell, once the app is there

        def bell() -> None:
            for running in apps:
                running.bell()

        def connect(moniker: str) -> Session:
            session = Session(
                (opener or open_source)(moniker),
                start,
                store=store,
                hold_target_s=view.target_s,
                plan=view.plan,
            )
            if view.side is not None:
                session.set_side(view.side)
            if speaker is not None:
                follow(session, speaker, bell=bell)
            if page is not None:
                page.attach(session)
            return session

        if moniker is None:
            app = KnotmeterApp(
                connect=connect,
                discover=discover_tools,
                simulated_moniker=f"sim:{DEFAULT_PROFILE}",
                fmt=fmt,
                notice=notice,
            )
        else:
            app = KnotmeterApp(session=connect(moniker), fmt=fmt, notice=notice)
        app.screenshot_dir = view.screenshot_dir or app.screenshot_dir
        apps.append(app)
        if page is None:
            app.run()
        else:
            app.page_url = page.url
            asyncio.run(_beside(app, page))
    if app.summary is not None:
        print("\n".join(app.summary.lines()))
    if speaker is not None and speaker.off_at is not None:
        stopped = time.strftime("%H:%M:%S", time.localtime(speaker.off_at))
        print(f"Sound stopped at {stopped}: the player stopped (alarms rang the bell after)")
    _say_what_was_not_saved(app.session)
    return app.return_code or 0


def _page_server(serve: str) -> PageServer:
    """The live page's server on its bound socket; the URL and QR code printed (they stay
    on the terminal after the screen closes, and the palette shows the URL meanwhile)."""
    from knotmeter.serve import DEFAULT_LISTEN, PageServer, announcement, bind, parse_listen

    listen = DEFAULT_LISTEN if not serve else parse_listen(serve, "--serve")
    page = PageServer(bind(listen, "--serve"))
    print(announcement(page.url, exposed=not listen.loopback), flush=True)
    return page


async def _beside(app: KnotmeterApp, page: PageServer) -> None:
    """The app and the live page in one event loop (the session's); the page stops with it."""
    from knotmeter.serve import report_refusals

    stop_reporting = report_refusals(lambda line: app.notify(line, severity="warning"))
    await page.start()
    try:
        await app.run_async()
    finally:
        await page.stop()
        stop_reporting()


def _say_what_was_not_saved(session: Session | None) -> None:
    """A store failure never fails the run: a line on stderr says what it cost, and one
    says what happened to the store file (deleted, replaced, little room)."""
    health = None if session is None else session.store_health
    for note in [] if health is None else health.report():
        print(f"knotmeter: {note}", file=sys.stderr)
