"""The simulated tool and its ADC, driven without any transport or clock."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_host.protocol.messages import (
    AckFrame,
    CommandFrame,
    ErrorCode,
    ErrorFrame,
    InfoFrame,
    Op,
    SampleFrame,
    StatusFrame,
)
from hardware_sims.faults import Fault, FaultInjector, FaultPlan
from hardware_sims.hx711 import COUNTS_MAX, Hx711, Hx711Config
from hardware_sims.launch import build_tool
from hardware_sims.tool import RESOLUTION_N, SimulatedTool
from knotmeter.core.regions import load_regions


def samples(tool: SimulatedTool, until: float) -> list[SampleFrame]:
    return [m for m in tool.poll(until) if isinstance(m, SampleFrame)]


def test_adc_noise_matches_a_real_board_at_rest() -> None:
    adc = Hx711(seed=1)
    c = adc.config
    newtons = [(adc.read(0.0, 0.0).counts - c.offset_counts) / c.counts_per_n for _ in range(4000)]
    assert np.std(newtons) == pytest.approx(0.06, rel=0.1)


def test_adc_warms_up_and_saturates_at_the_rail() -> None:
    adc = Hx711(Hx711Config(noise_n=0.0), seed=0)
    c = adc.config
    assert adc.read(0.0, 0.0).counts == c.offset_counts
    assert adc.read(0.0, 3000.0).counts > c.offset_counts + 0.7 * c.counts_per_n
    top = adc.read(c.full_scale_n + 1.0, 0.0)
    assert top.counts == COUNTS_MAX
    assert top.saturated
    assert not adc.read(c.full_scale_n - 1.0, 0.0).saturated


def test_the_simulated_range_covers_every_default_ceiling_with_margin() -> None:
    """Issue 9's rule: no ceiling at or above ~90 % of the tool's range."""
    full_scale = Hx711Config().full_scale_n
    assert full_scale >= 300.0
    assert max(r.ceiling_n for r in load_regions().values()) < 0.9 * full_scale


def test_tool_streams_numbered_frames_at_its_rate() -> None:
    tool = build_tool("calm", rate_hz=80.0, samples_per_frame=4)
    frames = samples(tool, 1.0)
    assert len(frames) == 20  # 81 samples due by t = 1 s; 80 fill 20 frames of 4
    assert [f.seq for f in frames] == list(range(0, 80, 4))
    assert frames[1].device_us == 50_000
    assert {f.period_us for f in frames} == {12_500}


def test_tool_sends_status_every_five_seconds() -> None:
    tool = build_tool("calm")
    statuses = [
        m for t in np.arange(0, 12, 0.1) for m in tool.poll(t) if isinstance(m, StatusFrame)
    ]
    assert len(statuses) == 3


def test_force_values_follow_the_press_after_tare() -> None:
    tool = build_tool("calm", seed=2)
    frames = samples(tool, 40.0)
    forces = np.array([v for f in frames for v in f.values]) * RESOLUTION_N
    expected = np.array([tool.press.force_at(k / 80) for k in range(len(forces))])
    assert np.abs(forces - expected).max() < 0.5  # noise and warm-up drift only


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        (CommandFrame(Op.GET_INFO, 1), InfoFrame),
        (CommandFrame(Op.GET_STATUS, 2), StatusFrame),
        (CommandFrame(Op.SET_RATE, 3, 10.0), AckFrame),
        (CommandFrame(Op.SET_RATE, 4, 50.0), ErrorFrame),
        (CommandFrame(Op.STOP, 5), AckFrame),
        (CommandFrame(Op.CALIBRATE, 6, 0.0), ErrorFrame),
    ],
)
def test_every_command_is_answered(command: CommandFrame, reply: type) -> None:
    tool = build_tool("calm")
    tool.poll(1.0)
    (answer,) = tool.handle(command, 1.0)
    assert isinstance(answer, reply)
    if isinstance(answer, AckFrame | ErrorFrame):
        assert answer.request_id == command.request_id


def test_tare_needs_samples_and_then_zeroes_the_load() -> None:
    tool = build_tool("calm", seed=3)
    (refusal,) = tool.handle(CommandFrame(Op.TARE, 1), 0.0)
    assert isinstance(refusal, ErrorFrame)
    assert refusal.code is ErrorCode.NOT_STREAMING
    samples(tool, 40.0)  # pressing at ~52 N
    tool.handle(CommandFrame(Op.TARE, 2), 40.0)
    after = samples(tool, 40.5)
    assert abs(np.mean([v for f in after for v in f.values]) * RESOLUTION_N) < 3.0


def test_set_rate_changes_the_period_and_stop_start_pause_the_stream() -> None:
    tool = build_tool("calm")
    samples(tool, 1.0)
    tool.handle(CommandFrame(Op.SET_RATE, 1, 10.0), 1.0)
    assert {f.period_us for f in samples(tool, 2.0)} == {100_000}
    tool.handle(CommandFrame(Op.STOP, 2), 2.0)
    assert samples(tool, 3.0) == []
    tool.handle(CommandFrame(Op.START, 3), 3.0)
    assert len(samples(tool, 3.5)) == 6  # at 3.0, 3.1, ... 3.5 s


def test_calibration_with_a_known_mass_rescales() -> None:
    tool = build_tool("calm", seed=4)
    samples(tool, 40.0)  # ~52 N on the tool
    (ack,) = tool.handle(CommandFrame(Op.CALIBRATE, 1, 2000.0), 40.0)  # claim it is 2 kg
    assert isinstance(ack, AckFrame)
    after = samples(tool, 40.5)
    assert np.mean([v for f in after for v in f.values]) * RESOLUTION_N == pytest.approx(
        2 * 9.80665, rel=0.1
    )


def test_fault_plans_parse_and_reject_by_name() -> None:
    plan = FaultPlan.parse("drop=0.1, flip=0.2,stall_s=2")
    assert (plan.drop, plan.flip, plan.stall_s) == (0.1, 0.2, 2.0)
    for spec, message in [("meteor=1", "meteor"), ("drop=2", "outside 0..1"), ("drop=x", "'x'")]:
        with pytest.raises(ValueError, match=message):
            FaultPlan.parse(spec)


def test_fault_choices_are_reproducible_and_near_their_odds() -> None:
    def fates(seed: int) -> list[Fault]:
        injector = FaultInjector(FaultPlan(drop=0.1, flip=0.05), seed=seed)
        return [injector.choose() for _ in range(5000)]

    assert fates(1) == fates(1)
    assert fates(1).count(Fault.DROP) == pytest.approx(500, rel=0.15)
    assert fates(1).count(Fault.FLIP) == pytest.approx(250, rel=0.2)
