"""The single-session spike (Frandsen et al., BJSM 2025): the load flag that leads.

    spike = d_session / max(d of running sessions starting in [t_start - 30 d, t_start)) - 1

Bands: <= 0.10 'reference', (0.10, 0.30] 'small', (0.30, 1.00] 'moderate',
> 1.00 'large'; no run at all in the window -> 'return_after_break'.

Conventions (decided here, tested in tests/test_load_spike.py):
- Only running sessions count, on both sides of the ratio (trail and treadmill included).
- Session distance (the file's total), not re-summed GPS.
- Two runs on the same day are two sessions: each is compared with the longest
  run that *started before it*, so an afternoon run is measured against the
  morning run too and a double day never adds up to one spike. (The paper's
  handling of doubles was not verified; this is the formula taken literally.)
- Runs with identical start times do not see each other.
- A run without a distance gets no band and is not a reference for others, but
  it still counts as "having run", so it prevents a 'return_after_break'.
- Ratios are rounded to 1e-9 before banding, so 11.0 km after 10.0 km is
  exactly 10 % ('reference') despite binary floating point.
- A run whose window reaches back before the record's start (`window_in_record` false) is
  measured against a reference that can only be too short: runs before the record may be
  missing. Its band is kept as computed ('reference' stays certain, since the true reference can
  only be longer); the findings, charts and plan treat a spike band on it as not judged.

The window is owned here: its length is the registry's `load.spike.window_days`
(`window_days()`), and "the runs in the window before t" is [t - window, t), closed at
its start and open at its end (`reference_window`, `in_reference_window`; `window_bounds`
for arrays of start times). The plan (advice/running.py) sizes its runs with the same
functions, on calendar days, so a run exactly 30 days back is the reference in both.

The windowed maximum is a sparse table (O(n log n), all numpy) queried at
[searchsorted(t - 30 d), searchsorted(t)), so ten years of daily runs take
well under a millisecond and the window never reaches a later run.
"""
from __future__ import annotations

import datetime as dt
from typing import TypeVar

import numpy as np
import pandas as pd

from kneeguard import evidence

BANDS = ("reference", "small", "moderate", "large", "return_after_break")
NS_PER_DAY = 86_400 * 10**9

When = TypeVar("When", dt.date, dt.datetime, pd.Timestamp)


def window_days() -> int:
    """Length of the spike reference window in days (registry `load.spike.window_days`)."""
    return int(evidence.value("load.spike.window_days"))


def reference_window(end: When) -> tuple[When, When]:
    """The window [start, end) whose runs a session starting at `end` is measured against."""
    return end - dt.timedelta(days=window_days()), end


def in_reference_window(when: When, end: When) -> bool:
    """Whether a run at `when` is in the reference window of a session at `end`: start <= when < end."""
    start, end = reference_window(end)
    return start <= when < end


def spike_thresholds() -> tuple[float, float, float]:
    """Lower edges (exclusive) of the small, moderate and large bands from the registry."""
    return (
        float(evidence.value("load.spike.small")),
        float(evidence.value("load.spike.moderate")),
        float(evidence.value("load.spike.large")),
    )


def window_bounds(start_ns: np.ndarray, days: float) -> tuple[np.ndarray, np.ndarray]:
    """For sorted start times: index range [lo, hi) of sessions in [t - days, t) (see `in_reference_window`)."""
    lo = np.searchsorted(start_ns, start_ns - int(days * NS_PER_DAY), side="left")
    hi = np.searchsorted(start_ns, start_ns, side="left")
    return lo, hi


def range_max(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """max(values[lo_i:hi_i]) for every i, NaN-ignoring; NaN where the range is empty or all-NaN."""
    n = len(values)
    out = np.full(len(lo), np.nan)
    if n == 0:
        return out
    base = np.where(np.isnan(values), -np.inf, values.astype(float))
    levels = [base]
    width = 1
    while width * 2 <= n:
        prev = levels[-1]
        level = np.full(n, -np.inf)
        level[: n - width] = np.maximum(prev[: n - width], prev[width:n])
        levels.append(level)
        width *= 2
    table = np.vstack(levels)
    length = hi - lo
    valid = length > 0
    k = np.zeros(len(lo), dtype=np.int64)
    k[valid] = np.floor(np.log2(length[valid])).astype(np.int64)
    lo_v, hi_v, k_v = lo[valid], hi[valid], k[valid]
    best = np.maximum(table[k_v, lo_v], table[k_v, hi_v - (1 << k_v)])
    out[valid] = np.where(np.isfinite(best), best, np.nan)
    return out


SPIKE_BANDS = ("small", "moderate", "large")  # the bands `classify_spikes` flags as spikes (above 'reference')


def classify_spikes(ratio: np.ndarray, had_prior_run: np.ndarray) -> np.ndarray:
    """Band names for spike ratios; None where a prior run exists but the ratio is undefined."""
    small, moderate, large = spike_thresholds()
    r = np.round(ratio, 9)
    with np.errstate(invalid="ignore"):
        band = np.select(
            [~had_prior_run, np.isnan(r), r <= small, r <= moderate, r <= large],
            ["return_after_break", "", "reference", "small", "moderate"],
            default="large",
        ).astype(object)
    band[band == ""] = None
    return band


def spike_columns(start_ns: np.ndarray, distance_m: np.ndarray, days: float | None = None,
                  record_start_ns: int | None = None) -> dict:
    """The spike columns as arrays for runs sorted by start (int64 UTC ns); see `spike_table`.

    `record_start_ns` is when the imported record begins (`load.analysis.record_start_row`); default the
    first run. A run before it (an undated file) has a negative `record_days_before`.
    """
    window = float(days if days is not None else window_days())
    start = np.asarray(start_ns, dtype=np.int64)
    if len(start) > 1 and np.any(np.diff(start) < 0):
        raise ValueError("the spike rule needs runs sorted by start time")
    first_run = int(start[0]) if len(start) else 0
    record_ns = start - (first_run if record_start_ns is None else int(record_start_ns))
    distance = np.asarray(distance_m, dtype=float)
    lo, hi = window_bounds(start, window)
    reference = range_max(distance, lo, hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = distance / reference - 1.0
    earlier = np.searchsorted(start, start, side="left")  # number of runs strictly earlier
    previous_start = start[np.maximum(earlier - 1, 0)] if len(start) else start
    return {
        "ref_longest_m": reference,
        "spike_ratio": ratio,
        "spike_band": classify_spikes(ratio, hi > lo),
        "days_since_prev_run": np.where(earlier > 0, (start - previous_start) / NS_PER_DAY, np.nan),
        "first_in_record": earlier == 0,
        # days of record before the run, and whether its whole reference window lies inside them
        "record_days_before": record_ns / NS_PER_DAY,
        "window_in_record": record_ns >= int(round(window * NS_PER_DAY)),
    }


def spike_table(runs: pd.DataFrame, days: float | None = None) -> pd.DataFrame:
    """Spike columns for running sessions sorted by start time.

    `runs` needs `start_ns` (int64 UTC nanoseconds, ascending) and `distance_m`
    (NaN = unknown). Returns, on the same index: ref_longest_m, spike_ratio,
    spike_band, days_since_prev_run, first_in_record, record_days_before, window_in_record.
    """
    columns = spike_columns(runs["start_ns"].to_numpy(dtype=np.int64), runs["distance_m"].to_numpy(dtype=float),
                            days)
    return pd.DataFrame(columns, index=runs.index)


def spike_for_distances(starts: pd.Series | list, distances_m: list[float]) -> pd.DataFrame:
    """Convenience: the spike table for plain start timestamps and distances (any order)."""
    frame = pd.DataFrame({"start": pd.to_datetime(pd.Series(starts), utc=True), "distance_m": distances_m})
    frame["start_ns"] = frame["start"].astype("datetime64[ns, UTC]").to_numpy(dtype="datetime64[ns]").astype(np.int64)
    frame = frame.sort_values("start_ns", kind="stable")
    return frame.join(spike_table(frame))
