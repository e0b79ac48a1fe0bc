"""How a force is shown: the chosen unit, the contact area, digits and cycling.

Pressure units only make sense with the tool's contact area, so the unit cycle
offers them only when an area is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from knotmeter.core.units import Unit, convert

_DECIMALS: dict[Unit, int] = {
    Unit.N: 1,
    Unit.KGF: 2,
    Unit.LBF: 1,
    Unit.KPA: 0,
    Unit.KG_CM2: 2,
}


RESIDUAL_N = 0.5
"""Under a released tool the zero wanders this much (REFERENCE §6: about 1 N after a
release, 0.06 N of noise at rest; auto-zero takes the rest away within seconds)."""


@dataclass(slots=True, frozen=True)
class ForceFormat:
    """A unit (and contact area for pressure units) the screen shows forces in."""

    unit: Unit = Unit.N
    contact_area_cm2: float | None = None

    def __post_init__(self) -> None:
        if self.unit.is_pressure and self.contact_area_cm2 is None:
            raise ValueError(f"{self.unit} needs the tool's contact area")

    def value(self, force_n: float) -> float:
        return convert(force_n, self.unit, self.contact_area_cm2)

    def number(self, force_n: float, width: int = 0) -> str:
        """The force as digits only, right-aligned to ``width`` so the readout never jumps.

        Rounding happens first so a reading a hair under zero shows ``0.0``, not ``-0.0``.
        """
        decimals = _DECIMALS[self.unit]
        return f"{round(self.value(force_n), decimals) + 0.0:{width}.{decimals}f}"

    def reading(self, force_n: float, width: int = 0) -> str:
        """A live force for the readouts: a hair under zero (a released tool's residual,
        down to ``-RESIDUAL_N``) reads ``0.0``; a real pull or a bad zero, further down,
        shows as it is (the bad-zero alarm speaks for it)."""
        return self.number(0.0 if -RESIDUAL_N < force_n < 0.0 else force_n, width)

    def text(self, force_n: float) -> str:
        return f"{self.number(force_n)} {self.unit}"

    def next(self) -> ForceFormat:
        """The next unit in the cycle the unit key walks through."""
        units = [u for u in Unit if self.contact_area_cm2 is not None or not u.is_pressure]
        following = units[(units.index(self.unit) + 1) % len(units)]
        return ForceFormat(following, self.contact_area_cm2)
