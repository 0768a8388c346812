"""The metric registry: one small definition per gait metric.

A metric is a name, a unit, the views it applies to and a per-step function
of a `StepContext`; it returns a number or None (never a guess). A metric that
can raise a Finding carries its evidence `Band` (see `band.py`). Adding a
metric is one `@metric(...)` function in one of this package's modules.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from kneeguard.gait.keypoints import KeypointSeries
from kneeguard.gait.metrics.band import Band


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    views: tuple[str, ...]
    per_step: Callable[[StepContext], float | None]
    uncertainty_key: str | None = None  # evidence rule giving the measurement uncertainty
    bilateral: bool = True  # meaningful per side (enters the L/R asymmetry table)
    needs_scale: bool = False  # needs pixel → metre scale (runner height)
    description: str = ""
    band: Band | None = None  # when the clip median is flagged, and the Finding that says so
    flag_asymmetry: bool = False  # its L/R symmetry index is flagged above `gait.asymmetry.warn_pct`
    label: str = ""  # what a person reads ("knee bend at landing"); the name is for code and stored data


REGISTRY: dict[str, Metric] = {}


def metric(name: str, unit: str, views: tuple[str, ...] = ("side",), *, label: str,
           uncertainty_key: str | None = None, bilateral: bool = True, needs_scale: bool = False,
           band: Band | None = None, flag_asymmetry: bool = False):
    """Decorator: register `fn(ctx) -> float | None` as a per-step metric."""
    def register(fn: Callable[[StepContext], float | None]) -> Callable[[StepContext], float | None]:
        REGISTRY[name] = Metric(name, unit, views, fn, uncertainty_key, bilateral, needs_scale,
                                (fn.__doc__ or "").strip(), band, flag_asymmetry, label)
        return fn
    return register


@dataclass
class StepContext:
    """Everything a per-step metric may look at. Frame positions are float (sub-frame)."""

    series: KeypointSeries
    angles: dict[str, np.ndarray]
    side: str
    ic: float
    to: float
    next_ic: float | None  # contralateral IC ending this step
    next_same_ic: float | None  # same-foot IC ending this stride
    prev_other_ic: float | None  # contralateral IC before this one (rear-view step width)
    direction: int
    metres_per_unit: float | None
    leg_length: float  # hip-knee-ankle length in image units
    speed: float | None  # running speed in image units per second (treadmill belt or overground)
    cache: dict = field(default_factory=dict)

    @property
    def other(self) -> str:
        return "right" if self.side == "left" else "left"

    @property
    def fps(self) -> float:
        return self.series.fps

    @property
    def mid(self) -> float:
        return 0.5 * (self.ic + self.to)

    def angle(self, column: str, frame: float) -> float | None:
        return _interp(self.angles[column], frame)

    def point(self, name: str, frame: float) -> np.ndarray:
        xy = self.series.point(name)
        return np.array([_interp(xy[:, 0], frame), _interp(xy[:, 1], frame)], dtype=float)

    def window(self, column: str, start: float, end: float) -> np.ndarray:
        """Samples of an angle column between two sub-frame positions (inclusive of the nearest frames)."""
        a, b = int(np.floor(start)), int(np.ceil(end)) + 1
        return self.angles[column][max(a, 0):b]

    def forward(self, dx: float) -> float:
        return self.direction * dx

    def to_cm(self, units: float | None) -> float | None:
        if units is None or self.metres_per_unit is None or not np.isfinite(units):
            return None
        return float(units * self.metres_per_unit * 100)


def _interp(values: np.ndarray, frame: float) -> float | None:
    if frame is None or not np.isfinite(frame):
        return None
    i = int(np.floor(frame))
    if i < 0 or i >= len(values):
        return None
    j = min(i + 1, len(values) - 1)
    w = frame - i
    v = (1 - w) * values[i] + w * values[j]
    return float(v) if np.isfinite(v) else None


def finite(value: float | None) -> float | None:
    """None for missing or non-finite numbers."""
    return float(value) if value is not None and np.isfinite(value) else None
