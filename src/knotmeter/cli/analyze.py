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
from dataclasses import replace
from pathlib import Path

from knotmeter.bounds import bounded
from knotmeter.core.alarms import alarm_words
from knotmeter.core.config import PipelineConfig
from knotmeter.core.cues import REPEAT_S, CueSchedule, level_cue
from knotmeter.core.events import AlarmKind, AlarmRaised, Event, HoldCompleted, HoldEnded
from knotmeter.core.pipeline import Pipeline
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.prescription import Prescription, Refused, Rx, prescribe
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
    tool = Tool(args.tool)
    rx = Rx(region.id, tool=tool, target_s=target, full_scale_n=full_scale)
    if band is not None or ceiling is not None:  # the user's own targets, as a PPT's
        default = prescribe(replace(rx, full_scale_n=None))
        assert isinstance(default, Prescription)  # a region's defaults always prescribe
        low, high = band or (default.config.band_low_n, default.config.band_high_n)
        limit = ceiling or default.config.ceiling_n
        rx = replace(rx, personal=PersonalTargets(region.id, low, low, high, limit, tool.value))
    prescribed = prescribe(rx)
    if isinstance(prescribed, Refused):
        option = "--range" if full_scale is not None else "--band"
        raise BadInput(f"{option}: {prescribed.reason}")
    return prescribed.config


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
        "credit": [_credit_rule(config, hold) for hold in holds],
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


def _credit_rule(config: PipelineConfig, hold: HoldEnded) -> str:
    """Which hold the credit rule applied (``core/credit.py``): "short" or "long"."""
    return "short" if hold.needed_s == config.target_s else "long"


def _credit(config: PipelineConfig, hold: HoldEnded) -> str:
    """The credit rule in words: which hold applied and why (Hou 2002)."""
    middle = (config.band_low_n + config.band_high_n) / 2
    if _credit_rule(config, hold) == "short":
        return f"short hold {config.target_s:g} s: mean in band at or above {middle:.3g} N"
    return f"long hold {config.cap_s:g} s: mean in band under the band's middle {middle:.3g} N"


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
            f"mean {hold.mean_n:.1f} N ({verdict}; {_credit(config, hold)})"
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


SPELLED_GAP_S = 60.0
"""A silence is cued tick by tick for its first minute, as the dashboard plays it; past
that the repeating cue is one line (``every_s``, ``until``) and the ticks jump to the
end of the gap, so a trace with a gap of years ends in moments, not in billions of
ticks and cue lines."""


class _Out:
    """Where the analysis goes as it is made: ``--json`` lines written at once, and only
    the events the summary or the text report needs kept (holds, alarms), so memory
    does not grow with the trace's length or its gaps."""

    def __init__(self, *, json_lines: bool) -> None:
        self.json_lines = json_lines
        self.kept: list[Event] = []

    def events(self, new: list[Event]) -> None:
        self.kept += [e for e in new if isinstance(e, HoldEnded | AlarmRaised)]
        if self.json_lines:
            self.line(*_records(new))

    def line(self, *records: dict[str, object]) -> None:
        if records:
            sys.stdout.write("".join(json.dumps(record) + "\n" for record in records))


class _Cues:
    """Feed a trace sample by sample as a live link would, ticking through silences as
    the session's watchdog does, and put the cues the dashboard would play between the
    events (the same :class:`CueSchedule`, fed the same states)."""

    def __init__(self, pipeline: Pipeline, out: _Out) -> None:
        self.pipeline = pipeline
        self.out = out
        self.schedule = CueSchedule()
        self.previous: float | None = None

    def _judge(self, new: list[Event], t: float) -> None:
        self.out.events(new)
        completed = any(isinstance(event, HoldCompleted) for event in new)
        cue = self.schedule.update(self.pipeline.state, t, hold_completed=completed)
        if cue is not None:
            self.out.line({"event": "cue", "t": seconds(t), "cue": cue.value})

    def _silence(self, since: float, until: float) -> None:
        """Tick through the silence from the sample at ``since`` to the next at ``until``."""
        lost_s = self.pipeline.silence_limit_s
        tick = since + lost_s + SILENCE_SLACK_S
        spelled = since + SPELLED_GAP_S
        while tick < until:
            if tick > spelled:
                last = tick + (math.ceil((until - tick) / lost_s) - 1) * lost_s
                cue = level_cue(self.pipeline.state)
                if last > tick and cue is not None:
                    self.out.line(
                        {"event": "cue", "t": seconds(tick), "cue": cue.value,
                         "every_s": REPEAT_S[cue], "until": seconds(last)}
                    )  # fmt: skip
                tick = max(tick, last)
            self._judge(self.pipeline.tick(tick), tick)
            tick += lost_s

    def feed(self, batch: SampleBatch) -> None:
        for i, t in enumerate(batch.t.tolist()):
            if self.previous is not None:
                self._silence(self.previous, t)
            one = SampleBatch(
                batch.t[i : i + 1], batch.force_n[i : i + 1], saturated=batch.saturated
            )
            self._judge(self.pipeline.feed(one), t)
            self.previous = t


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if args.cues and not args.json:
        raise BadInput("--cues adds cue lines to the --json stream: use it with --json")
    pipeline = Pipeline(config)
    span = TraceSpan()
    out = _Out(json_lines=args.json)
    cues = _Cues(pipeline, out) if args.cues else None
    for batch in iter_trace(args.trace, span=span):  # memory flat in the trace's length
        if cues is not None:
            cues.feed(batch)
        else:
            out.events(pipeline.feed(batch))
    out.events(pipeline.stop_hold())  # a trace that ends mid-press still reports its hold
    if args.json:
        out.line(_summary(config, out.kept, span.first_t, span.last_t))
    else:
        _print_text(args.trace, config, out.kept, span.samples)
    return 0
