"""A small inline SVG line chart of an activity's sample streams (no plotting library, no script)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

# (column, label, unit, scale applied to the stored SI value)
STREAMS = [
    ("heart_rate_bpm", "Heart rate", "bpm", 1.0),
    ("speed_mps", "Speed", "km/h", 3.6),
    ("cadence_spm", "Cadence", "steps/min", 1.0),
    ("altitude_m", "Altitude", "m", 1.0),
]
WIDTH, HEIGHT, PAD = 640, 120, 4
MAX_POINTS = 400


@dataclass
class StreamChart:
    label: str
    unit: str
    points: str  # SVG polyline points
    low: float
    high: float
    mean: float
    width: int = WIDTH
    height: int = HEIGHT


def stream_charts(samples: pd.DataFrame) -> list[StreamChart]:
    """One chart per stream present, x = elapsed time, downsampled to at most MAX_POINTS points."""
    if samples.empty:
        return []
    elapsed = _elapsed_seconds(samples)
    charts = []
    for column, label, unit, scale in STREAMS:
        if column not in samples:
            continue
        values = samples[column].to_numpy(dtype=float) * scale
        keep = np.isfinite(values) & np.isfinite(elapsed)
        if keep.sum() < 2:
            continue
        x, y = _downsample(elapsed[keep], values[keep])
        charts.append(StreamChart(label, unit, _points(x, y), float(y.min()), float(y.max()), float(y.mean())))
    return charts


def _elapsed_seconds(samples: pd.DataFrame) -> np.ndarray:
    if "time" in samples:
        times = pd.to_datetime(samples["time"], utc=True)
        return ((times - times.iloc[0]).dt.total_seconds()).to_numpy(dtype=float)
    return np.arange(len(samples), dtype=float)


def _downsample(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(x) <= MAX_POINTS:
        return x, y
    # Bin means keep the shape of the curve without drawing every second.
    edges = np.linspace(0, len(x), MAX_POINTS + 1).astype(int)
    bins = [(a, b) for a, b in itertools.pairwise(edges) if b > a]
    xs = np.array([x[a:b].mean() for a, b in bins])
    ys = np.array([y[a:b].mean() for a, b in bins])
    return xs, ys


def _points(x: np.ndarray, y: np.ndarray) -> str:
    span_x = (x.max() - x.min()) or 1.0
    span_y = (y.max() - y.min()) or 1.0
    px = PAD + (x - x.min()) / span_x * (WIDTH - 2 * PAD)
    py = HEIGHT - PAD - (y - y.min()) / span_y * (HEIGHT - 2 * PAD)  # SVG y grows downwards
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
