"""``knotmeter replay trace.csv [--speed X]``: the dashboard on a recording, labelled REPLAY."""

from __future__ import annotations

import argparse

from knotmeter.bounds import bounded
from knotmeter.cli.dashboard import ViewOptions, add_view_arguments, launch


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trace", metavar="TRACE.csv", help="a trace recorded by `knotmeter record`")
    parser.add_argument(
        "--speed",
        metavar="X",
        default="1",
        help="playback speed, 0.01 to 100 (default 1 = real time)",
    )
    add_view_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from knotmeter.replay import SPEED_RANGE, ReplaySource

    view = ViewOptions.from_args(args)
    speed = bounded("--speed", args.speed, *SPEED_RANGE)
    return launch(view, args.trace, opener=lambda path: ReplaySource(path, speed))
