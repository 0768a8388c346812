"""An activity's sample streams as the data the page's uPlot charts draw (web/static/activity_charts.js).

The server downsamples: a long ride at 1 Hz has tens of thousands of samples, more than a chart is
wide in pixels; `MAX_POINTS` bins (each the mean of its samples, speed averaged before it becomes
pace) keep the shape, the read-outs and the page small. Every x value is given twice, as seconds
since the start and as kilometres covered, so the page can switch axes without asking again.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kneeguard.ingest.sports import shows_pace, sport_family

MAX_POINTS = 2000  # about two samples per horizontal pixel of a wide screen
# Slower than this is standing or walking a few steps: a pace of tens of minutes per km would
# squash the whole run into a line at the top of the pace axis, so those moments show as gaps.
MIN_PACE_SPEED_MPS = 0.8  # 20:50 /km
# The pace axis spans the 2nd to 98th percentile of the drawn paces (plus a margin): a few seconds of
# walking through a crossing would otherwise stretch it until the running pace is a flat line.
PACE_AXIS_PERCENTILES = (2.0, 98.0)
PACE_AXIS_MARGIN_S = 15.0
# A pause (the watch stopped, or auto-pause) leaves no samples; a point with no values is put in the gap so
# the charts break there instead of drawing a straight line across it. A gap is a step longer than a minute
# and ten times the usual step between drawn points.
PAUSE_MIN_S = 60.0
PAUSE_STEPS = 10.0


@dataclass(frozen=True)
class Stream:
    """One chart: a column of the samples, how it is labelled, and how a value is converted for it."""

    key: str
    label: str
    unit: str
    digits: int
    invert: bool = False  # pace: faster (fewer seconds per km) at the top


def streams_payload(samples: pd.DataFrame, sport: str) -> dict | None:
    """The JSON the charts read, or None when the activity has no timed stream to draw."""
    if samples is None or samples.empty or "time" not in samples:
        return None
    from kneeguard.ingest.hr import unix_seconds

    unix = unix_seconds(samples["time"])  # NaN for a missing time
    seconds = unix - np.nanmin(unix) if np.isfinite(unix).any() else unix
    keep = np.isfinite(seconds)
    if keep.sum() < 2:
        return None
    order = np.argsort(seconds[keep], kind="stable")
    rows = samples.loc[keep].iloc[order]
    seconds = seconds[keep][order]
    edges = _bin_edges(len(seconds))
    distance = rows["distance_m"].to_numpy(dtype=float) if "distance_m" in rows else None
    km = None
    if distance is not None and np.isfinite(distance).sum() >= 2:
        filled = pd.Series(distance).ffill().fillna(0.0).to_numpy()
        km = _binned(np.maximum.accumulate(filled) / 1000.0, edges)
    series = []
    for stream, values in _columns(rows, sport):
        binned = _binned(values, edges)
        if stream.key == "pace":
            with np.errstate(divide="ignore", invalid="ignore"):
                binned = np.where(binned >= MIN_PACE_SPEED_MPS, 1000.0 / binned, np.nan)
        if np.isfinite(binned).sum() < 2:
            continue
        entry = {"key": stream.key, "label": stream.label, "unit": stream.unit, "digits": stream.digits,
                 "invert": stream.invert, "values": binned}  # made JSON numbers below, pauses marked
        if stream.key == "pace":
            low, high = np.nanpercentile(binned, PACE_AXIS_PERCENTILES)
            entry["range"] = [float(max(low - PACE_AXIS_MARGIN_S, 0.0)), float(high + PACE_AXIS_MARGIN_S)]
        series.append(entry)
    if not series:
        return None
    x = _binned(seconds, edges)
    pauses = _pauses(x)
    for entry in series:
        entry["values"] = _json_numbers(np.insert(entry["values"], pauses, np.nan), entry["digits"])
    gap_x = (x[pauses - 1] + x[pauses]) / 2
    return {"seconds": _json_numbers(np.insert(x, pauses, gap_x), 1),
            "km": None if km is None else _json_numbers(np.insert(km, pauses, km[pauses - 1]), 3),
            "samples": int(len(seconds)), "series": series}


def _pauses(x: np.ndarray) -> np.ndarray:
    """Positions before which a pause lies (see PAUSE_MIN_S)."""
    if len(x) < 3:
        return np.array([], dtype=int)
    steps = np.diff(x)
    usual = float(np.nanmedian(steps))
    return np.flatnonzero(steps > max(PAUSE_MIN_S, PAUSE_STEPS * usual)) + 1


def _columns(rows: pd.DataFrame, sport: str):
    """(stream, values in its unit) for each stream the activity has, in the order the page shows them."""
    cadence_unit = "rpm" if sport_family(sport) == "cycling" else "steps/min"
    wanted = [
        ("heart_rate_bpm", Stream("heart_rate", "Heart rate", "bpm", 0), 1.0),
        ("speed_mps", Stream("pace", "Pace", "min/km", 0, invert=True) if shows_pace(sport)
         else Stream("speed", "Speed", "km/h", 1), 1.0),
        ("cadence_spm", Stream("cadence", "Cadence", cadence_unit, 0), 1.0),
        ("altitude_m", Stream("elevation", "Elevation", "m", 0), 1.0),
        ("power_w", Stream("power", "Power", "W", 0), 1.0),
    ]
    for column, stream, scale in wanted:
        if column not in rows:
            continue
        values = rows[column].to_numpy(dtype=float) * scale
        if stream.key == "speed":
            values = values * 3.6
        if stream.key in ("heart_rate", "cadence", "power"):
            values = np.where(values > 0, values, np.nan)  # 0 is "no reading" (strap off, coasting)
        yield stream, values


def _bin_edges(count: int) -> np.ndarray:
    bins = min(count, MAX_POINTS)
    return np.linspace(0, count, bins + 1).astype(int)


def _binned(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Mean of the finite values in each bin (NaN where a bin has none)."""
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    sums = np.add.reduceat(np.where(finite, values, 0.0), edges[:-1])
    counts = np.add.reduceat(finite.astype(float), edges[:-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def _json_numbers(values: np.ndarray, digits: int) -> list[float | None]:
    """Rounded numbers, None for a gap (JSON has no NaN; uPlot draws null as a gap)."""
    rounded = np.round(np.asarray(values, dtype=float), digits)
    out = rounded.astype(object)
    out[~np.isfinite(rounded)] = None
    return out.tolist()
