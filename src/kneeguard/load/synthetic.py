"""Synthetic but plausible activity histories in the store's format, for demos, plots and benchmarks.

Not data about anyone: a seeded random runner with an easy/long-run weekly
pattern, slow progression, occasional breaks and spikes, and heart-rate
histograms drawn as bell curves around an effort-dependent mean.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kneeguard.load.activities import HR_BINS
from kneeguard.profile import ShoeStatus


def synthetic_activities(
    days: int = 365,
    end: dt.date = dt.date(2025, 6, 30),
    seed: int = 0,
    run_probability: float = 0.8,
    with_hr: bool = True,
    histogram_as_list: bool = False,
    shoes: int = 2,
) -> pd.DataFrame:
    """`days` days ending on `end`, at most one run per day plus the odd bike ride."""
    rng = np.random.default_rng(seed)
    day_offsets = np.arange(days)
    dates = pd.Timestamp(end, tz="UTC") - pd.to_timedelta(days - 1 - day_offsets, unit="D")
    weekday = dates.dayofweek.to_numpy()
    runs = rng.random(days) < run_probability
    runs[weekday == 6] = True  # Sunday long run
    # a couple of breaks (injury, holiday): 5 to 45 days without running
    for _ in range(max(days // 400, 1)):
        start = rng.integers(0, max(days - 50, 1))
        runs[start : start + rng.integers(5, 45)] = False
    base_km = 6.0 + 4.0 * np.sin(day_offsets / 180.0) ** 2 + day_offsets / max(days, 1) * 2.0
    km = base_km * rng.uniform(0.7, 1.2, days)
    km[weekday == 6] *= rng.uniform(1.5, 2.2, (weekday == 6).sum())
    spikes = rng.random(days) < 0.02
    km[spikes] *= rng.uniform(1.5, 3.0, spikes.sum())
    bikes = ~runs & (rng.random(days) < 0.15)
    keep = runs | bikes
    n = int(keep.sum())
    pace_s_per_km = rng.uniform(300, 390, days)
    seconds = np.where(runs, km * pace_s_per_km, rng.uniform(1800, 5400, days))[keep]
    start = dates[keep] + pd.to_timedelta(rng.integers(6 * 3600, 19 * 3600, n), unit="s")
    mean_hr = np.clip(rng.normal(142, 8, n), 110, 185)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "start": start.astype("datetime64[ns, UTC]"),
            "sport": np.where(runs[keep], "running", "cycling"),
            "sub_sport": np.where(runs[keep] & (rng.random(days)[keep] < 0.1), "trail", "generic"),
            "distance_m": np.where(runs[keep], km[keep] * 1000, seconds * 7.0),
            "timer_s": seconds,
            "moving_s": seconds * 0.98,
            "elapsed_s": seconds * 1.05,
            "avg_hr": mean_hr if with_hr else np.nan,
            "rpe": np.round(rng.uniform(2, 7, n)),
            "hr_seconds_by_bpm": _histograms(mean_hr, seconds, rng, histogram_as_list) if with_hr else [None] * n,
            "shoe_id": pd.array(np.where(runs[keep], rng.integers(1, shoes + 1, n), 0), dtype="Int64"),
        }
    )
    frame.loc[~runs[keep], "shoe_id"] = pd.NA
    # the store does not promise sorted rows
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _histograms(mean_hr: np.ndarray, seconds: np.ndarray, rng: np.random.Generator, as_list: bool) -> list:
    """Seconds at each bpm: a bell curve (SD 6-12 bpm) scaled to the session's duration."""
    bpm = np.arange(HR_BINS, dtype=float)
    sd = rng.uniform(6, 12, len(mean_hr))[:, None]
    weights = np.exp(-0.5 * ((bpm[None, :] - mean_hr[:, None]) / sd) ** 2)
    matrix = weights / weights.sum(axis=1, keepdims=True) * seconds[:, None]
    return matrix.tolist() if as_list else list(matrix)


def synthetic_shoes(activities: pd.DataFrame, as_of: dt.date, start_km: float = 150.0) -> list[ShoeStatus]:
    """ShoeStatus for the shoe ids in `activities` (distance = start_km + assigned runs)."""
    runs = activities[(activities["sport"] == "running") & activities["shoe_id"].notna()]
    shoes = []
    for shoe_id, group in runs.groupby("shoe_id"):
        days = group["start"].dt.date
        shoes.append(ShoeStatus(
            id=int(shoe_id), name=f"Shoe {int(shoe_id)}", distance_km=start_km + group["distance_m"].sum() / 1000,
            alert_km=700.0, first_used=days.min(), last_used=min(days.max(), as_of), runs=len(group),
        ))
    return shoes
