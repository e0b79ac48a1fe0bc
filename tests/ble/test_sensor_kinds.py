"""Every kind over the simulated BlueZ with bleak's real backend: its rate, its values,
its full scale; the Progressor's real cadence; relinks that add no time; a silent
link and a dead BlueZ that come back; a name that matches nothing says so."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from firmware_host.ble.kinds import BY_WORD
from firmware_host.ble.progressor import WeightSamples, decode_notification
from firmware_host.ble.scan import parse_target
from firmware_host.ble.source import BleSource, BleTiming
from firmware_host.ble.uuids import PROGRESSOR_DATA
from firmware_host.source import LinkState
from hardware_sims.bluez.bus import PrivateBus
from hardware_sims.bluez.dyno import TRUE_N_PER_COUNT
from hardware_sims.bluez.serve import ADDRESSES, simulated, simulated_knotmeter
from hardware_sims.bluez.simulator import BluezSimulator
from knotmeter.calibrated import CalibratedSource
from knotmeter.core.provenance import SourceKind
from knotmeter.core.units import STANDARD_GRAVITY
from tests.watch import SourceWatch, record_notifications

pytestmark = pytest.mark.dbus

PRESS_N = 52.0
FAST = BleTiming(reconnect_schedule_s=(0.2,), scan_timeout_s=1.0, no_data_s=0.3, silence_drop_s=1.0)


def steady_press(folder: Path) -> str:
    path = folder / "steady.toml"
    path.write_text(
        "spec_version = 1\n"
        "[[segment]]\nduration_s = 1.0\nto_n = 0.0\n"  # unloaded first: a count tare's window
        f"[[segment]]\nduration_s = 0.3\nto_n = {PRESS_N}\n"
        f"[[segment]]\nduration_s = 600.0\nto_n = {PRESS_N}\n"
    )
    return str(path)


@pytest.mark.parametrize(
    ("word", "model"),
    [
        ("dyno", "Frez Dyno"),
        ("entralpi", "Entralpi"),
        ("forceboard", "PitchSix Force Board"),
        ("whc06", "WH-C06 crane scale"),
    ],
)
async def test_each_kind_streams_at_its_rate_with_its_resolution(
    bluez: BluezSimulator, tmp_path: Path, word: str, model: str
) -> None:
    kind = BY_WORD[word]
    bluez.add(simulated(word, steady_press(tmp_path)), address=ADDRESSES[word])
    ble = BleSource(f"ble:{word}", parse_target(word))
    source = CalibratedSource(ble, lookup=lambda _device: TRUE_N_PER_COUNT)  # the Dyno's counts
    async with SourceWatch(source) as watch:
        await watch.samples(int(kind.rate_hz * 3.0), timeout_s=10.0)
    t, force = watch.times(), watch.forces()
    assert bool(np.all(np.diff(t) > 0))
    assert (len(t) - 1) / (t[-1] - t[0]) == pytest.approx(kind.rate_hz, rel=0.15)
    settled = force[t > t[0] + 2.0]
    step = kind.resolution_n or 0.0
    assert np.abs(settled - PRESS_N).max() <= step + 4.0  # the press wobbles a little
    if step:
        counts = settled / step
        assert np.allclose(counts, np.round(counts), atol=1e-6)  # the device's own steps
    info = watch.infos[0]
    assert (info.model, info.full_scale_n, info.rate_hz) == (model, kind.full_scale_n, kind.rate_hz)
    assert not info.raw_counts  # newtons reach the app, whatever the device sends
    assert ble.stats.lost == 0
    assert watch.links[-2].state is LinkState.LIVE
    assert source.kind is SourceKind.SIMULATED


async def test_progressor_cadence_is_a_real_units(bluez: BluezSimulator) -> None:
    """REFERENCE §6: ≈ 11.4 ms apart, ~6 % of intervals 22.8 ms (1 sample in 16 missing)."""
    sent = record_notifications(bluez, PROGRESSOR_DATA)
    bluez.add(simulated("progressor", "calm"), address=ADDRESSES["progressor"])
    source = BleSource("ble:progressor", parse_target("progressor"))
    async with SourceWatch(source) as watch:
        await watch.samples(700, timeout_s=15.0)
        await watch.until(lambda: len(watch.infos) >= 2, "a measured rate", timeout_s=5.0)
    weights = [m for v in sent if isinstance(m := decode_notification(v), WeightSamples)]
    stamps = [us for m in weights for us in m.device_us]
    intervals_ms = np.diff(np.array(stamps[:700], dtype=np.float64)) / 1000.0
    periods = np.round(intervals_ms / 11.4)
    assert np.median(intervals_ms) == pytest.approx(11.4, abs=0.01)
    assert 0.03 <= np.mean(periods == 2) <= 0.10
    assert np.mean(periods >= 3) <= 0.02
    assert max(len(m.kg) for m in weights) == 15
    measured = watch.infos[1].rate_hz
    assert 79.0 <= measured <= 88.0  # delivered: 87.7 Hz less the missing ones
    assert watch.infos[0].full_scale_n == pytest.approx(150 * STANDARD_GRAVITY)


async def test_a_name_prefix_matches_in_any_case(bluez: BluezSimulator) -> None:
    bluez.add(simulated_knotmeter("calm"), address=ADDRESSES["knotmeter"])
    source = BleSource("ble:KNOTMETER-sim", parse_target("KNOTMETER-sim"), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.samples(5)
    assert "knotmeter-SIM-0001" in watch.links[1].detail


async def test_no_tool_named_so_says_so_within_one_scan_and_keeps_looking(
    bluez: BluezSimulator,
) -> None:
    bluez.add(simulated_knotmeter("calm"), address=ADDRESSES["knotmeter"])
    source = BleSource("ble:nosuchtool", parse_target("nosuchtool"), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.until(
            lambda: len(watch.links) >= 3, "two scans", timeout_s=FAST.scan_timeout_s * 4
        )
    details = [link.detail for link in watch.links[1:3]]
    assert all(
        d.startswith("no tool named nosuchtool nearby (seen: knotmeter-SIM-0001)") for d in details
    )
    assert {link.state for link in watch.links[:-1]} == {LinkState.CONNECTING}


async def test_a_link_that_stays_silent_is_dropped_and_reconnected(bluez: BluezSimulator) -> None:
    device = bluez.add(simulated_knotmeter("calm"), address=ADDRESSES["knotmeter"])
    source = BleSource("ble:", parse_target(""), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.samples(10)
        device.pause_notifications()
        await watch.state_is(LinkState.NO_DATA, timeout_s=2.0)
        await watch.state_is(LinkState.RECONNECTING, timeout_s=3.0)
        device.resume_notifications()
        before = watch.sample_count
        await watch.samples(before + 10, timeout_s=5.0)
    assert "link dropped" in next(
        s.detail for s in watch.links if s.state is LinkState.RECONNECTING
    )
    assert source.stats.reconnects == 1
    assert next(s.detail for s in watch.links if s.state is LinkState.LIVE).endswith("MTU 247")


async def test_a_killed_bluez_that_comes_back_is_reconnected(private_bus: PrivateBus) -> None:
    address = ADDRESSES["knotmeter"]
    first = BluezSimulator(private_bus.address)
    first.add(simulated_knotmeter("calm"), address=address)
    await first.start()
    source = BleSource("ble:", parse_target(""), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.samples(20)
        await first.crash()
        await watch.state_is(LinkState.RECONNECTING, timeout_s=5.0)
        async with BluezSimulator(private_bus.address) as second:
            second.add(simulated_knotmeter("calm"), address=address)
            before = watch.sample_count
            await watch.samples(before + 20, timeout_s=10.0)
    assert source.stats.reconnects == 1
    assert bool(np.all(np.diff(watch.times()) > 0))


@pytest.mark.slow
async def test_fifteen_drops_in_45_s_keep_the_span_within_1_percent_of_device_time(
    bluez: BluezSimulator,
) -> None:
    sent = record_notifications(bluez, PROGRESSOR_DATA)
    device = bluez.add(simulated("progressor", "calm"), address=ADDRESSES["progressor"])
    source = BleSource(
        "ble:progressor", parse_target("progressor"), timing=BleTiming(reconnect_schedule_s=(0.3,))
    )
    async with SourceWatch(source) as watch:
        await watch.samples(10)
        for _ in range(15):
            await asyncio.sleep(2.9)  # the drop schedule itself
            device.drop_link()
            await watch.state_is(LinkState.LIVE, timeout_s=5.0)
        await asyncio.sleep(1.0)
    stamps = [
        us
        for v in sent
        if isinstance(m := decode_notification(v), WeightSamples)
        for us in m.device_us
    ]
    got = watch.sample_count
    assert len(stamps) - 15 <= got <= len(stamps)  # at most a notification in flight at the end
    device_span_s = (stamps[got - 1] - stamps[0]) / 1e6
    times = watch.times()
    assert source.stats.reconnects == 15
    lives = [link for link in watch.links if link.state is LinkState.LIVE]
    assert len(lives) == 16  # once per connection, each with its detail
    assert all(link.detail.startswith("Progressor_1A2B (") for link in lives)
    assert device_span_s > 44.0
    assert times[-1] - times[0] == pytest.approx(device_span_s, rel=0.01)
    assert source.stats.rate_hz == pytest.approx(87.7 * 15 / 16, abs=4.0)
