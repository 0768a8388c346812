"""Per-step metric table and its summary (medians, per side, L/R symmetry index)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard.gait.keypoints import KeypointSeries
from kneeguard.gait.metrics.base import REGISTRY, StepContext

TRIM = 0.1  # trimmed mean of step times for cadence: robust to a missed or split step


def _next(ics: np.ndarray, sides: np.ndarray, i: int, same: bool) -> float | None:
    for j in range(i + 1, len(ics)):
        if (sides[j] == sides[i]) == same:
            # a contralateral step must be the very next contact, else one was missed
            return float(ics[j]) if same or j == i + 1 else None
    return None


def step_table(series: KeypointSeries, events: pd.DataFrame, angles: pd.DataFrame, *, view: str,
               direction: int, metres_per_unit: float | None, leg_length: float,
               speed: float | None) -> pd.DataFrame:
    """One row per valid contact with every registered metric for `view` (None where not computable)."""
    ev = events[events["valid"]].reset_index(drop=True)
    ics, tos, sides = ev["ic_frame"].to_numpy(float), ev["to_frame"].to_numpy(float), ev["side"].to_numpy(str)
    cols = {c: angles[c].to_numpy(float) for c in angles.columns}
    metrics = [m for m in REGISTRY.values() if view in m.views]
    cache: dict = {}
    rows = []
    for i in range(len(ev)):
        prev_other = next((float(ics[j]) for j in range(i - 1, -1, -1) if sides[j] != sides[i]), None)
        ctx = StepContext(series, cols, sides[i], ics[i], tos[i], _next(ics, sides, i, False),
                          _next(ics, sides, i, True), prev_other, direction, metres_per_unit, leg_length,
                          speed, cache)
        row = {"side": ctx.side, "ic_time_s": ctx.ic / series.fps, "to_time_s": ctx.to / series.fps}
        for m in metrics:
            value = m.per_step(ctx)
            row[m.name] = np.nan if value is None else float(value)
        rows.append(row)
    names = ["side", "ic_time_s", "to_time_s"] + [m.name for m in metrics]
    return pd.DataFrame(rows, columns=names)


def symmetry_index(left: float | None, right: float | None) -> float | None:
    """|L − R| / mean(|L|, |R|) × 100; None when either side is missing or the mean is ~0."""
    if left is None or right is None:
        return None
    mean = 0.5 * (abs(left) + abs(right))
    return None if mean < 1e-9 else 100.0 * abs(left - right) / mean


def _median(values: pd.Series) -> float | None:
    v = values.to_numpy(float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else None


def cadence_from_steps(steps: pd.DataFrame) -> float | None:
    """60 / trimmed-mean step time over valid steps (steps/min)."""
    if "step_time_s" not in steps:
        return None
    t = np.sort(steps["step_time_s"].to_numpy(float))
    t = t[np.isfinite(t)]
    if not t.size:
        return None
    k = int(len(t) * TRIM)
    core = t[k:len(t) - k] if len(t) - 2 * k > 0 else t
    return 60.0 / float(np.mean(core))


def summarise(steps: pd.DataFrame) -> dict:
    """Median of every metric overall and per side, and the L/R symmetry index of bilateral metrics."""
    names = [c for c in steps.columns if c in REGISTRY]
    overall = {n: _median(steps[n]) for n in names}
    overall["cadence_spm"] = cadence_from_steps(steps) if "cadence_spm" in overall else None
    per_side = {s: {n: _median(steps.loc[steps["side"] == s, n]) for n in names} for s in ("left", "right")}
    asym = {n: symmetry_index(per_side["left"][n], per_side["right"][n]) for n in names if REGISTRY[n].bilateral}
    return {"overall": overall, "left": per_side["left"], "right": per_side["right"], "asymmetry_pct": asym}
