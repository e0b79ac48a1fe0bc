"""Smoother benchmark: noise reduction and step delay of the default smoother against
the 10-sample moving average hobby HX711 libraries use (REFERENCE.md §5).

Run: ``.venv/bin/python tests/bench/bench_filters.py``. Input: 80 Hz with ±1 ms
timing jitter and Gaussian noise. Noise is measured as the standard deviation of
the output over a long steady press; delay as the time from a step until the output
first reaches half of it. The default smoother is measured by running the real
:class:`~knotmeter.core.pipeline.Pipeline` one sample at a time and reading its
gauge force, so what is measured is exactly what the dashboard shows.
"""

from __future__ import annotations

import numpy as np

from knotmeter.core import Pipeline, PipelineConfig, SampleBatch
from knotmeter.core.samples import FloatArray

RATE_HZ = 80.0
NOISE_N = 0.5
PLATEAU_N = 50.0
MOVING_AVERAGE = 10


def sample_times(seconds: float, rng: np.random.Generator) -> FloatArray:
    nominal = np.arange(0.0, seconds, 1.0 / RATE_HZ)
    return nominal + rng.uniform(-0.001, 0.001, nominal.size)


def smoothed(t: FloatArray, force: FloatArray) -> FloatArray:
    pipeline = Pipeline(PipelineConfig.for_region("upper-trapezius"))
    out = np.empty_like(force)
    for i in range(t.size):
        pipeline.feed(SampleBatch(t[i : i + 1], force[i : i + 1]))
        out[i] = pipeline.state.force_n
    return out


def moving_average(force: FloatArray) -> FloatArray:
    padded = np.concatenate((np.zeros(MOVING_AVERAGE - 1), force))
    return np.convolve(padded, np.ones(MOVING_AVERAGE) / MOVING_AVERAGE, mode="valid")


def noise_out(filter_name: str, rng: np.random.Generator) -> float:
    """Output standard deviation over 60 s of steady press after 5 s of settling."""
    t = sample_times(65.0, rng)
    force = PLATEAU_N + rng.normal(0.0, NOISE_N, t.size)
    out = smoothed(t, force) if filter_name == "default" else moving_average(force)
    return float(out[t >= 5.0].std())


def step_delay_ms(filter_name: str, step_n: float, rng: np.random.Generator) -> float:
    """Time from a noiseless step of ``step_n`` until the output reaches half of it."""
    t = sample_times(4.0, rng)
    step_t = float(t[t >= 2.0][0])
    force = np.where(t >= step_t, step_n, 0.0)
    out = smoothed(t, force) if filter_name == "default" else moving_average(force)
    return 1000.0 * (float(t[(t >= step_t) & (out >= step_n / 2)][0]) - step_t)


def main() -> None:
    rng = np.random.default_rng(2012)
    print(
        f"input: {RATE_HZ:g} Hz (±1 ms jitter), noise sd {NOISE_N:g} N, "
        f"steady press {PLATEAU_N:g} N"
    )
    rows = {}
    for name, label in (
        ("moving", f"moving average ({MOVING_AVERAGE} samples)"),
        ("default", "default (median of 3 + One Euro)"),
    ):
        sigma = noise_out(name, rng)
        rows[name] = (
            NOISE_N / sigma,
            step_delay_ms(name, PLATEAU_N, rng),
            step_delay_ms(name, 10.0, rng),
        )
        reduction, delay, small = rows[name]
        print(
            f"{label:36s} noise sd out {sigma:.3f} N  reduction {reduction:5.2f}x  "
            f"50% delay: 0→{PLATEAU_N:g} N step {delay:5.1f} ms, 0→10 N step {small:5.1f} ms"
        )
    ma, default = rows["moving"], rows["default"]
    print(
        f"ratio default/moving average: noise reduction {default[0] / ma[0]:.2f}x "
        f"(target ≥ 1), delay {ma[1] / default[1]:.2f}x less on the {PLATEAU_N:g} N step "
        f"(target ≥ 2), {ma[2] / default[2]:.2f}x less on the 10 N step"
    )


if __name__ == "__main__":
    main()
