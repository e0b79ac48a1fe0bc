"""A simulated Frez Dyno: the simulated Progressor's firmware on the Dyno's UUIDs.

Its cadence is assumed (no public capture): 80 Hz with no gaps.
"""

from __future__ import annotations

from firmware_host.ble.dyno import DYNO, DYNO_SERVICE
from firmware_host.source import CoachAim
from hardware_sims.bluez.progressor import ProgressorModel, SimulatedProgressor
from hardware_sims.press import PressModel, load_profile

FREZ_DYNO = ProgressorModel(
    name="Frez Dyno 0042",
    service_uuid=DYNO_SERVICE,
    dialect=DYNO,
    period_s=1.0 / DYNO.nominal_rate_hz,
    skip_odds=0.0,
)


def simulated_dyno(
    profile: str, *, seed: int = 0, aim: CoachAim | None = None
) -> SimulatedProgressor:
    return SimulatedProgressor(
        PressModel(load_profile(profile), seed=seed, aim=aim),
        model=FREZ_DYNO,
        version="2.0.1",
        seed=seed,
    )
