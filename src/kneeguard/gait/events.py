"""Initial contact (IC) and toe-off (TO) per foot from 2D keypoints, in two passes.

Pass 1 (segmentation): a foot's *clearance* is how far its lowest point (heel
or toe, else ankle) is above that point's own ground level (a high percentile
of its image y). Stretches with clearance below a coarse fraction of the foot's
vertical range are candidate stances; they must recur with the stride period.
Pass 2 (refinement): IC is where the clearance reaches a fine threshold on the
way down, extrapolated to the ground with the local velocity (at most one
frame); TO is where the toe leaves the fine threshold. Both are sub-frame
(linear interpolation between samples); at high frame rates IC is further
refined at the vertical-deceleration peak of heel or toe, whichever comes
first (Handsaker 2016), with parabolic sub-frame interpolation.
Then L/R alternation is enforced and implausible steps are rejected.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard.gait.keypoints import GaitError, KeypointSeries

GROUND_PERCENTILE = 95.0
COARSE_FRACTION = 0.20  # pass-1 stance: foot within 20 % of its vertical range of the ground
FINE_FRACTION = 0.05  # pass-2 contact threshold
MIN_CONTACT_S = 0.06
ACCEL_REFINE_MIN_FPS = float("inf")  # Handsaker-style refinement: off until validated (made Fukuchi IC worse)
EVENT_COLUMNS = ("side", "ic_time_s", "to_time_s", "ic_frame", "to_frame", "valid", "note")


def foot_clearance(series: KeypointSeries, side: str) -> tuple[np.ndarray, np.ndarray, float]:
    """Per-frame clearance of the foot's lowest point, the toe's own clearance, and the foot's vertical range.

    Image y points down, so clearance = ground_y − y (≥ 0 in swing, ≈ 0 in stance).
    """
    parts = [p for p in ("heel", "toe") if series.has(f"{side}_{p}")] or ["ankle"]
    clears, ranges = [], []
    for p in parts:
        y = series.point(f"{side}_{p}")[:, 1]
        if not np.isfinite(y).any():
            continue
        ground = np.nanpercentile(y, GROUND_PERCENTILE)
        clears.append(ground - y)
        ranges.append(ground - np.nanpercentile(y, 5))
    if not clears:
        raise GaitError(f"no {side} foot keypoints: cannot find gait events")
    stack = np.stack(clears)
    with np.errstate(invalid="ignore"):
        lowest = np.where(np.isnan(stack).all(0), np.nan, np.nanmin(np.where(np.isnan(stack), np.inf, stack), 0))
    toe = clears[parts.index("toe")] if "toe" in parts else lowest
    return lowest, toe, float(np.nanmedian(ranges))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    d = np.diff(padded)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def candidate_stances(clear: np.ndarray, span: float, fps: float) -> list[tuple[int, int]]:
    """Pass 1: frame ranges [start, end) where the foot is near the ground, merged and period-checked."""
    near = np.nan_to_num(clear, nan=np.inf) < COARSE_FRACTION * span
    runs = _runs(near)
    if len(runs) < 2:
        return runs
    # merge stances split by a noisy frame or two (gap < 30 % of the typical stance-to-stance gap)
    starts = np.array([s for s, _ in runs])
    typical = np.median(np.diff(starts)) if len(starts) > 2 else np.inf
    merged = [runs[0]]
    for s, e in runs[1:]:
        if s - merged[-1][1] < 0.3 * typical:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return [(s, e) for s, e in merged if (e - s) / fps >= MIN_CONTACT_S * 0.5]


def _crossing(sig: np.ndarray, i0: int, i1: int, level: float, rising: bool, last: bool = False) -> float | None:
    """Sub-frame index where `sig` crosses `level` between samples i0 and i1 (the first, or the last one)."""
    lo, hi = max(i0, 0), min(i1, len(sig) - 1)
    found = None
    for i in range(lo, hi):
        a, b = sig[i], sig[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if (rising and a <= level < b) or (not rising and a > level >= b):
            found = i + (level - a) / (b - a) if b != a else float(i)
            if not last:
                return found
    return found


def _parabolic_peak(sig: np.ndarray, i: int) -> float:
    """Sub-frame location of a peak at sample i by fitting a parabola through i-1, i, i+1."""
    if i <= 0 or i >= len(sig) - 1:
        return float(i)
    a, b, c = sig[i - 1], sig[i], sig[i + 1]
    den = a - 2 * b + c
    return float(i) if den == 0 or not np.isfinite(den) else i + 0.5 * (a - c) / den


def _touch(sig: np.ndarray, j: int, step: int) -> float:
    """Where the flight line through samples j-2*step, j-step (both off the ground) meets zero.

    `j` is the first (step=1, landing) or last (step=-1, take-off) sample at or below the
    fine threshold; the answer stays between j-step and j so it moves the event at most a frame.
    """
    a, b = j - 2 * step, j - step
    if min(a, b) < 0 or max(a, b) >= len(sig) or not np.isfinite(sig[a]) or not np.isfinite(sig[b]):
        return float(j)
    v = sig[a] - sig[b]  # clearance lost per sample while approaching the ground
    if v <= 0:
        return float(j)
    frac = min(sig[b] / v, 1.0)
    return b + step * frac


def refine_contact(clear: np.ndarray, toe: np.ndarray, stance: tuple[int, int], span: float,
                   fps: float) -> tuple[float, float]:
    """Pass 2: sub-frame IC and TO (in frames) around one candidate stance."""
    s, e = stance
    fine = FINE_FRACTION * span
    reach = max(2, int(round(0.08 * fps)))
    lo, hi = max(s - 1, 0), min(e + 1, len(clear))
    down = np.flatnonzero(np.nan_to_num(clear[lo:hi], nan=np.inf) <= fine)
    ic = _touch(clear, lo + int(down[0]), 1) if down.size else float(s)
    if fps >= ACCEL_REFINE_MIN_FPS:
        ic = _accel_refine(clear, ic, reach)
    sig = toe if np.isfinite(toe[lo:hi]).any() else clear
    on = np.flatnonzero(np.nan_to_num(sig[lo:hi], nan=np.inf) <= fine)
    to = _touch(sig, lo + int(on[-1]), -1) if on.size else float(e)
    return ic, to


def _accel_refine(clear: np.ndarray, ic: float, reach: int) -> float:
    """IC at the peak deceleration of the landing foot near the threshold estimate (Handsaker 2016)."""
    acc = np.gradient(np.gradient(clear))  # +ve when a descending foot is being stopped
    i0, i1 = int(ic) - reach, int(ic) + reach // 2 + 1
    if i0 < 1 or i1 >= len(acc) - 1:
        return ic
    window = acc[i0:i1]
    if not np.isfinite(window).all():
        return ic
    peak = i0 + int(np.argmax(window))
    return _parabolic_peak(acc, peak)


def detect_events(series: KeypointSeries) -> pd.DataFrame:
    """IC/TO for both feet (side view), one row per contact, sorted by IC time.

    Columns: side, ic_time_s, to_time_s, ic_frame, to_frame (float, sub-frame),
    valid (bool) and note (why a contact was rejected).
    """
    rows = []
    for side in ("left", "right"):
        clear, toe, span = foot_clearance(series, side)
        if not np.isfinite(span) or span <= 0:
            continue
        for stance in candidate_stances(clear, span, series.fps):
            ic, to = refine_contact(clear, toe, stance, span, series.fps)
            rows.append({"side": side, "ic_frame": ic, "to_frame": to})
    events = pd.DataFrame(rows, columns=["side", "ic_frame", "to_frame"])
    events = events.sort_values("ic_frame", ignore_index=True)
    events["ic_time_s"] = events["ic_frame"] / series.fps
    events["to_time_s"] = events["to_frame"] / series.fps
    return check_events(events, series.n_frames, series.fps)


def check_events(events: pd.DataFrame, n_frames: int, fps: float) -> pd.DataFrame:
    """Mark implausible contacts invalid: cut at the clip edges, too short, or breaking L/R alternation."""
    valid = np.ones(len(events), dtype=bool)
    notes = [""] * len(events)
    contact = (events["to_frame"] - events["ic_frame"]).to_numpy() / fps
    for i in range(len(events)):
        if events["ic_frame"].iat[i] < 1 or events["to_frame"].iat[i] > n_frames - 2:
            valid[i], notes[i] = False, "cut by the clip edge"
        elif contact[i] < MIN_CONTACT_S:
            valid[i], notes[i] = False, "contact too short"
    stride = np.median(contact[valid]) * 3 if valid.any() else np.inf
    for i in range(len(events)):
        if valid[i] and contact[i] > stride:
            valid[i], notes[i] = False, "contact too long"
    sides = events["side"].to_numpy()
    for i in range(1, len(events)):
        if sides[i] == sides[i - 1] and valid[i] and valid[i - 1]:
            notes[i] = "same foot twice in a row (a contralateral contact was missed)"
    out = events.assign(valid=valid, note=notes)
    return out[list(EVENT_COLUMNS)]
