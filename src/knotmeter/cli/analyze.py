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
from knotmeter.core.alarms import alarm_words
from knotmeter.core.config import PipelineConfig
from knotmeter.core.cues import CueSchedule
from knotmeter.core.errors import CoachInputError
from knotmeter.core.events import AlarmKind, AlarmRaised, Event, HoldCompleted, HoldEnded
from knotmeter.core.pipeline import Pipeline
from knotmeter.core.records import event_record, newtons, seconds
from knotmeter.core.regions import UnknownRegion, get_region, load_regions
from knotmeter.core.samples import SampleBatch
from knotmeter.core.tools import Tool
from knotmeter.errors import BadInput
from knotmeter.traces import TraceSpan, iter_trace

FORCE_RANGE_N = (0.0, 2000.0)
"""Bands and ceilings a person may set: no tool measures beyond 2 kN (about 200 kgf)."""

MIN_RANGE_N = 10.0
MAX_RANGE_N = 20_000.0
"""Full scales a force tool can have: a 1 kg cell to a 2-tonne crane scale."""
SILENCE_SLACK_S = 0.01
"""As the session's watchdog: a tick lands just past the moment silence turns lost."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("trace", type=Path, metavar="TRACE.csv", help="CSV with t_s,force_n")
    parser.add_argument("--region", metavar="ID", help="point treated (sets band, ceiling, hold)")
    parser.add_argument("--band", metavar="LOW:HIGH", help="override the band, newtons")
    parser.add_argument("--ceiling", metavar="N", help="override the ceiling, newtons")
    parser.add_argument("--target", metavar="S", help="in-band seconds that complete a hold")
    parser.add_argument(
        "--tool",
        choices=[tool.value for tool in Tool],
        default=Tool.BALL.value,
        help="what pressed (scales the region's band and ceiling; default ball)",
    )
    parser.add_argument(
        "--range", metavar="N", help="the tool's full scale, newtons (caps the ceiling under it)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON event per line")
    parser.add_argument(
        "--cues",
        action="store_true",
        help="with --json: also the sound cues the dashboard would play, as cue lines",
    )


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
    if target is not None and target > region.hold_max_s:
        raise BadInput(
            f"--target: {target:g} s is longer than the longest hold for {region.name} "
            f"({region.hold_min_s:g}-{region.hold_max_s:g} s); choose {region.hold_max_s:g} s "
            "or less"
        )
    full_scale = None if args.range is None else _number("--range", args.range)
    if full_scale is not None and not MIN_RANGE_N <= full_scale <= MAX_RANGE_N:
        raise BadInput(
            f"--range: the tool's full scale must be {MIN_RANGE_N:g}-{MAX_RANGE_N:g} N "
            f"(got {full_scale:g})"
        )
    high = region.band_high_n if band is None else band[1]
    limit = region.ceiling_n if ceiling is None else ceiling
    if not limit > high:
        option = "--band" if ceiling is None else "--ceiling"
        raise BadInput(
            f"{option}: the ceiling ({limit:g} N) must be above the band's high edge ({high:g} N)"
        )
    try:
        return PipelineConfig.for_region(
            region.id,
            band=band,
            ceiling_n=ceiling,
            target_s=target,
            tool=Tool(args.tool),
            full_scale_n=full_scale,
        )
    except CoachInputError as err:
        option = "--range" if full_scale is not None else "--band"
        raise BadInput(f"{option}: {err}") from None


def _summary(
    config: PipelineConfig, events: list[Event], first_t: float, last_t: float
) -> dict[str, object]:
    holds = [event for event in events if isinstance(event, HoldEnded)]
    raised = Counter(event.kind for event in events if isinstance(event, AlarmRaised))
    return {
        "event": "summary",
        "t": seconds(last_t),
        "holds": len(holds),
        "complete_holds": sum(hold.complete for hold in holds),
        "alarms": {kind.value: raised[kind] for kind in AlarmKind},
        "duration_s": seconds(last_t - first_t),
        "region": config.region.id,
        "tool": config.tool.value,
        "band_n": [newtons(config.band_low_n), newtons(config.band_high_n)],
        "ceiling_n": newtons(config.ceiling_n),
        "ceiling_capped": config.ceiling_capped,
        "full_scale_n": config.full_scale_n,
        "target_s": seconds(config.target_s),
        "longest_hold_s": seconds(config.cap_s),
    }


def _print_json(lines: list[dict[str, object]], summary: dict[str, object]) -> None:
    sys.stdout.write("".join(json.dumps(line) + "\n" for line in [*lines, summary]))


def _describe(config: PipelineConfig) -> str:
    """The effective targets in words: what this trace was judged against."""
    capped = (
        f", capped under the tool's {config.full_scale_n:g} N range"
        if config.ceiling_capped
        else ""
    )
    short = " (shorter than advised)" if config.target_short else ""
    return (
        f"{config.region.name} with a {config.tool.value} "
        f"(band {config.band_low_n:.3g}-{config.band_high_n:.3g} N, "
        f"ceiling {config.ceiling_n:.3g} N{capped}, target {config.target_s:g} s{short}, "
        f"longest hold {config.cap_s:g} s)"
    )


def _print_text(trace: Path, config: PipelineConfig, events: list[Event], samples: int) -> None:
    print(f"{trace}: {samples} samples; {_describe(config)}")
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
        print(f"  {alarm.t:.2f} s  {alarm_words(alarm.kind)} at {alarm.force_n:.1f} N")


def _records(events: list[Event]) -> list[dict[str, object]]:
    # The stream's line types are fixed by the CLI contract; completion is carried
    # by hold_ended's "complete" field rather than a line of its own.
    return [dict(event_record(e)) for e in events if not isinstance(e, HoldCompleted)]


class _Cues:
    """Feed a trace sample by sample as a live link would, ticking through silences as
    the session's watchdog does, and put the cues the dashboard would play between the
    events (the same :class:`CueSchedule`, fed the same states)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.schedule = CueSchedule()
        self.previous: float | None = None

    def feed(self, batch: SampleBatch, events: list[Event], lines: list[dict[str, object]]) -> None:
        pipeline, lost_s = self.pipeline, self.pipeline.config.signal_lost_s

        def judge(new: list[Event], t: float) -> None:
            events.extend(new)
            lines.extend(_records(new))
            completed = any(isinstance(event, HoldCompleted) for event in new)
            cue = self.schedule.update(pipeline.state, t, hold_completed=completed)
            if cue is not None:
                lines.append({"event": "cue", "t": seconds(t), "cue": cue.value})

        for i, t in enumerate(batch.t.tolist()):
            if self.previous is not None:
                tick = self.previous + lost_s + SILENCE_SLACK_S
                while tick < t:
                    judge(pipeline.tick(tick), tick)
                    tick += lost_s
            judge(pipeline.feed(SampleBatch(batch.t[i : i + 1], batch.force_n[i : i + 1])), t)
            self.previous = t


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if args.cues and not args.json:
        raise BadInput("--cues adds cue lines to the --json stream: use it with --json")
    pipeline = Pipeline(config)
    span = TraceSpan()
    events: list[Event] = []
    lines: list[dict[str, object]] = []
    cues = _Cues(pipeline) if args.cues else None
    for batch in iter_trace(args.trace, span=span):  # memory flat in the trace's length
        if cues is not None:
            cues.feed(batch, events, lines)
        else:
            new = pipeline.feed(batch)
            events += new
            lines += _records(new) if args.json else []
    ended = pipeline.stop_hold()  # a trace that ends mid-press still reports its hold
    events += ended
    lines += _records(ended)
    if args.json:
        _print_json(lines, _summary(config, events, span.first_t, span.last_t))
    else:
        _print_text(args.trace, config, events, span.samples)
    return 0
