"""The status line drops whole parts, least important first, to fit its width."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from knotmeter.session import LinkState
from knotmeter.ui.widgets.status import SEPARATOR, StatusReport, fit_parts, status_parts

parts = st.lists(
    st.tuples(st.integers(0, 6), st.text("abcdefgh ", min_size=1, max_size=20)),
    min_size=1,
    max_size=10,
    unique_by=lambda part: part[1].strip(),
).filter(lambda given: all(text.strip() == text and text for _, text in given))


@given(parts, st.integers(1, 200))
def test_whole_parts_in_order_within_the_width(given: list[tuple[int, str]], width: int) -> None:
    line = fit_parts(given, width)
    assert len(line) <= width or SEPARATOR not in line, "only a single part may overflow"
    texts = [text for _, text in given]
    positions = [texts.index(text) for text in line.split(SEPARATOR)]
    assert positions == sorted(positions), "whole parts, in their order"


@given(parts, st.integers(1, 200))
def test_a_dropped_part_never_outranks_a_kept_one(given: list[tuple[int, str]], width: int) -> None:
    line = fit_parts(given, width)
    kept_ranks = [rank for rank, text in given if text in line.split(SEPARATOR)]
    dropped = [rank for rank, text in given if text not in line.split(SEPARATOR)]
    if dropped and kept_ranks:
        assert min(dropped) >= max(kept_ranks)


def test_at_80_columns_the_battery_goes_before_the_link_state() -> None:
    report = StatusReport(
        kind="SIMULATED",
        moniker="sim:calm?region=upper-trapezius&tool=ball",
        link=LinkState.LIVE,
        rate_hz=80,
        lost=0,
        bad_frames=0,
        battery_mv=4150,
        paused=False,
    )
    line = fit_parts(status_parts(report), 78)
    assert line.startswith("SIMULATED")
    assert "live" in line
    assert "battery" not in line
    assert not line.endswith("·")
    assert "battery 4.15 V" in fit_parts(status_parts(report), 200)
