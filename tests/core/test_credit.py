"""The hold credit rule (Hou 2002, REFERENCE §7): the short hold only at a mean in-band
force at or above the band's middle, else the long hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.credit import HoldCredit

intervals = st.lists(
    st.tuples(st.floats(1.0, 200.0), st.floats(0.001, 2.0)), min_size=1, max_size=50
)


@given(intervals, st.floats(1.0, 200.0))
def test_the_short_hold_needs_the_mean_at_or_above_the_middle(
    pressed: list[tuple[float, float]], mid_n: float
) -> None:
    credit = HoldCredit(short_s=60.0, long_s=90.0, mid_n=mid_n)
    for force_n, dt in pressed:
        credit.update(force_n, dt)
    mean = sum(f * dt for f, dt in pressed) / sum(dt for _, dt in pressed)
    assert credit.mean_n == mean or abs(credit.mean_n - mean) < 1e-9 * max(1.0, mean)
    if mean >= mid_n * (1 + 1e-9):
        assert credit.needed_s == 60.0
    elif mean < mid_n * (1 - 1e-9):
        assert credit.needed_s == 90.0
    assert credit.reached(90.0), "the long hold always earns the credit"
    assert credit.reached(59.9) is False


def test_no_in_band_time_needs_the_long_hold() -> None:
    assert HoldCredit(short_s=60.0, long_s=90.0, mid_n=0.0).needed_s == 90.0


def test_a_point_with_one_hold_length_has_one_rule() -> None:
    credit = HoldCredit(short_s=60.0, long_s=60.0, mid_n=50.0).update(40.0, 10.0)
    assert credit.needed_s == 60.0
