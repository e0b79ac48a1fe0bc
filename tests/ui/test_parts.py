"""The live screen's pure parts: unit formatting, banner priority, hold lines, trace binning."""

from __future__ import annotations

import math

import numpy as np
import pytest

from firmware_host.source import LinkState
from knotmeter.core.events import AlarmKind
from knotmeter.core.state import HoldState
from knotmeter.core.units import Unit
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.widgets.banner import banner_for, banner_rows
from knotmeter.ui.widgets.hold import hold_lines
from knotmeter.ui.widgets.trace import column_peaks


def test_unit_cycle_offers_pressure_only_with_an_area() -> None:
    def cycle(fmt: ForceFormat) -> list[Unit]:
        units = [fmt.unit]
        while (fmt := fmt.next()).unit != units[0]:
            units.append(fmt.unit)
        return units

    assert cycle(ForceFormat()) == [Unit.N, Unit.KGF, Unit.LBF]
    assert cycle(ForceFormat(contact_area_cm2=4.0)) == list(Unit)
    with pytest.raises(ValueError, match="contact area"):
        ForceFormat(Unit.KPA)


def test_force_text_rounds_before_signing() -> None:
    assert ForceFormat().number(-0.04, 6) == "   0.0"
    assert ForceFormat().text(49.03325) == "49.0 N"
    assert ForceFormat(Unit.KPA, 5.0).text(50.0) == "100 kPa"


def test_a_released_tools_residual_reads_zero_but_a_bad_zero_does_not() -> None:
    assert ForceFormat().reading(-0.1) == "0.0"
    assert ForceFormat().reading(-0.49, 6) == "   0.0"
    assert ForceFormat().reading(-4.0) == "-4.0"
    assert ForceFormat().reading(0.3) == "0.3"


def test_banner_puts_hard_alarms_then_a_dead_link_first() -> None:
    soft = frozenset({AlarmKind.FAST_RAMP, AlarmKind.OVER_BAND})
    assert banner_for(frozenset(), LinkState.LIVE) == ("", ())
    assert banner_for(soft, LinkState.LIVE)[0] == "soft"
    severity, lines = banner_for(soft, LinkState.NO_DATA)
    assert (severity, lines[0].startswith("NO DATA"), len(lines)) == ("link", True, 3)
    severity, lines = banner_for(soft | {AlarmKind.OVER_CEILING}, LinkState.NO_DATA)
    assert severity == "hard"
    assert lines[0] == "TOO HARD: RELEASE NOW"
    assert lines[1].startswith("NO DATA")
    assert len(lines) == 4


def test_banner_rows_show_every_alarm() -> None:
    lines = ("A", "B", "C", "D")
    assert banner_rows(lines, 3) == ["A", "B", "C · D"]
    assert banner_rows(("A",), 3) == ["", "A", ""]
    assert banner_rows(lines, 1) == ["A · B · C · D"]


def hold(*, active: bool, started: float | None, in_band: float, complete: bool) -> HoldState:
    return HoldState(active, started, in_band, 0.0, 60.0, 90.0, 55.0, complete)


@pytest.mark.parametrize(
    ("state", "lines"),
    [
        (
            hold(active=False, started=None, in_band=0.0, complete=False),
            ("No hold yet: 60 s in band to complete", "░░░░░░░░░░   0%", "press into"),
        ),
        (
            hold(active=True, started=10.0, in_band=30.4, complete=False),
            ("Hold  30 s / 60 s in band", "█████░░░░░  51%", "release within 50 s"),
        ),
        (
            hold(active=True, started=10.0, in_band=60.0, complete=True),
            ("HOLD COMPLETE  60 s in band", "██████████ 100%", "release within 50 s"),
        ),
        (
            hold(active=False, started=10.0, in_band=20.0, complete=False),
            ("Last hold  20 s / 60 s in band", "███░░░░░░░  33%", "released: rate"),
        ),
    ],
)
def test_hold_lines(state: HoldState, lines: tuple[str, str, str]) -> None:
    headline, bar, footnote = hold_lines(state, now_t=50.0, bar_width=10)
    assert (headline, bar) == lines[:2]
    assert footnote.startswith(lines[2])


def test_trace_columns_keep_their_time_bins() -> None:
    t = np.arange(0.0, 3.0, 0.1)
    force = t * 10
    peaks = column_peaks(t, force, t_end=2.95, columns=3, span_s=3.0)
    assert peaks.tolist() == pytest.approx([9.0, 19.0, 29.0])
    later = column_peaks(t, force, t_end=3.05, columns=3, span_s=3.0)
    assert later[:2].tolist() == pytest.approx([19.0, 29.0])
    assert math.isnan(later[2])
