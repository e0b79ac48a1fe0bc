"""``knotmeter sim serial``: serve a simulated tool on a real pty until interrupted.

Transports are sub-choices (``sim serial``, and ``sim ble`` from the BLE side);
each registers its ``add_arguments``/``run`` pair in ``TRANSPORTS``.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from knotmeter.bounds import bounded, bounded_int
from knotmeter.errors import BadInput, KnotmeterError

if TYPE_CHECKING:
    from firmware_host.source import CoachAim

EVERY_RANGE_S = (0.5, 3600.0)


def _add_person(parser: argparse.ArgumentParser) -> None:
    """How the simulated person presses, and for which point and tool."""
    from hardware_sims.press import profile_names

    parser.add_argument(
        "--profile", default="calm", help=f"press profile: {', '.join(profile_names())} or a .toml"
    )
    parser.add_argument(
        "--region", metavar="ID", help="press for this point's band (default upper-trapezius)"
    )
    parser.add_argument("--tool", help="press with this tool: ball, hook or thumb (default ball)")


def _person(args: argparse.Namespace) -> tuple[CoachAim, str]:
    """The aim ``--region``/``--tool`` give, and one line saying it."""
    from hardware_sims.launch import SimSettingsError, aim_for

    try:
        aim = aim_for(args.region, args.tool)
    except SimSettingsError as err:
        raise BadInput(f"--region/--tool: {err}") from None
    said = (
        f"{args.profile} on {aim.region_id} with a {aim.tool}: band "
        f"{aim.band_low_n:.3g}-{aim.band_high_n:.3g} N, ceiling {aim.ceiling_n:.3g} N"
    )
    return aim, said


def _add_serial(parser: argparse.ArgumentParser) -> None:
    _add_person(parser)
    parser.add_argument("--rate", default="80", help="samples per second (10 or 80)")
    parser.add_argument(
        "--faults",
        default="",
        help="per-frame odds, e.g. drop=0.01,flip=0.01,garbage=0.02,stall=0.002,unplug=0.001"
        " (durations: stall_s=1.5,unplug_s=0.5)",
    )
    parser.add_argument("--seed", default="0", help="seed for noise, tremor and faults")
    parser.add_argument("--frame", default="1", help="samples per frame (1-76)")
    parser.add_argument("--link", type=Path, help="path of the stable port link to create")


def _run_serial(args: argparse.Namespace) -> int:
    from firmware_host.protocol.messages import MAX_SAMPLES_PER_FRAME
    from hardware_sims.launch import SEED_RANGE, SimSettingsError, start_pty_sim

    aim, said = _person(args)
    rate_hz = bounded("--rate", args.rate, 10, 80, "Hz")
    try:
        server = start_pty_sim(
            args.profile,
            rate_hz=rate_hz,
            faults=args.faults,
            seed=bounded_int("--seed", args.seed, *SEED_RANGE),
            samples_per_frame=bounded_int("--frame", args.frame, 1, MAX_SAMPLES_PER_FRAME),
            link_path=args.link,
            aim=aim,
        )
    except SimSettingsError as err:
        raise BadInput(str(err)) from None
    print(f"simulated knotmeter tool ({said}; {rate_hz:g} Hz) on {server.link_path}")
    print(
        f"connect with: knotmeter --source serial:{server.link_path}   (Ctrl-C to stop)", flush=True
    )
    try:
        _wait_for_interrupt()
    finally:
        server.stop()
    ledger = server.ledger
    print(
        f"sent {ledger.sent_samples} samples; {ledger.lost} lost (frames: {ledger.drops} dropped, "
        f"{ledger.flips} bit-flipped, {ledger.unheard} made with no app listening or unplugged; "
        f"{ledger.garbage} garbage bursts, {ledger.stalls} stalls, {ledger.unplugs} unplugs)"
    )
    return 0


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM (SIGINT is handled even where a shell ignored it)."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = [signal.signal(sig, lambda *_: stop.set()) for sig in signals]
    try:
        stop.wait()
    finally:
        for sig, handler in zip(signals, previous, strict=True):
            signal.signal(sig, handler)


def _add_ble(parser: argparse.ArgumentParser) -> None:
    from firmware_host.ble.kinds import KINDS  # not the simulator: --help stays quick

    parser.add_argument(
        "--device",
        action="append",
        choices=[kind.word for kind in KINDS] + ["diy"],
        help="device to simulate (repeat for several; default knotmeter; diy: the firmware of"
        " device/micropython)",
    )
    _add_person(parser)
    parser.add_argument("--drop-every", metavar="S", help="drop the links every S s")
    parser.add_argument("--stall-every", metavar="S", help="stop notifications for 2 s every S s")


def _run_ble(args: argparse.Namespace) -> int:
    from hardware_sims.bluez.serve import ADDRESSES, LinkFaults, serve_until_interrupted
    from hardware_sims.press import ProfileError

    aim, said = _person(args)
    kinds = list(dict.fromkeys(args.device or ["knotmeter"]))
    drop, stall = (
        None if every is None else bounded(option, every, *EVERY_RANGE_S, "seconds")
        for option, every in (
            ("--drop-every", args.drop_every),
            ("--stall-every", args.stall_every),
        )
    )
    faults = LinkFaults(drop_every_s=drop, stall_every_s=stall)

    def ready(bus_address: str) -> None:
        for kind in kinds:
            print(f"simulated {kind} at {ADDRESSES[kind]} ({said}) on a private BlueZ")
        print(f"DBUS_SYSTEM_BUS_ADDRESS={bus_address}")
        monikers = " or ".join(f"ble:{ADDRESSES[kind]}" for kind in kinds)
        print(f"export that line, then: knotmeter --source {monikers}  (Ctrl-C stops)", flush=True)

    try:
        serve_until_interrupted(kinds, args.profile, on_ready=ready, faults=faults, aim=aim)
    except ProfileError as err:
        raise BadInput(str(err)) from None
    except FileNotFoundError as err:
        raise KnotmeterError(str(err)) from None
    return 0


TRANSPORTS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {
    "serial": ("a simulated tool on a pseudo-terminal", _add_serial, _run_serial),
    "ble": ("simulated BLE tools on a private simulated BlueZ", _add_ble, _run_ble),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="transport", metavar="TRANSPORT", required=True)
    for name, (summary, add, _) in TRANSPORTS.items():
        add(sub.add_parser(name, help=summary, description=summary))


def run(args: argparse.Namespace) -> int:
    return TRANSPORTS[args.transport][2](args)
