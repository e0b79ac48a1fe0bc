"""``knotmeter record``: capture a tool's samples to a CSV trace, no dashboard."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from firmware_host.source import LinkChanged, LinkState, Source
from knotmeter.bounds import bounded
from knotmeter.core.samples import SampleBatch
from knotmeter.errors import KnotmeterError
from knotmeter.sources import open_source
from knotmeter.traces import TraceWriter

FIRST_SAMPLE_TIMEOUT_S = 5.0
SECONDS_RANGE = (0.1, 86_400.0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", required=True, metavar="MONIKER", help="e.g. serial:/dev/ttyACM0"
    )
    parser.add_argument(
        "--seconds", required=True, metavar="S", help="how long to record (up to a day)"
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV trace to write")


def run(args: argparse.Namespace) -> int:
    seconds = bounded("--seconds", args.seconds, *SECONDS_RANGE, "seconds")
    source = open_source(args.source)
    try:
        writer = TraceWriter(args.output)
    except OSError as err:
        raise KnotmeterError(f"{args.output}: cannot write ({err.strerror})") from None
    with writer:
        samples = asyncio.run(_record(source, writer, seconds))
    stats = source.stats
    skipped = f", {writer.skipped} unreadable samples skipped" if writer.skipped else ""
    print(
        f"{args.output}: {samples} samples in {seconds:g} s, "
        f"rate {stats.rate_hz:.1f} Hz, lost {stats.lost}, bad frames {stats.bad_frames}, "
        f"reconnects {stats.reconnects}{skipped}"
    )
    return 0


async def _record(source: Source, writer: TraceWriter, seconds: float) -> int:
    """Write batches for ``seconds`` of host time after the first sample arrives."""
    samples = 0
    detail = ""
    try:
        async with asyncio.timeout(FIRST_SAMPLE_TIMEOUT_S) as deadline:
            async for event in source.events():
                if isinstance(event, LinkChanged):
                    detail = event.detail
                    if event.state is LinkState.CLOSED:
                        if not samples and event.detail:  # refused (an uncalibrated tool)
                            raise KnotmeterError(f"{source.moniker}: {event.detail}")
                        break
                elif isinstance(event, SampleBatch):
                    if not samples:
                        deadline.reschedule(asyncio.get_running_loop().time() + seconds)
                    writer.write(event)
                    samples = writer.samples
    except TimeoutError:
        if not samples:
            raise KnotmeterError(
                f"{source.moniker}: no samples in {FIRST_SAMPLE_TIMEOUT_S:g} s ({detail})"
            ) from None
    finally:
        await source.close()
    return samples
