"""Unit conversion for display and unit parsing for gauge drivers."""

from __future__ import annotations

import pytest

from knotmeter.core import Unit, convert, to_newtons


@pytest.mark.parametrize(
    ("unit", "area", "expected"),
    [
        (Unit.N, None, 98.0665),
        (Unit.KGF, None, 10.0),
        (Unit.LBF, None, 22.046226),
        (Unit.KPA, 1.0, 980.665),  # REFERENCE §2: 1 kg/cm² ≈ 98 kPa
        (Unit.KG_CM2, 5.0, 2.0),
    ],
)
def test_convert(unit: Unit, area: float | None, expected: float) -> None:
    assert convert(98.0665, unit, area) == pytest.approx(expected)


@pytest.mark.parametrize("area", [None, 0.0, -1.0])
def test_pressure_needs_a_contact_area(area: float | None) -> None:
    with pytest.raises(ValueError, match="contact area"):
        convert(10.0, Unit.KPA, area)


@pytest.mark.parametrize(
    ("value", "unit", "newtons"),
    [
        (-18.78, "lbF", -83.537602),
        (1.0, "kgf", 9.80665),
        (1.0, " KG ", 9.80665),
        (500.0, "g", 4.903325),
        (12.5, "N", 12.5),
        (16.0, "ozf", 4.448222),
    ],
)
def test_to_newtons_reads_gauge_labels(value: float, unit: str, newtons: float) -> None:
    assert to_newtons(value, unit) == pytest.approx(newtons)


def test_to_newtons_names_an_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unknown force unit 'psi'"):
        to_newtons(1.0, "psi")
