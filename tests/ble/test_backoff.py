"""The reconnect schedules, as pure functions: BLE's 1 s, 5 s, then every 30 s forever;
a serial port's doubling from 0.1 s to 1 s."""

from __future__ import annotations

import pytest

from firmware_host.backoff import doubling, reconnect_delay


def test_default_schedule_is_one_five_then_thirty_forever() -> None:
    assert [reconnect_delay(n) for n in range(6)] == [1.0, 5.0, 30.0, 30.0, 30.0, 30.0]
    assert reconnect_delay(10_000) == 30.0


def test_a_custom_schedule_repeats_its_last_delay() -> None:
    assert [reconnect_delay(n, (0.01, 0.02)) for n in range(4)] == [0.01, 0.02, 0.02, 0.02]


@pytest.mark.parametrize(("attempt", "schedule"), [(-1, (1.0,)), (0, ())])
def test_nonsense_is_refused(attempt: int, schedule: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match=r"attempt|schedule"):
        reconnect_delay(attempt, schedule)


def test_a_doubling_schedule_stops_at_its_cap() -> None:
    assert doubling(0.1, 1.0) == (0.1, 0.2, 0.4, 0.8, 1.0)
    assert doubling(0.5, 0.5) == (0.5,)
    with pytest.raises(ValueError, match="first_s"):
        doubling(2.0, 1.0)
