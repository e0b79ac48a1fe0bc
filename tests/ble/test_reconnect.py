"""Ten forced link drops in one run: every one reconnects, no sample is duplicated or
reordered, and the hold timer does not count the time the link was down."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from firmware_host.ble.scan import parse_target
from firmware_host.ble.source import BleSource, BleTiming
from firmware_host.ble.uuids import KNOTMETER_DATA
from firmware_host.protocol.messages import SampleFrame, decode_payload
from firmware_host.source import LinkChanged, LinkState
from hardware_sims.bluez.serve import ADDRESSES, simulated_knotmeter
from hardware_sims.bluez.simulator import BluezSimulator
from knotmeter.core import Pipeline, PipelineConfig, SampleBatch
from tests.watch import SourceWatch, record_notifications

pytestmark = pytest.mark.dbus

DROPS = 10
RECONNECT_DELAY_S = 0.3
PERIOD_S = 1 / 80


def steady_press(folder: Path) -> str:
    """Ramp into the middle of the upper-trapezius band (40-65 N) and stay there."""
    path = folder / "steady.toml"
    path.write_text(
        "spec_version = 1\n"
        "[[segment]]\nduration_s = 0.5\nto_n = 52.0\n"
        "[[segment]]\nduration_s = 600.0\nto_n = 52.0\n"
    )
    return str(path)


async def test_ten_drops_reconnect_without_duplicates_and_pause_the_hold(
    bluez: BluezSimulator, tmp_path: Path
) -> None:
    sent_data = record_notifications(bluez, KNOTMETER_DATA)
    device = bluez.add(simulated_knotmeter(steady_press(tmp_path)), address=ADDRESSES["knotmeter"])
    timing = BleTiming(reconnect_schedule_s=(RECONNECT_DELAY_S,))
    source = BleSource("ble:", parse_target(""), timing=timing)
    async with SourceWatch(source) as watch:
        await watch.samples(40)
        for drop in range(DROPS):
            device.drop_link()
            await watch.state_is(LinkState.RECONNECTING, timeout_s=2.0)
            before = watch.sample_count
            await watch.state_is(LinkState.LIVE, timeout_s=5.0)
            await watch.samples(before + 20, timeout_s=5.0)
            assert source.stats.reconnects == drop + 1

    # Every sample the tool put on the air arrived once, in order, with its value.
    frames = [m for v in sent_data if isinstance(m := decode_payload(v), SampleFrame)]
    sent = {f.seq + i: v * f.resolution_n for f in frames for i, v in enumerate(f.values)}
    got = [
        (b.seq0 + i, force)
        for b in watch.batches
        if b.seq0 is not None
        for i, force in enumerate(b.force_n.tolist())
    ]
    seqs = [seq for seq, _ in got]
    assert len(set(seqs)) == len(seqs)
    assert seqs == sorted(seqs)
    assert all(sent[seq] == force for seq, force in got)
    assert (
        source.stats.lost
        == sum(b.lost for b in watch.batches)
        == seqs[-1] - seqs[0] + 1 - len(seqs)
    )

    # One timeline, strictly increasing, with a gap where each drop was.
    dt = np.diff(watch.times())
    assert bool(np.all(dt > 0))
    gaps = dt[dt > 2 * PERIOD_S]
    assert len(gaps) == DROPS
    assert bool(np.all(gaps >= RECONNECT_DELAY_S))

    # The hold timer, fed as the session feeds it, pauses while the link is down.
    pipeline = Pipeline(PipelineConfig.for_region("upper-trapezius"))
    last_t: float | None = None
    for event in watch.events:
        if isinstance(event, SampleBatch) and len(event):
            pipeline.feed(event)
            last_t = float(event.t[-1])
        elif isinstance(event, LinkChanged) and event.state is LinkState.RECONNECTING:
            assert last_t is not None
            pipeline.link_lost(last_t)
    hold = pipeline.state.hold
    assert hold.active
    assert hold.started_t is not None
    t = watch.times()
    after_start = t > hold.started_t
    live_in_band = float(np.sum(np.where(dt <= 2 * PERIOD_S, dt, 0.0)[after_start[1:]]))
    span = float(t[-1] - hold.started_t)
    assert hold.in_band_s == pytest.approx(live_in_band, abs=0.1)
    assert span - hold.in_band_s >= 0.9 * float(np.sum(gaps))
