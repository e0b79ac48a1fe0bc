"""``knotmeter replay trace.csv [--speed X]``: the dashboard on a recording, labelled REPLAY."""

from __future__ import annotations

import argparse

from knotmeter.cli.dashboard import ViewOptions, add_view_arguments, launch


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trace", metavar="TRACE.csv", help="a trace recorded by `knotmeter record`")
    parser.add_argument(
        "--speed",
        metavar="X",
        type=float,
        default=1.0,
        help="playback speed (default 1 = real time)",
    )
    add_view_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from knotmeter.replay import ReplaySource

    view = ViewOptions.from_args(args)
    return launch(view, args.trace, opener=lambda path: ReplaySource(path, args.speed))
