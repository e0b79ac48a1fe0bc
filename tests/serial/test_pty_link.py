"""The serial link end to end through a real pty: integrity, unplugs, faults, silence."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from firmware_host.serial.source import SerialSource
from firmware_host.source import LinkState
from hardware_sims.serial_pty import PtyToolServer
from hardware_sims.tool import RESOLUTION_N
from knotmeter.core.provenance import SourceKind
from tests.serial.conftest import TIMING
from tests.watch import Collect, SourceWatch, numbered_frames

if TYPE_CHECKING:
    from tests.serial.conftest import VirtualTime

pytestmark = pytest.mark.pty
MakeServer = Callable[..., PtyToolServer]


async def check_against_ledger(got: SourceWatch, server: PtyToolServer) -> None:
    """Every sample sent between the first and last one received arrived once, in order,
    with the value sent; and the source counted as lost exactly what the faults cost."""
    received = got.numbered(RESOLUTION_N)
    first, last = received[0][0], received[-1][0]
    # the tool books a frame just after writing it: let the ledger catch up with the host
    booked = await asyncio.to_thread(
        server.wait_for, lambda ledger: bool(ledger.sent) and ledger.sent[-1].seq >= last
    )
    assert booked
    sent = [s for s in numbered_frames(server.ledger.sent) if first <= s[0] <= last]
    assert received == sent
    lost = sum(len(f.values) for f in server.ledger.lost_frames if first < f.seq <= last)
    assert got.source.stats.lost == lost
    assert np.all(np.diff(got.times()) > 0), "time must be strictly increasing"


@pytest.mark.slow
async def test_every_sample_arrives_once_in_order_with_the_value_sent(
    make_server: MakeServer, binary_source: SerialSource, collect: Collect
) -> None:
    server = make_server(profile="overshoot")
    got = collect(binary_source)
    await got.samples(300)
    await check_against_ledger(got, server)
    assert got.source.stats.lost == 0
    assert got.states()[:2] == [LinkState.CONNECTING, LinkState.LIVE]
    (info,) = got.infos
    assert info.model == "knotmeter (simulated)"
    assert binary_source.kind is SourceKind.SIMULATED, "a simulator must never pass for a tool"
    np.testing.assert_allclose(np.diff(got.times()), 1 / 80, rtol=1e-6)


@pytest.mark.slow
async def test_twenty_unplugs_reconnect_after_one_retry_delay_without_duplicates(
    make_server: MakeServer, link_path: Path, collect: Collect, virtual_time: VirtualTime
) -> None:
    """On the source's own clock: each unplug is told with the first retry delay, and the
    port, back once that delay has passed, is live again at the first retry."""
    server = make_server()
    source = virtual_time.binary_source(link_path)
    got = collect(source)
    for _ in range(20):
        await got.more_samples(8)
        await asyncio.to_thread(server.unplug)
        await got.state_is(LinkState.RECONNECTING)
        down = got.links[-1]
        assert down.detail.endswith(f"unplugged; retrying in {TIMING.retry_s:g} s")
        await asyncio.to_thread(server.replug)
        await virtual_time.advance(TIMING.retry_s)
        await got.state_is(LinkState.LIVE)
        assert got.links[-2:] == [down, got.links[-1]], "no retry failed on the way"
    assert got.source.stats.reconnects == 20
    assert server.ledger.unplugs == 20
    await check_against_ledger(got, server)
    assert got.source.stats.lost > 0  # samples made while unplugged are counted, not hidden


@pytest.mark.slow
async def test_drops_flips_and_garbage_cost_exactly_the_dropped_samples(
    make_server: MakeServer, binary_source: SerialSource, collect: Collect
) -> None:
    server = make_server(faults="drop=0.05,flip=0.05,garbage=0.05", seed=3)
    got = collect(binary_source)
    await got.samples(400, timeout_s=15)
    await got.close()
    await check_against_ledger(got, server)
    ledger = server.ledger
    assert ledger.drops > 0
    assert ledger.flips > 0
    assert ledger.garbage > 0
    assert got.source.stats.bad_frames >= ledger.flips


async def test_a_stall_reports_no_data_and_then_live_without_losing_samples(
    make_server: MakeServer, binary_source: SerialSource, collect: Collect
) -> None:
    server = make_server(faults="stall=1,stall_s=1.3")
    got = collect(binary_source)
    await got.until(lambda: LinkState.NO_DATA in got.states(), "no data")
    # ``live`` is told just before the batch that made it so: wait for the batch too
    await got.until(lambda: got.state is LinkState.LIVE and bool(got.batches), "live with a batch")
    assert got.states()[-2:] == [LinkState.NO_DATA, LinkState.LIVE]
    await check_against_ledger(got, server)
    assert got.source.stats.lost == 0


async def test_a_missing_port_says_so_and_connects_when_the_tool_appears(
    make_server: MakeServer, binary_source: SerialSource, collect: Collect
) -> None:
    got = collect(binary_source)
    await got.until(lambda: any("no such port" in e.detail for e in got.links), "no such port")
    make_server()
    await got.state_is(LinkState.LIVE)
    assert LinkState.RECONNECTING not in got.states()  # never opened yet: still connecting


async def test_a_missing_port_is_retried_on_a_doubling_schedule(
    link_path: Path, collect: Collect, virtual_time: VirtualTime
) -> None:
    """The backoff, on the source's own clock: 0.05 s doubling up to 0.5 s, then steady."""
    source = virtual_time.binary_source(link_path)
    got = collect(source)
    told = 1  # "opening …"
    for delay in [0.05, 0.1, 0.2, 0.4, 0.5, 0.5]:
        told += 1
        await got.until(partial(_told, got, told), f"{told} link changes")
        retry = got.links[-1]
        assert retry.state is LinkState.CONNECTING
        assert retry.detail == f"{link_path}: no such port (is the tool plugged in? " + (
            f"`knotmeter devices` lists ports); retrying in {delay:g} s"
        )
        await virtual_time.advance(delay)
    assert got.links[0].detail == f"opening {link_path}"


def _told(got: SourceWatch, n: int) -> bool:
    return len(got.links) >= n


async def test_tare_and_set_rate_reach_the_tool(
    make_server: MakeServer, binary_source: SerialSource, collect: Collect, tmp_path: Path
) -> None:
    steady = tmp_path / "steady.toml"
    steady.write_text(
        "spec_version = 1\nloop = false\n[[segment]]\nduration_s = 0.2\nto_n = 30.0\n"
    )
    make_server(profile=str(steady))
    got = collect(binary_source)
    await got.more_samples(40)  # past the 0.2 s ramp: the tare window sees a steady load
    assert got.batches[-1].force_n[-1] > 25
    await binary_source.tare()
    await got.until(lambda: abs(got.batches[-1].force_n[-1]) < 2, "a tared sample")
    await binary_source.set_rate(10)
    await got.until(
        lambda: len(got.batches) > 2 and np.diff(got.times()[-2:])[0] > 0.09, "samples at 10 Hz"
    )
