"""The event side both sources share: states told once, the stream's end, counters, one
timeline for every ``t``, the kind changed only by news."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_host.link import LinkEvents
from firmware_host.source import BatteryStatus, KindChanged, LinkChanged, LinkState, SourceEvent
from knotmeter.core.provenance import SourceKind
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
    assert await drain(link) == [  # before any sample, at the start of the timeline
        LinkChanged(0.0, LinkState.CONNECTING, "opening"),
        LinkChanged(0.0, LinkState.CONNECTING, "retrying"),
        LinkChanged(0.0, LinkState.CONNECTING, "retrying"),
        LinkChanged(0.0, LinkState.CLOSED, "bye"),
    ]


def test_samples_are_counted_and_the_rate_follows_the_sample_times() -> None:
    link = LinkEvents()
    for k in range(40):
        link.samples(batch(k * 0.1, 8, 80.0), lost=k, live_detail="")
    assert link.stats.samples == 320
    assert link.stats.lost == 39
    assert link.stats.rate_hz == pytest.approx(80.0, rel=0.02)


async def test_link_changes_and_battery_reports_are_stamped_on_the_sample_timeline() -> None:
    host = [100.0]
    link = LinkEvents(clock=lambda: host[0])
    link.samples(batch(5.0, 8, 80.0), lost=0, live_detail="port")  # ends at 5.0875 s
    host[0] = 100.5
    link.emit(BatteryStatus(100.25, 3700))  # stamped by its driver in host time
    link.set_state(LinkState.NO_DATA, "quiet")
    link.set_state(LinkState.CLOSED, "bye", always=True)
    events = await drain(link)
    assert [e.t for e in events if isinstance(e, LinkChanged | BatteryStatus)] == pytest.approx(
        [5.0875, 5.3375, 5.5875, 5.5875]
    )


async def test_the_kind_changes_only_with_news() -> None:
    link = LinkEvents(kind=SourceKind.DEVICE)
    link.emit(KindChanged(SourceKind.DEVICE))  # not news: not passed on
    link.emit(KindChanged(SourceKind.SIMULATED))
    link.emit(KindChanged(SourceKind.SIMULATED))
    link.set_state(LinkState.CLOSED, "bye", always=True)
    assert link.kind is SourceKind.SIMULATED
    assert [e for e in await drain(link) if isinstance(e, KindChanged)] == [
        KindChanged(SourceKind.SIMULATED)
    ]
