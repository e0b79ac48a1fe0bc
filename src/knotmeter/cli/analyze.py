"""``knotmeter analyze``: the live pipeline over a recorded trace, offline.

The trace goes through exactly the code a live session runs, so a recording is a
faithful way to check what the coach would have said; ``--json`` gives one event
per line for scripts.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

from knotmeter.bounds import bounded
from knotmeter.core.config import PipelineConfig
from knotmeter.core.events import AlarmKind, AlarmRaised, Event, HoldCompleted, HoldEnded
from knotmeter.core.pipeline import Pipeline
from knotmeter.core.records import event_record, seconds
from knotmeter.core.regions import UnknownRegion, get_region, load_regions
from knotmeter.errors import BadInput
from knotmeter.traces import TraceSpan, iter_trace

FORCE_RANGE_N = (0.0, 2000.0)
"""Bands and ceilings a person may set: no tool measures beyond 2 kN (about 200 kgf)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trace", type=Path, metavar="TRACE.csv", help="CSV with t_s,force_n")
    parser.add_argument("--region", metavar="ID", help="point treated (sets band, ceiling, hold)")
    parser.add_argument("--band", metavar="LOW:HIGH", help="override the band, newtons")
    parser.add_argument("--ceiling", metavar="N", help="override the ceiling, newtons")
    parser.add_argument("--target", metavar="S", help="in-band seconds that complete a hold")
    parser.add_argument("--json", action="store_true", help="one JSON event per line")


def _number(option: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"{option}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadInput(f"{option}: {text!r} is not a finite number")
    return value


def _band(text: str) -> tuple[float, float]:
    low_text, sep, high_text = text.partition(":")
    if not sep:
        raise BadInput(f"--band: {text!r} is not LOW:HIGH (e.g. --band 40:65)")
    low = bounded("--band", low_text, *FORCE_RANGE_N, "N")
    high = bounded("--band", high_text, *FORCE_RANGE_N, "N")
    if not 0 < low < high:
        raise BadInput(f"--band: low must be above 0 and below high (got {low:g}:{high:g})")
    return low, high


def config_from_args(args: argparse.Namespace) -> PipelineConfig:
    """Build the pipeline settings from the options, naming the option in every error."""
    if args.region is None:
        raise BadInput(f"--region is required; choose one of: {', '.join(load_regions())}")
    try:
        region = get_region(args.region)
    except UnknownRegion as err:
        raise BadInput(f"--region: {err}") from None
    band = None if args.band is None else _band(args.band)
    ceiling = (
        None if args.ceiling is None else bounded("--ceiling", args.ceiling, *FORCE_RANGE_N, "N")
    )
    target = None if args.target is None else _number("--target", args.target)
    if target is not None and not target > 0:
        raise BadInput(f"--target: must be above 0 seconds (got {target:g})")
    high = region.band_high_n if band is None else band[1]
    limit = region.ceiling_n if ceiling is None else ceiling
    if not limit > high:
        option = "--band" if ceiling is None else "--ceiling"
        raise BadInput(
            f"{option}: the ceiling ({limit:g} N) must be above the band's high edge ({high:g} N)"
        )
    return PipelineConfig.for_region(region.id, band=band, ceiling_n=ceiling, target_s=target)


def _summary(events: list[Event], first_t: float, last_t: float) -> dict[str, object]:
    holds = [event for event in events if isinstance(event, HoldEnded)]
    raised = Counter(event.kind for event in events if isinstance(event, AlarmRaised))
    return {
        "event": "summary",
        "t": seconds(last_t),
        "holds": len(holds),
        "complete_holds": sum(hold.complete for hold in holds),
        "alarms": {kind.value: raised[kind] for kind in AlarmKind},
        "duration_s": seconds(last_t - first_t),
    }


def _print_json(events: list[Event], summary: dict[str, object]) -> None:
    # The stream's line types are fixed by the CLI contract; completion is carried
    # by hold_ended's "complete" field rather than a line of its own.
    lines = [json.dumps(event_record(e)) for e in events if not isinstance(e, HoldCompleted)]
    lines.append(json.dumps(summary))
    sys.stdout.write("\n".join(lines) + "\n")


def _print_text(trace: Path, config: PipelineConfig, events: list[Event], samples: int) -> None:
    print(
        f"{trace}: {samples} samples; {config.region.name} "
        f"(band {config.band_low_n:g}-{config.band_high_n:g} N, "
        f"ceiling {config.ceiling_n:g} N, target {config.target_s:g} s)"
    )
    holds = [event for event in events if isinstance(event, HoldEnded)]
    print(f"holds: {len(holds)}, complete: {sum(hold.complete for hold in holds)}")
    for number, hold in enumerate(holds, start=1):
        verdict = "complete" if hold.complete else "short"
        print(
            f"  {number}. {hold.start:.1f}-{hold.t:.1f} s: in band {hold.in_band_s:.1f} s, "
            f"over band {hold.over_band_s:.1f} s, peak {hold.peak_n:.1f} N, "
            f"mean {hold.mean_n:.1f} N ({verdict})"
        )
    alarms = [event for event in events if isinstance(event, AlarmRaised)]
    if not alarms:
        print("alarms: none")
        return
    print(f"alarms: {len(alarms)}")
    for alarm in alarms:
        print(f"  {alarm.t:.2f} s  {alarm.kind.value} at {alarm.force_n:.1f} N")


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    pipeline = Pipeline(config)
    span = TraceSpan()
    events: list[Event] = []
    for batch in iter_trace(args.trace, span=span):  # memory flat in the trace's length
        events += pipeline.feed(batch)
    events += pipeline.stop_hold()  # a trace that ends mid-press still reports its hold
    if args.json:
        _print_json(events, _summary(events, span.first_t, span.last_t))
    else:
        _print_text(args.trace, config, events, span.samples)
    return 0
