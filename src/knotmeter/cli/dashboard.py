"""``knotmeter`` itself: the live dashboard on a tool, the simulated tool, or a picker.

``add_arguments`` receives the ROOT parser (these options apply when no
subcommand is given); ``replay`` reuses :func:`add_view_arguments` and
:func:`launch` so a recording is shown exactly like a live tool.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knotmeter.bounds import bounded
from knotmeter.core.units import Unit
from knotmeter.errors import BadInput

if TYPE_CHECKING:
    from firmware_host.source import Source
    from knotmeter.core.plans import Plan

DEFAULT_PROFILE = "calm"
DEFAULT_REGION = "upper-trapezius"
AREA_RANGE_CM2 = (0.05, 100.0)
"""A fingertip to a palm: contact areas a massage tool can have."""
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
        choices=[str(unit) for unit in Unit],
        default="N",
        help="force unit shown (default N)",
    )
    parser.add_argument(
        "--area",
        metavar="CM2",
        help="contact area of the tool in cm², enables kPa and kg/cm²",
    )
    parser.add_argument(
        "--target",
        metavar="S",
        type=float,
        help="in-band seconds that complete a hold (default: the region's)",
    )
    parser.add_argument(
        "--sound",
        choices=["on", "off"],
        default="on",
        help="cues by ear: in band, over it, too hard, hold complete (default on)",
    )


@dataclass(slots=True, frozen=True)
class ViewOptions:
    """The dashboard options after checking them, before anything is opened."""

    region: str
    unit: str
    area_cm2: float | None
    target_s: float | None
    plan: Plan | None
    sound: bool

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
        if args.target is not None and not args.target > 0:
            raise BadInput(
                f"--target must be a number of seconds greater than 0, got {args.target:g}"
            )
        return cls(region.id, args.unit, area, args.target, plan, args.sound == "on")


def run(args: argparse.Namespace) -> int:
    view = ViewOptions.from_args(args)
    if args.profile is not None and not args.sim:
        raise BadInput("--profile chooses the simulated tool's press profile: use it with --sim")
    if args.sim:
        moniker: str | None = f"sim:{args.profile or DEFAULT_PROFILE}"
    else:
        moniker = args.source
    return launch(view, moniker)


def launch(
    view: ViewOptions, moniker: str | None, *, opener: Callable[[str], Source] | None = None
) -> int:
    """Open the store and the source (or the picker) and run the app until quit.

    ``opener`` turns the moniker into a source (default: the source registry).
    """
    from knotmeter.session import Session, region_config
    from knotmeter.sound import Speaker, follow
    from knotmeter.sources import discover_tools, open_source
    from knotmeter.store import SessionStore
    from knotmeter.ui import ForceFormat, KnotmeterApp

    fmt = ForceFormat(Unit(view.unit), view.area_cm2)
    first_hold_s = None if view.plan is None else view.plan.points[0].hold_min_s
    with contextlib.ExitStack() as cleanup:
        store = cleanup.enter_context(SessionStore())
        speaker = Speaker.open() if view.sound else None
        if speaker is not None:
            cleanup.callback(speaker.close)
        notice = NO_PLAYER if view.sound and speaker is None else None
        config = region_config(view.region, target_s=view.target_s or first_hold_s, store=store)

        def connect(moniker: str) -> Session:
            session = Session(
                (opener or open_source)(moniker),
                config,
                store=store,
                hold_target_s=view.target_s,
                plan=view.plan,
            )
            if speaker is not None:
                follow(session, speaker)
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
        app.run()
    return app.return_code or 0
