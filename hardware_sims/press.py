"""Human press profiles: how hard a person pushes the tool, second by second.

A profile is a versioned TOML file (``hardware_sims/profiles/*.toml``): a list of
segments that move the force linearly or exponentially to a target, plus
physiological tremor (8-12 Hz) and slow drift of the plateau, both proportional
to the force. Forces are absolute newtons sized for the default region (upper
trapezius: band 40-65 N, ceiling 110 N).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

SPEC_VERSION = 1
PROFILE_DIR = Path(__file__).with_name("profiles")
_T = TypeVar("_T")
_EASES = ("linear", "exp")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the field."""


@dataclass(slots=True, frozen=True)
class Segment:
    """Move from the previous force to ``to_n`` over ``duration_s``.

    ``ease="exp"`` approaches the target with time constant ``duration_s / 3``
    (tissue softening); ``wobble_n``/``wobble_hz`` add a deliberate oscillation
    (sawing back and forth).
    """

    duration_s: float
    to_n: float
    ease: str = "linear"
    wobble_n: float = 0.0
    wobble_hz: float = 0.0


@dataclass(slots=True, frozen=True)
class PressProfile:
    name: str
    description: str
    segments: tuple[Segment, ...]
    loop: bool = True
    tremor_fraction: float = 0.01
    drift_fraction: float = 0.05
    drift_period_s: float = 20.0

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.segments)


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
    if not isinstance(version, int):
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


def _segment(raw: Any, where: str) -> Segment:
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: not a table")
    ease = _field(raw, "ease", str, where, default="linear")
    if ease not in _EASES:
        raise ProfileError(f"{where}: ease: {ease!r} is not one of {', '.join(_EASES)}")
    return Segment(
        duration_s=_number(raw, "duration_s", where, low=0.01),
        to_n=_number(raw, "to_n", where),
        ease=ease,
        wobble_n=_number(raw, "wobble_n", where, default=0.0),
        wobble_hz=_number(raw, "wobble_hz", where, default=0.0),
    )


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
        raise ProfileError(f"{where}: {key}: {value} outside {low}..{high}")
    return float(value)


class PressModel:
    """Force (N) a simulated person applies at time ``t``; a pure function of ``t`` and the seed.

    Tremor and drift are sums of sinusoids with seeded phases, so the same seed
    gives the same trace whatever order or rate ``force_at`` is called at.
    """

    def __init__(self, profile: PressProfile, *, seed: int = 0) -> None:
        self.profile = profile
        rng = np.random.default_rng(seed)
        self._tremor = [(hz, float(rng.uniform(0, 2 * math.pi))) for hz in (8.3, 9.7, 11.1)]
        base = 1.0 / profile.drift_period_s
        self._drift = [(base * k, float(rng.uniform(0, 2 * math.pi))) for k in (1.0, 2.3, 3.7)]
        starts = np.cumsum([0.0, *(s.duration_s for s in profile.segments)])
        self._starts = starts[:-1].tolist()
        self._from = [0.0, *(s.to_n for s in profile.segments[:-1])]

    @property
    def duration_s(self) -> float:
        return self.profile.duration_s

    def finished(self, t: float) -> bool:
        """True once a non-looping profile has run its course."""
        return not self.profile.loop and t >= self.duration_s

    def force_at(self, t: float) -> float:
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
        p = self.profile
        if p.loop:
            t %= p.duration_s
        elif t >= p.duration_s:
            return p.segments[-1].to_n, 0.0
        t = max(t, 0.0)
        index = max(i for i, start in enumerate(self._starts) if start <= t)
        seg, start, begin = p.segments[index], self._starts[index], self._from[index]
        u = (t - start) / seg.duration_s
        frac = (1 - math.exp(-3 * u)) / (1 - math.exp(-3)) if seg.ease == "exp" else u
        base = begin + (seg.to_n - begin) * frac
        wobble = seg.wobble_n * math.sin(2 * math.pi * seg.wobble_hz * (t - start))
        return base, wobble
