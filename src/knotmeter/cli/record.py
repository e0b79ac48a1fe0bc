"""``knotmeter record``: capture a tool's samples to a CSV trace, no dashboard.

The output is a new file: an existing one is refused unless ``--force``, and the
trace being recorded from (``--source file:T.csv``) is never the output, forced or
not. A port that goes away and stays away ends the recording (exit 1) saying when,
and how many samples the file kept.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from firmware_host.serial.source import LinkTiming
from firmware_host.source import LinkChanged, LinkState, Source
from knotmeter.bounds import bounded
from knotmeter.core.samples import SampleBatch
from knotmeter.errors import BadInput, KnotmeterError
from knotmeter.sources import Moniker, open_source
from knotmeter.traces import TraceWriter

FIRST_SAMPLE_TIMEOUT_S = LinkTiming().bad_format_s + 1.0
"""Past the serial link's verdict on unreadable bytes (5 s), so a port sending bytes
that never parse is named as such (format and baud), not as a plain silence."""
GONE_S = 5.0
"""A link down this long after it was live is gone for good: the recording ends."""
SECONDS_RANGE = (0.1, 86_400.0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", required=True, metavar="MONIKER", help="e.g. serial:/dev/ttyACM0"
    )
    parser.add_argument(
        "--seconds", required=True, metavar="S", help="how long to record (up to a day)"
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV trace to write")
    parser.add_argument(
        "--force", action="store_true", help="replace an existing output file (never the input)"
    )


def run(args: argparse.Namespace) -> int:
    seconds = bounded("--seconds", args.seconds, *SECONDS_RANGE, "seconds")
    output: Path = args.output
    _refuse_own_input(args.source, output)
    if output.exists() and not args.force:
        raise _exists(output)
    source = open_source(args.source)
    try:
        writer = TraceWriter(output, replace=args.force)
    except FileExistsError:  # made between the check and the open
        raise _exists(output) from None
    except OSError as err:
        raise KnotmeterError(f"{output}: cannot write ({err.strerror})") from None
    with writer:
        try:
            samples, gone = asyncio.run(_record(source, writer, seconds))
        except KnotmeterError:
            if not writer.samples:  # a header alone would block the same -o next time
                output.unlink(missing_ok=True)
            raise
    stats = source.stats
    skipped = f", {writer.skipped} unreadable samples skipped" if writer.skipped else ""
    if gone is not None:
        at, detail = gone
        what = "port" if source.moniker.startswith("serial:") else "tool"
        raise KnotmeterError(
            f"{source.moniker}: the {what} disappeared at {at:.1f} s; {samples} samples kept "
            f"in {output} ({detail})"
        )
    print(
        f"{output}: {samples} samples in {seconds:g} s, "
        f"rate {stats.rate_hz:.1f} Hz, lost {stats.lost}, bad frames {stats.bad_frames}, "
        f"reconnects {stats.reconnects}{skipped}"
    )
    return 0


def _exists(output: Path) -> BadInput:
    return BadInput(f"{output} exists: choose another -o, or add --force to replace it")


def _refuse_own_input(moniker: str, output: Path) -> None:
    """``--source file:t.csv -o t.csv`` would cut the trace it reads: refused, even forced."""
    try:
        parsed = Moniker.parse(moniker)
    except BadInput:
        return  # open_source names the bad moniker
    if parsed.scheme != "file":
        return
    source = Path(parsed.target)
    try:
        same = os.path.samefile(source, output)
    except OSError:  # either missing: they cannot be one file
        same = False
    if same:
        raise BadInput(
            f"-o {output} is the trace being recorded from ({moniker}): write to another file "
            "(--force never replaces the input)"
        )


async def _record(
    source: Source, writer: TraceWriter, seconds: float
) -> tuple[int, tuple[float, str] | None]:
    """Write batches for ``seconds`` of host time after the first sample arrives.

    Returns the samples written and, if the link went down after it was live and stayed
    down (:data:`GONE_S`, or to the end), when (seconds into the recording) and why.
    """
    samples = 0
    detail = ""
    loop = asyncio.get_running_loop()
    started: float | None = None
    down_since: float | None = None
    try:
        async with asyncio.timeout(FIRST_SAMPLE_TIMEOUT_S) as deadline:
            async for event in source.events():
                if isinstance(event, LinkChanged):
                    detail = event.detail
                    if event.state is LinkState.CLOSED:
                        if not samples and event.detail:  # refused (an uncalibrated tool)
                            raise KnotmeterError(f"{source.moniker}: {event.detail}")
                        break
                    if event.state is LinkState.LIVE and started is not None:
                        down_since = None
                        deadline.reschedule(started + seconds)
                    elif event.state is LinkState.RECONNECTING and started is not None:
                        down_since = loop.time() if down_since is None else down_since
                        deadline.reschedule(min(_when(deadline), down_since + GONE_S))
                elif isinstance(event, SampleBatch):
                    if started is None:
                        started = loop.time()
                        deadline.reschedule(started + seconds)
                    elif down_since is not None:
                        down_since = None
                        deadline.reschedule(started + seconds)
                    writer.write(event)
                    samples = writer.samples
    except TimeoutError:
        if not samples:
            raise KnotmeterError(
                f"{source.moniker}: no samples in {FIRST_SAMPLE_TIMEOUT_S:g} s ({detail})"
            ) from None
    finally:
        await source.close()
    if down_since is not None and started is not None:
        return samples, (down_since - started, detail)
    return samples, None


def _when(deadline: asyncio.Timeout) -> float:
    when = deadline.when()
    assert when is not None  # set on entry and only ever moved
    return when
