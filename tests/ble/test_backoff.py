"""The default reconnect schedule, as a pure function: 1 s, 5 s, then every 30 s forever."""

from __future__ import annotations

import pytest

from firmware_host.backoff import reconnect_delay


def test_default_schedule_is_one_five_then_thirty_forever() -> None:
    assert [reconnect_delay(n) for n in range(6)] == [1.0, 5.0, 30.0, 30.0, 30.0, 30.0]
    assert reconnect_delay(10_000) == 30.0


def test_a_custom_schedule_repeats_its_last_delay() -> None:
    assert [reconnect_delay(n, (0.01, 0.02)) for n in range(4)] == [0.01, 0.02, 0.02, 0.02]


@pytest.mark.parametrize(("attempt", "schedule"), [(-1, (1.0,)), (0, ())])
def test_nonsense_is_refused(attempt: int, schedule: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match=r"attempt|schedule"):
        reconnect_delay(attempt, schedule)
