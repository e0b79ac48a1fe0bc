"""Human press profiles: how hard a person pushes the tool, second by second.

A profile is a versioned TOML file (``hardware_sims/profiles/*.toml``): a list of
segments that move the force linearly or exponentially to a target level, plus
physiological tremor (8-12 Hz) and slow drift of the plateau, both proportional
to the force (REFERENCE §6: a held plateau wanders by up to ~10 %).

Levels and lengths are relative to what the coach aims at (a :class:`CoachAim`),
so a profile means the same on every region and tool:

- ``to_band``: a position across the band, 0 = its low edge, 1 = its high edge;
- ``to_ceiling``: a fraction of the ceiling (1.15 = 15 % over it);
- ``to_low``: a fraction of the band's low edge (under the band);
- ``to_n``: plain newtons (spec version 1 files, and anything region-independent);
- ``duration_hold``: a fraction of the point's hold, instead of ``duration_s``;
- ``wobble_band``: a deliberate oscillation, as a fraction of the band's width.

The simulated person re-aims when told (:meth:`PressModel.aim`): from that moment
they ease off whatever they were pressing and start the profile again on the new
point, as a person does when moving to the next point.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from firmware_host.source import CoachAim

SPEC_VERSION = 2
PROFILE_DIR = Path(__file__).with_name("profiles")
DEFAULT_AIM = CoachAim("upper-trapezius", "ball", 40.0, 65.0, 110.0, 60.0)
"""Where the person presses until told otherwise: the upper trapezius with a ball."""

_T = TypeVar("_T")
_EASES = ("linear", "exp")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the field."""


class Anchor(StrEnum):
    """What a segment's level is measured against (the TOML key that names it)."""

    NEWTONS = "to_n"
    BAND = "to_band"
    CEILING = "to_ceiling"
    LOW = "to_low"

    def newtons(self, value: float, aim: CoachAim) -> float:
        match self:
            case Anchor.NEWTONS:
                return value
            case Anchor.BAND:
                return aim.band_low_n + value * (aim.band_high_n - aim.band_low_n)
            case Anchor.CEILING:
                return value * aim.ceiling_n
            case Anchor.LOW:
                return value * aim.band_low_n


@dataclass(slots=True, frozen=True)
class Segment:
    """Move from the previous force to a level over a length of time.

    ``ease="exp"`` approaches the level with time constant a third of the length
    (tissue softening); a wobble adds a deliberate oscillation (sawing back and
    forth) of ``wobble`` newtons, or of that fraction of the band's width.
    """

    to: float
    anchor: Anchor
    duration: float
    per_hold: bool
    ease: str = "linear"
    wobble: float = 0.0
    wobble_per_band: bool = False
    wobble_hz: float = 0.0

    def level_n(self, aim: CoachAim) -> float:
        return max(self.anchor.newtons(self.to, aim), 0.0)

    def duration_s(self, aim: CoachAim) -> float:
        return self.duration * aim.hold_s if self.per_hold else self.duration

    def wobble_n(self, aim: CoachAim) -> float:
        width = aim.band_high_n - aim.band_low_n
        return self.wobble * width if self.wobble_per_band else self.wobble


@dataclass(slots=True, frozen=True)
class PressProfile:
    name: str
    description: str
    segments: tuple[Segment, ...]
    loop: bool = True
    tremor_fraction: float = 0.01
    drift_fraction: float = 0.05
    drift_period_s: float = 20.0


def profile_names() -> list[str]:
    """Names of the profiles shipped with knotmeter, sorted."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def load_profile(name: str) -> PressProfile:
    """Load a shipped profile by name, or any profile file by path (``*.toml``)."""
    if name.endswith(".toml"):
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise ProfileError(f"{path}: cannot read ({err.strerror})") from None
        return parse_profile(text, source=str(path))
    entry = PROFILE_DIR / f"{name}.toml"
    if not entry.is_file():
        known = ", ".join(profile_names())
        raise ProfileError(f"no press profile {name!r}; known profiles: {known}")
    return parse_profile(entry.read_text(encoding="utf-8"), source=f"{name}.toml")


def parse_profile(text: str, *, source: str) -> PressProfile:
    """Validate a profile document; every error names ``source`` and the field."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ProfileError(f"{source}: {err}") from None
    version = doc.get("spec_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProfileError(f"{source}: spec_version: missing or not an integer")
    if version > SPEC_VERSION:
        raise ProfileError(
            f"{source}: spec_version {version} is newer than this knotmeter understands "
            f"({SPEC_VERSION}); upgrade knotmeter"
        )
    raw_segments = doc.get("segment")
    if not isinstance(raw_segments, list) or not raw_segments:
        raise ProfileError(f"{source}: needs at least one [[segment]]")
    segments = tuple(_segment(s, f"{source}: segment {i + 1}") for i, s in enumerate(raw_segments))
    return PressProfile(
        name=_field(doc, "name", str, source, default=Path(source).stem),
        description=_field(doc, "description", str, source, default=""),
        segments=segments,
        loop=_field(doc, "loop", bool, source, default=True),
        tremor_fraction=_number(doc, "tremor_fraction", source, default=0.01, high=0.5),
        drift_fraction=_number(doc, "drift_fraction", source, default=0.05, high=0.5),
        drift_period_s=_number(doc, "drift_period_s", source, default=20.0, low=0.1),
    )


_LEVEL_RANGES = {
    Anchor.NEWTONS: (0.0, 10_000.0),
    Anchor.BAND: (-1.0, 3.0),
    Anchor.CEILING: (0.0, 2.0),
    Anchor.LOW: (0.0, 1.0),
}


def _segment(raw: Any, where: str) -> Segment:
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: not a table")
    ease = _field(raw, "ease", str, where, default="linear")
    if ease not in _EASES:
        raise ProfileError(f"{where}: ease: {ease!r} is not one of {', '.join(_EASES)}")
    anchor = _one_of(raw, [a.value for a in Anchor], where)
    low, high = _LEVEL_RANGES[Anchor(anchor)]
    per_hold = _one_of(raw, ["duration_s", "duration_hold"], where) == "duration_hold"
    duration_key = "duration_hold" if per_hold else "duration_s"
    if "wobble_n" in raw and "wobble_band" in raw:
        raise ProfileError(f"{where}: give wobble_n or wobble_band, not both")
    wobble_key = "wobble_band" if "wobble_band" in raw else "wobble_n"
    return Segment(
        to=_number(raw, anchor, where, low=low, high=high),
        anchor=Anchor(anchor),
        duration=_number(raw, duration_key, where, low=0.01, high=3600.0),
        per_hold=per_hold,
        ease=ease,
        wobble=_number(raw, wobble_key, where, default=0.0),
        wobble_per_band=wobble_key == "wobble_band",
        wobble_hz=_number(raw, "wobble_hz", where, default=0.0, high=20.0),
    )


def _one_of(raw: dict[str, Any], keys: list[str], where: str) -> str:
    """The one key of ``keys`` the table has; a profile error if none or several."""
    present = [key for key in keys if key in raw]
    if len(present) != 1:
        found = f"found {', '.join(present)}" if present else "found none"
        raise ProfileError(f"{where}: needs exactly one of {', '.join(keys)} ({found})")
    return present[0]


def _field(doc: dict[str, Any], key: str, kind: type[_T], where: str, *, default: _T) -> _T:
    value = doc.get(key, default)
    if not isinstance(value, kind):
        raise ProfileError(f"{where}: {key}: expected {kind.__name__}, got {value!r}")
    return value


def _number(
    doc: dict[str, Any],
    key: str,
    where: str,
    *,
    default: float | None = None,
    low: float = 0.0,
    high: float = 10_000.0,
) -> float:
    value = doc.get(key, default)
    if value is None:
        raise ProfileError(f"{where}: {key}: missing")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(f"{where}: {key}: expected a number, got {value!r}")
    if not low <= value <= high:
        raise ProfileError(f"{where}: {key}: {value} outside {low:g}..{high:g}")
    return float(value)


@dataclass(slots=True, frozen=True)
class _Course:
    """One profile laid out in newtons and seconds for one aim, starting at ``start_t``
    from ``from_n`` (the force the person was pressing when they re-aimed)."""

    aim: CoachAim
    start_t: float
    from_n: float
    starts: tuple[float, ...]
    lengths: tuple[float, ...]
    levels: tuple[float, ...]
    wobbles: tuple[float, ...]

    @classmethod
    def lay_out(
        cls, profile: PressProfile, aim: CoachAim, start_t: float, from_n: float
    ) -> _Course:
        lengths = tuple(s.duration_s(aim) for s in profile.segments)
        starts = tuple(np.cumsum([0.0, *lengths[:-1]]).tolist())
        levels = tuple(s.level_n(aim) for s in profile.segments)
        wobbles = tuple(s.wobble_n(aim) for s in profile.segments)
        return cls(aim, start_t, from_n, starts, lengths, levels, wobbles)

    @property
    def duration_s(self) -> float:
        return self.starts[-1] + self.lengths[-1]


class PressModel:
    """Force (N) a simulated person applies at time ``t``.

    For one aim it is a pure function of ``t`` and the seed: tremor and drift are
    sums of sinusoids with seeded phases, so the same seed gives the same trace
    whatever order or rate ``force_at`` is called at. :meth:`aim` may be called
    from any thread; the person switches at the next ``force_at``.
    """

    def __init__(
        self, profile: PressProfile, *, seed: int = 0, aim: CoachAim | None = None
    ) -> None:
        self.profile = profile
        rng = np.random.default_rng(seed)
        self._tremor = [(hz, float(rng.uniform(0, 2 * math.pi))) for hz in (8.3, 9.7, 11.1)]
        base = 1.0 / profile.drift_period_s
        self._drift = [(base * k, float(rng.uniform(0, 2 * math.pi))) for k in (1.0, 2.3, 3.7)]
        self._wanted = aim or DEFAULT_AIM
        self._course = _Course.lay_out(profile, self._wanted, 0.0, 0.0)

    @property
    def duration_s(self) -> float:
        """One round of the profile on the current point."""
        return self._course.duration_s

    def aim(self, aim: CoachAim) -> None:
        """Press for ``aim`` from now on; the same aim again changes nothing."""
        self._wanted = aim  # one reference swap: safe from another thread

    def finished(self, t: float) -> bool:
        """True once a non-looping profile has run its course."""
        course = self._course
        return not self.profile.loop and t - course.start_t >= course.duration_s

    def force_at(self, t: float) -> float:
        wanted = self._wanted
        if wanted != self._course.aim:
            from_n = self._base_at(t)[0]
            self._course = _Course.lay_out(self.profile, wanted, t, from_n)
        base, wobble = self._base_at(t)
        if base <= 0.0:
            return 0.0
        p = self.profile
        drift = sum(math.sin(2 * math.pi * hz * t + ph) for hz, ph in self._drift) / 3
        tremor = sum(math.sin(2 * math.pi * hz * t + ph) for hz, ph in self._tremor) / 3
        force = base * (1 + p.drift_fraction * drift + p.tremor_fraction * tremor) + wobble
        return max(force, 0.0)

    def _base_at(self, t: float) -> tuple[float, float]:
        """Profile force without tremor and drift, and the segment's wobble at ``t``."""
        c = self._course
        rel = max(t - c.start_t, 0.0)
        first_round = True
        if self.profile.loop:
            first_round = rel < c.duration_s
            rel %= c.duration_s
        elif rel >= c.duration_s:
            return c.levels[-1], 0.0
        index = max(i for i, start in enumerate(c.starts) if start <= rel)
        round_start_n = c.from_n if first_round else c.levels[-1]
        begin = c.levels[index - 1] if index else round_start_n
        u = (rel - c.starts[index]) / c.lengths[index]
        ease = self.profile.segments[index].ease
        frac = (1 - math.exp(-3 * u)) / (1 - math.exp(-3)) if ease == "exp" else u
        base = begin + (c.levels[index] - begin) * frac
        hz = self.profile.segments[index].wobble_hz
        wobble = c.wobbles[index] * math.sin(2 * math.pi * hz * (rel - c.starts[index]))
        return base, wobble
