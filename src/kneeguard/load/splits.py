"""Per-kilometre splits of one activity from its distance stream.

Each split is the time between the moments the distance stream crossed k and k+1 km (linear
interpolation between samples), so a split is exact to the sample interval whatever the device's
recording rate. The time is elapsed time: a pause inside a kilometre counts in its split, as on a
watch's auto-lap. The last, partial kilometre is its own split when it is at least `MIN_LAST_SPLIT_M` long; a
shorter tail joins the last full kilometre (a few metres say nothing about pace). Average heart rate is the
time-weighted mean of the samples inside the split.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SPLIT_M = 1000.0
MIN_LAST_SPLIT_M = 100.0  # shorter tails are GPS noise after stopping, not a split worth a row


@dataclass(frozen=True)
class Split:
    number: int  # 1-based
    distance_m: float
    duration_s: float
    avg_hr: float | None

    @property
    def pace_s_per_km(self) -> float | None:
        return self.duration_s / self.distance_m * 1000.0 if self.distance_m > 0 and self.duration_s > 0 else None


def km_splits(samples: pd.DataFrame) -> list[Split]:
    """Splits every `SPLIT_M` metres; [] without time and distance streams."""
    if samples is None or samples.empty or not {"time", "distance_m"} <= set(samples.columns):
        return []
    seconds = _seconds(samples["time"])
    distance = samples["distance_m"].to_numpy(dtype=float)
    keep = np.isfinite(seconds) & np.isfinite(distance)
    if keep.sum() < 2:
        return []
    seconds, distance = seconds[keep], np.maximum.accumulate(distance[keep])  # a device never runs backwards
    heart = samples["heart_rate_bpm"].to_numpy(dtype=float)[keep] if "heart_rate_bpm" in samples else None
    total = float(distance[-1] - distance[0])
    if total <= 0:
        return []
    marks = np.arange(0.0, total, SPLIT_M) + distance[0]
    ends = np.append(marks[1:], distance[-1])
    if ends[-1] - marks[-1] < MIN_LAST_SPLIT_M and len(marks) > 1:
        marks, ends = marks[:-1], np.append(ends[:-2], ends[-1])  # the short tail joins the last kilometre
    # the first moment each mark is reached (distance may stand still while stopped)
    start_times = _time_at(distance, seconds, marks)
    end_times = _time_at(distance, seconds, ends)
    heart_rates = _mean_hr(seconds, heart, start_times, end_times)
    return [Split(index, float(b - a), float(t1 - t0), hr)
            for index, (a, b, t0, t1, hr) in enumerate(zip(marks, ends, start_times, end_times, heart_rates,
                                                            strict=True), start=1) if b - a > 0]


def _time_at(distance: np.ndarray, seconds: np.ndarray, marks: np.ndarray) -> np.ndarray:
    right = np.searchsorted(distance, marks, side="left").clip(1, len(distance) - 1)
    left = right - 1
    span = distance[right] - distance[left]
    fraction = np.where(span > 0, (marks - distance[left]) / np.where(span > 0, span, 1.0), 0.0)
    return seconds[left] + fraction.clip(0.0, 1.0) * (seconds[right] - seconds[left])


def _mean_hr(seconds: np.ndarray, heart: np.ndarray | None, t0: np.ndarray, t1: np.ndarray) -> list[float | None]:
    """Time-weighted mean heart rate of the samples in each [t0, t1] (each sample weighs until the next one),
    from running sums, so every split costs two look-ups whatever the stream's length."""
    if heart is None:
        return [None] * len(t0)
    valid = np.isfinite(heart) & (heart > 0)
    weight = np.where(valid, np.diff(seconds, append=seconds[-1]).clip(0.0), 0.0)
    weighted = np.concatenate([[0.0], np.cumsum(np.where(valid, heart, 0.0) * weight)])
    weights = np.concatenate([[0.0], np.cumsum(weight)])
    plain = np.concatenate([[0.0], np.cumsum(np.where(valid, heart, 0.0))])  # for samples all at one time
    counts = np.concatenate([[0], np.cumsum(valid)])
    first = np.searchsorted(seconds, t0, side="left")
    last = np.searchsorted(seconds, t1, side="right")  # samples first..last-1 lie inside
    out: list[float | None] = []
    for i, j in zip(first, last, strict=True):
        if counts[j] - counts[i] == 0:
            out.append(None)
        elif weights[j] - weights[i] > 0:
            out.append(float((weighted[j] - weighted[i]) / (weights[j] - weights[i])))
        else:
            out.append(float((plain[j] - plain[i]) / (counts[j] - counts[i])))
    return out


def _seconds(times: pd.Series) -> np.ndarray:
    from kneeguard.ingest.hr import unix_seconds

    unix = unix_seconds(times)  # the stored column is already UTC datetimes: no parsing
    return unix - unix[0]
