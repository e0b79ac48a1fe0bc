"""Turning what the tool reports into true newtons: offset (tare) and scale.

The firmware already reports newtons, but load cells drift and their factory scale
is rarely exact; the host corrects both without touching the device.
"""

from __future__ import annotations

from dataclasses import dataclass

from knotmeter.core.units import STANDARD_GRAVITY


@dataclass(slots=True, frozen=True)
class Calibration:
    """``true_n = (reported_n - offset_n) * scale``.

    Attributes:
        offset_n: the reading with nothing on the tool (set by tare and auto-zero).
        scale: true newtons per reported newton (set by a known-mass calibration).
    """

    offset_n: float = 0.0
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ValueError(f"calibration scale must be > 0 (got {self.scale})")

    @classmethod
    def from_known_mass(cls, unloaded_n: float, loaded_n: float, mass_kg: float) -> Calibration:
        """Two-point calibration: readings with nothing and with ``mass_kg`` resting on the tool.

        Raises:
            ValueError: the mass is not positive or the readings do not rise with it.
        """
        if not mass_kg > 0:
            raise ValueError(f"known mass must be > 0 kg (got {mass_kg})")
        if not loaded_n > unloaded_n:
            raise ValueError(
                f"loaded reading {loaded_n} N must exceed the unloaded reading {unloaded_n} N"
            )
        return cls(offset_n=unloaded_n, scale=mass_kg * STANDARD_GRAVITY / (loaded_n - unloaded_n))
