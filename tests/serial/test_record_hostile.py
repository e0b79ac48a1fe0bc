"""``record`` on a hostile tool (period 0, duplicated, swapped, glitched frames) writes a
trace that ``analyze`` reads, through a real pty."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from firmware_host.protocol.messages import SampleFrame
from knotmeter.cli import main
from knotmeter.traces import read_trace
from tests.protocol.test_hostile_streams import PERIOD, RESOLUTION_N, raw_frame, tool_frames

if TYPE_CHECKING:
    from tests.serial.conftest import LineDevice

pytestmark = pytest.mark.pty


def _hostile_bytes() -> bytes:
    rng = random.Random(3)
    frames = tool_frames(0, [4] * 400, 65_000, 2**32 - 1_000_000)  # both wrap mid-way
    out = [raw_frame(SampleFrame(9, 9, 0, RESOLUTION_N, (1, 2)))]  # untimed before any period
    for k, frame in enumerate(frames):
        roll = rng.random()
        if roll < 0.1:
            out += [raw_frame(frame)] * 2  # duplicated
        elif roll < 0.2:
            out.append(
                raw_frame(SampleFrame(frame.seq, frame.device_us, 0, RESOLUTION_N, frame.values))
            )
        elif roll < 0.25 and k:
            out.insert(len(out) - 1, raw_frame(frame))  # overtakes the frame before it
        elif roll < 0.28:
            glitched = SampleFrame(
                rng.randrange(65536), frame.device_us, PERIOD, RESOLUTION_N, frame.values
            )
            out.append(raw_frame(glitched))
        else:
            out.append(raw_frame(frame))
    return b"".join(out)


def test_record_on_a_hostile_tool_writes_a_trace_analyze_reads(
    link_path: Path,
    line_device: Callable[..., LineDevice],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stream = _hostile_bytes()
    sent: list[bool] = []

    def reply(request: bytes) -> bytes:  # everything at once, after the host's GET_INFO
        if sent:
            return b""
        sent.append(True)
        return stream

    line_device(reply=reply)
    trace = tmp_path / "hostile.csv"
    argv = ["record", "--source", f"serial:{link_path}", "--seconds", "1", "-o", str(trace)]
    assert main(argv) == 0
    assert "bad frames" in capsys.readouterr().out
    batch = read_trace(trace)
    assert len(batch) > 1000
    values = (batch.force_n / RESOLUTION_N).round().astype(int).tolist()
    assert values == sorted(set(values)), "no sample twice, none out of order"
    assert main(["analyze", str(trace), "--region", "upper-trapezius"]) == 0
