"""Time-weighted helpers shared by the FIT, GPX and TCX readers.

Heart-rate histogram, per-sample durations, moving time, time-weighted means
and the one place where sample columns become the `samples` DataFrame.
Times are float seconds since the Unix epoch throughout.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard.ingest.model import SAMPLE_COLUMNS

# A sample stands for the time until the next one, but never more than this:
# an auto-pause or a GPS gap must not be credited to the last value seen.
MAX_SAMPLE_GAP_S = 10.0
# Speeds above this count as moving (slow walking is ~1 m/s; GPS drift at rest is below).
MOVING_SPEED_MPS = 0.5
HR_BINS = 256


def sample_durations(times_s: np.ndarray, max_gap_s: float = MAX_SAMPLE_GAP_S) -> np.ndarray:
    """Seconds each sample represents: gap to the next sample, capped at `max_gap_s`."""
    count = len(times_s)
    if count == 0:
        return np.empty(0)
    gaps = np.clip(np.diff(np.asarray(times_s, dtype=float)), 0.0, max_gap_s)
    positive = gaps[gaps > 0]
    # The last sample has no successor: give it the typical recording interval.
    last = float(np.median(positive)) if positive.size else 1.0
    return np.append(gaps, min(last, max_gap_s))


def hr_seconds_by_bpm(
    times_s: np.ndarray, hr_bpm: np.ndarray, max_gap_s: float = MAX_SAMPLE_GAP_S
) -> list[float] | None:
    """Seconds spent at each whole bpm 0..255, or None when there is no heart rate."""
    hr = np.asarray(hr_bpm, dtype=float)
    valid = np.isfinite(hr) & (hr > 0) & (hr < HR_BINS - 0.5)
    if not valid.any():
        return None
    durations = sample_durations(times_s, max_gap_s)
    bins = np.rint(hr[valid]).astype(np.int64)
    seconds = np.bincount(bins, weights=durations[valid], minlength=HR_BINS)
    return seconds[:HR_BINS].tolist()


def moving_seconds(times_s: np.ndarray, speed_mps: np.ndarray | None) -> float | None:
    """Time spent above walking-drift speed, or None without a speed stream."""
    if speed_mps is None:
        return None
    speed = np.asarray(speed_mps, dtype=float)
    if not np.isfinite(speed).any():
        return None
    durations = sample_durations(times_s)
    return float(durations[np.nan_to_num(speed, nan=0.0) > MOVING_SPEED_MPS].sum())


def time_weighted_mean(times_s: np.ndarray, values: np.ndarray | None) -> float | None:
    """Mean of `values` weighted by sample duration; NaNs and zeros are ignored."""
    if values is None:
        return None
    vals = np.asarray(values, dtype=float)
    valid = np.isfinite(vals) & (vals > 0)
    if not valid.any():
        return None
    weights = sample_durations(times_s)[valid]
    if weights.sum() <= 0:
        return float(vals[valid].mean())
    return float(np.average(vals[valid], weights=weights))


def finite_max(values: np.ndarray | None) -> float | None:
    """Largest finite value, or None."""
    if values is None:
        return None
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    return float(vals.max()) if vals.size else None


def forward_indices(times_s: np.ndarray, anchor_s: float, max_jump_s: float) -> np.ndarray:
    """Indices of samples whose time neither goes backwards nor jumps ahead by more
    than `max_jump_s`, starting from `anchor_s` (a trusted start time)."""
    times = np.asarray(times_s, dtype=float)
    steps = np.diff(times)
    if times.size and anchor_s <= times[0] <= anchor_s + max_jump_s and (
        (steps >= 0) & (steps <= max_jump_s)
    ).all():
        return np.arange(times.size)
    keep, last = [], anchor_s
    for index, value in enumerate(times.tolist()):
        if last <= value <= last + max_jump_s:
            keep.append(index)
            last = value
    return np.asarray(keep, dtype=np.int64)


def samples_frame(times_s: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """DataFrame with SAMPLE_COLUMNS names; columns without any value are left out."""
    nanos = np.rint(np.asarray(times_s, dtype=float) * 1e9).astype(np.int64)
    data: dict[str, object] = {
        "time": pd.DatetimeIndex(nanos.view("datetime64[ns]")).tz_localize("UTC")
    }
    for name in SAMPLE_COLUMNS:
        values = columns.get(name)
        if name == "time" or values is None:
            continue
        values = np.asarray(values, dtype=np.float64)
        if np.isfinite(values).any():
            data[name] = values
    return pd.DataFrame(data)


def unix_seconds(times: pd.Series) -> np.ndarray:
    """A samples frame's `time` column as float Unix seconds, whatever its unit; NaN for a missing time."""
    index = pd.DatetimeIndex(times).as_unit("ns")
    seconds = index.asi8 / 1e9
    seconds[index.isna()] = np.nan  # NaT's integer would read as a time in 1677
    return seconds
