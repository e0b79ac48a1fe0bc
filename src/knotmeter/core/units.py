"""Force units for display, and parsing the unit labels that gauges print.

Everything inside the pipeline is newtons; units exist only at the edges (the
gauge, exports, text-protocol drivers). Pressure units need the tool's contact
area, because the same force spread over a bigger ball presses less.
"""

from __future__ import annotations

from enum import StrEnum

STANDARD_GRAVITY = 9.80665  # m/s², kgf → N by definition
NEWTONS_PER_LBF = 4.4482216152605
NEWTONS_PER_OZF = NEWTONS_PER_LBF / 16


class Unit(StrEnum):
    N = "N"
    KGF = "kgf"
    LBF = "lbf"
    KPA = "kPa"
    KG_CM2 = "kg/cm²"

    @property
    def is_pressure(self) -> bool:
        return self in (Unit.KPA, Unit.KG_CM2)

    @classmethod
    def _missing_(cls, value: object) -> Unit | None:
        return cls.KG_CM2 if value == "kg/cm2" else None  # the ASCII spelling of kg/cm²


def convert(force_n: float, unit: Unit, contact_area_cm2: float | None = None) -> float:
    """Express ``force_n`` in ``unit``; pressure units divide by ``contact_area_cm2``.

    Raises:
        ValueError: a pressure unit without a positive contact area.
    """
    if unit.is_pressure:
        if contact_area_cm2 is None or not contact_area_cm2 > 0:
            raise ValueError(f"{unit} needs the tool's contact area in cm² (> 0)")
        if unit is Unit.KPA:
            return force_n * 10.0 / contact_area_cm2  # N/cm² = 10 kPa
        return force_n / STANDARD_GRAVITY / contact_area_cm2
    if unit is Unit.KGF:
        return force_n / STANDARD_GRAVITY
    if unit is Unit.LBF:
        return force_n / NEWTONS_PER_LBF
    return force_n


_NEWTONS_PER: dict[str, float] = {
    "n": 1.0,
    "mn": 0.001,  # Mark-10's mN (any case: no gauge speaks of meganewtons)
    "kn": 1000.0,
    "kgf": STANDARD_GRAVITY,
    "kg": STANDARD_GRAVITY,
    "gf": STANDARD_GRAVITY / 1000,
    "g": STANDARD_GRAVITY / 1000,
    "lbf": NEWTONS_PER_LBF,
    "lb": NEWTONS_PER_LBF,
    "lbs": NEWTONS_PER_LBF,
    "ozf": NEWTONS_PER_OZF,
    "oz": NEWTONS_PER_OZF,
}


def to_newtons(value: float, unit: str) -> float:
    """Convert a gauge reading such as ``-18.78 lbF`` or ``2.5 kg`` to newtons.

    Unit labels are matched case-insensitively (gauges print ``lbF``, ``KGF``, ``N``);
    mass units (``kg``, ``g``, ``lb``) are read as their weight under standard gravity.

    Raises:
        ValueError: an unknown unit label, named in the message.
    """
    factor = _NEWTONS_PER.get(unit.strip().lower())
    if factor is None:
        known = "N, mN, kN, kgf, kg, gf, g, lbf, lb, lbs, ozf, oz"
        raise ValueError(f"unknown force unit {unit!r} (known: {known})")
    return value * factor
