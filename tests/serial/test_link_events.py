"""The event side both sources share: states told once, the stream's end, counters."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_host.link import LinkEvents
from firmware_host.source import LinkChanged, LinkState, SourceEvent
from knotmeter.core.samples import SampleBatch


async def drain(link: LinkEvents) -> list[SourceEvent]:
    return [event async for event in link.stream()]


def batch(t0: float, n: int, rate_hz: float) -> SampleBatch:
    t = t0 + np.arange(n) / rate_hz
    return SampleBatch(t=t, force_n=np.zeros(n))


async def test_a_state_is_told_once_unless_always_and_the_stream_ends_at_closed() -> None:
    link = LinkEvents(clock=lambda: 7.0)
    link.set_state(LinkState.CONNECTING, "opening")
    link.set_state(LinkState.CONNECTING, "opening")  # not news
    link.set_state(LinkState.CONNECTING, "retrying")  # new detail: news
    link.set_state(LinkState.CONNECTING, "retrying", always=True)
    link.set_state(LinkState.CLOSED, "bye", always=True)
    link.set_state(LinkState.LIVE, "after the end")  # never read: the stream has ended
    assert await drain(link) == [
        LinkChanged(7.0, LinkState.CONNECTING, "opening"),
        LinkChanged(7.0, LinkState.CONNECTING, "retrying"),
        LinkChanged(7.0, LinkState.CONNECTING, "retrying"),
        LinkChanged(7.0, LinkState.CLOSED, "bye"),
    ]


def test_samples_are_counted_and_the_rate_follows_the_sample_times() -> None:
    link = LinkEvents()
    for k in range(40):
        link.samples(batch(k * 0.1, 8, 80.0), lost=k, live_detail="")
    assert link.stats.samples == 320
    assert link.stats.lost == 39
    assert link.stats.rate_hz == pytest.approx(80.0, rel=0.02)
