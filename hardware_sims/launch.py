"""Starting the simulated tool on a pty from user-facing settings (CLI flags, ``sim:`` monikers)."""

from __future__ import annotations

from pathlib import Path

from firmware_host.protocol.messages import MAX_SAMPLES_PER_FRAME
from firmware_host.serial.simlink import LinkInUse
from firmware_host.source import CoachAim
from hardware_sims.faults import FaultPlan
from hardware_sims.hx711 import RATES_HZ, Hx711
from hardware_sims.press import DEFAULT_AIM, PressModel, ProfileError, load_profile
from hardware_sims.serial_pty import PtyToolServer
from hardware_sims.tool import SimulatedTool
from knotmeter.core.prescription import Prescription, Rx, prescribe
from knotmeter.core.regions import UnknownRegion, get_region
from knotmeter.core.tools import parse_tool

SEED_RANGE = (0, 2**32 - 1)
"""Seeds the simulator's generators take (numpy seeds are unsigned 32-bit here)."""


class SimSettingsError(ValueError):
    """A setting the simulator cannot use; the message names it."""


def aim_for(region_id: str | None = None, tool: str | None = None) -> CoachAim:
    """Where a person pinned by ``--region``/``--tool`` (or ``region=``/``tool=``) presses:
    the region's default band and ceiling for that tool (as the coach scales them), and
    its shortest hold. Without either setting: the upper trapezius with a ball.
    """
    if region_id is None and tool is None:
        return DEFAULT_AIM
    try:
        region = get_region(region_id or DEFAULT_AIM.region_id)
        used = parse_tool(tool or DEFAULT_AIM.tool)
    except (UnknownRegion, ValueError) as err:
        raise SimSettingsError(str(err)) from None
    prescribed = prescribe(Rx(region.id, tool=used))
    assert isinstance(prescribed, Prescription)  # a region's defaults always prescribe
    config = prescribed.config
    return CoachAim(
        region.id,
        used.value,
        config.band_low_n,
        config.band_high_n,
        config.ceiling_n,
        config.target_s,
    )


def build_tool(
    profile: str,
    *,
    rate_hz: float = 80.0,
    seed: int = 0,
    samples_per_frame: int = 1,
    aim: CoachAim | None = None,
) -> SimulatedTool:
    """A simulated tool pressing ``profile`` (a shipped name or a ``.toml`` path) for ``aim``
    (default: the upper trapezius with a ball)."""
    if rate_hz not in RATES_HZ:
        raise SimSettingsError(f"rate {rate_hz:g} Hz: the simulated HX711 runs at 10 or 80 Hz")
    if not 0 <= seed < 2**32:
        raise SimSettingsError(f"seed={seed}: must be 0..{2**32 - 1}")
    if not 1 <= samples_per_frame <= MAX_SAMPLES_PER_FRAME:
        raise SimSettingsError(
            f"frame={samples_per_frame}: samples per frame must be 1..{MAX_SAMPLES_PER_FRAME}"
        )
    try:
        press = PressModel(load_profile(profile), seed=seed, aim=aim)
    except ProfileError as err:
        raise SimSettingsError(str(err)) from None
    return SimulatedTool(
        press, Hx711(seed=seed + 1), rate_hz=rate_hz, samples_per_frame=samples_per_frame
    )


def start_pty_sim(
    profile: str,
    *,
    rate_hz: float = 80.0,
    faults: str = "",
    seed: int = 0,
    samples_per_frame: int = 1,
    link_path: Path | None = None,
    aim: CoachAim | None = None,
) -> PtyToolServer:
    """Build the tool and serve it on a fresh pty; the caller stops the returned server."""
    try:
        plan = FaultPlan.parse(faults)
    except ValueError as err:
        raise SimSettingsError(str(err)) from None
    tool = build_tool(
        profile, rate_hz=rate_hz, seed=seed, samples_per_frame=samples_per_frame, aim=aim
    )
    try:
        return PtyToolServer(tool, link_path=link_path, faults=plan, seed=seed + 2).start()
    except LinkInUse as err:
        raise SimSettingsError(str(err)) from None
