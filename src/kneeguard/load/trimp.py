"""Per-activity training load: Banister TRIMP, Edwards TRIMP and session-RPE.

Banister (1991; Morton, Fitz-Clarke & Banister 1990):
    TRIMP = sum over time of  minutes * x * a * exp(b * x),  x = (HR - HRrest) / (HRmax - HRrest), x >= 0.
It is computed per sample through the heart-rate histogram (seconds at each whole
bpm), which keeps the convexity of the exponential; TRIMP from the *average*
HR underestimates hard, variable sessions. The histogram form is one matrix
product: (n activities x 256 bpm) @ (256 weights per minute).

Edwards (1993): minutes in the 50-60-70-80-90-100 % HRmax zones weighted 1..5.
Session-RPE (Foster 2001): CR-10 rating x minutes.

Which number becomes an activity's `load` (`load_source`):
    'hr_histogram'      Banister TRIMP per bpm (preferred)
    'hr_average'        Banister TRIMP at the session's average HR x duration
    'session_rpe'       RPE x minutes (no HR recorded) - a different scale than TRIMP
    'duration_estimate' Banister TRIMP as if run at the registry's fallback intensity
    'missing'           no HR, RPE or duration: load 0
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.load.activities import HR_BINS
from kneeguard.load.heart_rate import HeartRateSettings

LOAD_SOURCES = ("hr_histogram", "hr_average", "session_rpe", "duration_estimate", "missing")


def heart_rate_reserve_fraction(hr: np.ndarray | float, hr_rest: float, hr_max: float) -> np.ndarray:
    """x = (HR - rest) / (max - rest), floored at 0 (HR below rest carries no load)."""
    return np.maximum((np.asarray(hr, dtype=float) - hr_rest) / (hr_max - hr_rest), 0.0)


def banister_trimp(
    minutes: np.ndarray | float, hr: np.ndarray | float, hr_rest: float, hr_max: float, a: float, b: float
) -> np.ndarray | float:
    """Banister TRIMP of `minutes` at a constant heart rate `hr`.

    >>> round(banister_trimp(30, 130, 40, 200, 0.64, 1.92), 1)
    31.8
    """
    x = heart_rate_reserve_fraction(hr, hr_rest, hr_max)
    result = np.asarray(minutes, dtype=float) * x * a * np.exp(b * x)
    return float(result) if result.ndim == 0 else result


def banister_weights(hr_rest: float, hr_max: float, a: float, b: float) -> np.ndarray:
    """TRIMP per minute spent at each whole bpm 0..255."""
    return banister_trimp(1.0, np.arange(HR_BINS, dtype=float), hr_rest, hr_max, a, b)


def banister_trimp_from_histogram(seconds_by_bpm: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """TRIMP of one histogram (256,) or many (n, 256): seconds/60 dotted with the weights."""
    return np.asarray(seconds_by_bpm, dtype=float) @ weights / 60.0


def zone_index_by_bpm(hr_max: float, zone_edges: list[float] | None = None) -> np.ndarray:
    """Zone 0..5 for each whole bpm: 0 below the first edge (50 % HRmax), 5 at >= 90 % (and above max)."""
    edges = np.asarray(zone_edges if zone_edges is not None else evidence.value("load.zones"), dtype=float)
    # searchsorted 'right': a bpm exactly on an edge belongs to the zone that edge opens
    zone = np.searchsorted(edges * hr_max, np.arange(HR_BINS, dtype=float), side="right")
    return np.minimum(zone, len(edges) - 1)


def edwards_trimp(minutes_per_zone: list[float] | np.ndarray) -> float:
    """Edwards TRIMP from minutes in zones 1..5 (50-60 ... 90-100 % HRmax).

    >>> edwards_trimp([10, 20, 15, 10, 5])
    160.0
    """
    minutes = np.asarray(minutes_per_zone, dtype=float)
    return float(minutes @ np.arange(1, len(minutes) + 1))


def edwards_weights(hr_max: float, zone_edges: list[float] | None = None) -> np.ndarray:
    """Edwards TRIMP per minute at each whole bpm (the zone number; 0 below zone 1)."""
    return zone_index_by_bpm(hr_max, zone_edges).astype(float)


def session_rpe_load(rpe: np.ndarray | float, minutes: np.ndarray | float) -> np.ndarray | float:
    """Foster's session-RPE load: CR-10 rating x minutes (x the registry's AU factor, 1)."""
    factor = float(evidence.value("load.srpe"))
    result = np.asarray(rpe, dtype=float) * np.asarray(minutes, dtype=float) * factor
    return float(result) if result.ndim == 0 else result


def activity_loads(prepared: pd.DataFrame, hr_matrix: np.ndarray, settings: HeartRateSettings) -> pd.DataFrame:
    """Load of every activity in `prepared` (same index): load, load_source, trimp, edwards_trimp,
    hr_above_max_s (seconds recorded above the athlete's HRmax, a data-quality hint).

    `hr_matrix` is `hr_histogram_matrix(prepared.hr_seconds_by_bpm)`.
    """
    # one pass over the (n x 256) matrix: Banister, Edwards, seconds recorded, seconds above HRmax
    above_max = (np.arange(HR_BINS) > settings.hr_max).astype(float)
    per_minute = np.column_stack([
        banister_weights(settings.hr_rest, settings.hr_max, settings.a, settings.b),
        edwards_weights(settings.hr_max), np.ones(HR_BINS), above_max,
    ])
    totals = banister_trimp_from_histogram(hr_matrix, per_minute).reshape(len(prepared), 4)
    hist_trimp, edwards, hr_minutes, above_max_minutes = totals.T
    has_hist = hr_minutes > 0

    minutes = prepared["duration_s"].to_numpy(dtype=float) / 60.0
    avg_hr = prepared["avg_hr"].to_numpy(dtype=float)
    rpe = prepared["rpe"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        avg_trimp = banister_trimp(minutes, avg_hr, settings.hr_rest, settings.hr_max, settings.a, settings.b)
        srpe = session_rpe_load(rpe, minutes)
    fallback_x = float(evidence.value("load.trimp.fallback_intensity"))
    fallback_hr = settings.hr_rest + fallback_x * (settings.hr_max - settings.hr_rest)
    estimate = banister_trimp(minutes, fallback_hr, settings.hr_rest, settings.hr_max, settings.a, settings.b)

    has_avg = np.isfinite(avg_trimp) & (avg_hr > 0)
    has_rpe = np.isfinite(srpe) & (rpe >= 0)
    has_duration = np.isfinite(estimate)
    choices = [has_hist, ~has_hist & has_avg, ~has_hist & ~has_avg & has_rpe]
    choices.append(~has_hist & ~has_avg & ~has_rpe & has_duration)
    load = np.select(choices, [hist_trimp, avg_trimp, srpe, estimate], default=0.0)
    source = np.select(choices, list(LOAD_SOURCES[:4]), default=LOAD_SOURCES[4])
    return pd.DataFrame(
        {
            "load": load,
            "load_source": source,
            "trimp": np.where(has_hist, hist_trimp, np.where(has_avg, avg_trimp, np.nan)),
            "edwards_trimp": np.where(has_hist, edwards, np.nan),
            "hr_above_max_s": above_max_minutes * 60.0,
        },
        index=prepared.index,
    )


def load_source_warnings(sources: pd.Series | np.ndarray) -> list[str]:
    """Plain-language notes when some loads are not heart-rate TRIMP."""
    names, found = np.unique(np.asarray(sources, dtype=str), return_counts=True)
    counts = dict(zip(names.tolist(), found.tolist()))
    notes = []
    if counts.get("session_rpe", 0):
        notes.append(
            f"{_activities(counts['session_rpe'])} without heart rate {_verb(counts['session_rpe'], 'use')} session-RPE load "
            "(RPE x minutes), which is on a different scale from heart-rate TRIMP"
        )
    if counts.get("duration_estimate", 0):
        share = evidence.value("load.trimp.fallback_intensity")
        notes.append(
            f"{_activities(counts['duration_estimate'])} without heart rate or RPE "
            f"{_verb(counts['duration_estimate'], 'have')} an estimated load "
            f"(duration at {share:.0%} of heart-rate reserve)"
        )
    if counts.get("missing", 0):
        notes.append(f"{_activities(counts['missing'])} {_verb(counts['missing'], 'have')} no heart rate, RPE or "
                     "duration; their load counts as 0")
    return notes


def _activities(n: int) -> str:
    """'1 activity', '3 activities' (a runner read '1 activities')."""
    return f"{n} {'activity' if n == 1 else 'activities'}"


def _verb(n: int, plural: str) -> str:
    """The verb agreeing with `n` activities: 'has'/'uses' for one."""
    return plural if n != 1 else {"have": "has"}.get(plural, plural + "s")
