"""The :class:`~firmware_host.source.Source` contract, checked on every source the app
can open (see ``conftest.py``): what the session and the store rely on of any tool."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from firmware_host.source import CoachAim, DeviceInfo, KindChanged, LinkState
from tests.contract.conftest import Opened
from tests.watch import SourceWatch

AIM = CoachAim(
    region_id="upper-trapezius",
    tool="ball",
    band_low_n=20.0,
    band_high_n=40.0,
    ceiling_n=60.0,
    hold_s=60.0,
)
BATCHES = 4
"""Batches to wait for: enough to see time run on across batches on the slowest kind."""


async def test_a_live_stream_closes_cleanly(opened: Opened) -> None:
    source = opened.source
    assert isinstance(source.moniker, str)
    assert source.moniker
    async with SourceWatch(source) as watch:
        await watch.until(lambda: len(watch.batches) >= BATCHES, f"{BATCHES} batches", 20.0)
        source.aim(AIM)  # accepted on every source; only the simulated person follows it
        await watch.until(lambda: len(watch.batches) >= BATCHES + 1, "a batch after aim", 10.0)
        assert source.kind is opened.kind

    states = [link.state for link in watch.links]
    assert states.count(LinkState.LIVE) == 1, states  # one connection, one LIVE
    live = next(link for link in watch.links if link.state is LinkState.LIVE)
    assert live.detail, "LIVE says where (port, device or file)"
    assert watch.events.index(live) < watch.events.index(watch.batches[0])
    assert watch.links[-1].state is LinkState.CLOSED
    assert watch.events[-1] is watch.links[-1], "nothing follows CLOSED"

    for batch in watch.batches:
        assert len(batch) > 0
        assert bool(np.all(np.diff(batch.t) > 0))
        assert bool(np.all(np.isfinite(batch.force_n)))
    firsts = np.array([batch.t[0] for batch in watch.batches])
    lasts = np.array([batch.t[-1] for batch in watch.batches])
    assert bool(np.all(firsts[1:] > lasts[:-1])), "time runs on across batches"

    stats = source.stats
    assert stats.samples == watch.sample_count, "the counter is what was yielded"
    assert stats.lost == sum(batch.lost for batch in watch.batches)
    assert stats.reconnects == 0
    assert stats.rate_hz >= 0.0


async def test_close_is_idempotent_and_ends_the_stream(opened: Opened) -> None:
    source = opened.source
    watch = SourceWatch(source)
    async with watch:
        await watch.until(lambda: len(watch.batches) >= 1, "a batch", 20.0)
        await source.close()
        await source.close()
    # SourceWatch closed it a third time and its drain ended: the stream is over.
    assert watch.links[-1].state is LinkState.CLOSED
    count = len(watch.events)
    await source.close()
    await asyncio.sleep(0)
    assert len(watch.events) == count


async def test_a_relink_is_told_once_and_time_runs_on(opened: Opened) -> None:
    """Where the channel can drop (a cable, a radio link): one more LIVE per connection,
    one reconnect counted, and sample times still strictly increasing across the gap."""
    if opened.relink is None:
        pytest.skip("no link to break: the channel has no connection")
    source = opened.source
    async with SourceWatch(source) as watch:
        await watch.until(lambda: len(watch.batches) >= 2, "2 batches", 20.0)
        await opened.relink()
        await watch.until(lambda: source.stats.reconnects >= 1, "a reconnect", 20.0)
        after = len(watch.batches)
        await watch.until(lambda: len(watch.batches) > after, "a batch after relinking", 20.0)

    states = [link.state for link in watch.links]
    assert states.count(LinkState.LIVE) == source.stats.reconnects + 1, states
    assert all(link.detail for link in watch.links if link.state is LinkState.LIVE)
    assert watch.events[-1] is watch.links[-1]
    assert watch.links[-1].state is LinkState.CLOSED
    assert bool(np.all(np.diff(watch.times()) > 0)), "time runs on across the relink"
    assert source.stats.samples == watch.sample_count


async def test_the_kind_is_set_at_open_and_changed_only_by_an_event(opened: Opened) -> None:
    """``sim:`` is simulated, ``file:`` a replay, a plain serial tool or BLE sensor a device;
    a tool that turns out to be a simulator (its ``SIM-`` INFO, its advert) says so with
    one :class:`KindChanged`, before the device info the session records."""
    source = opened.source
    assert source.kind is opened.opened_as
    async with SourceWatch(source) as watch:
        await watch.until(lambda: len(watch.batches) >= 1, "a batch", 20.0)
        await watch.until(lambda: source.kind is opened.kind, f"kind {opened.kind}", 10.0)

    changes = [event for event in watch.events if isinstance(event, KindChanged)]
    learned = [] if opened.kind is opened.opened_as else [KindChanged(opened.kind)]
    assert changes == learned
    infos = [e for e in watch.events if isinstance(e, DeviceInfo)]
    if changes and infos:
        assert watch.events.index(changes[0]) < watch.events.index(infos[0])
