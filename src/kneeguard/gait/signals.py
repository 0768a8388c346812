"""Keypoint signal cleaning: swaps, outliers, gaps, low-pass, and pixel → metre scale.

Order matters (see `clean_series`): left/right label swaps are fixed first on the
raw data (a swapped stretch is not an "outlier" to a Hampel filter), then single
outliers are removed, short dropouts are bridged, and finally a zero-lag
Butterworth low-pass removes pose jitter. Long gaps stay NaN: never invent data.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter
from scipy.integrate import trapezoid
from scipy.signal import butter, savgol_filter, sosfiltfilt, sosfreqz

from kneeguard import evidence
from kneeguard.gait.keypoints import KeypointSeries
from kneeguard.gait.swaps import (  # noqa: F401 - re-exported: part of the cleaning API
    _hold_through,
    _leg_indices,
    _runs,
    apply_swaps,
    detect_swaps,
    remove_collapsed_legs,
    swap_prior,
)

# 12 Hz is OpenCap's 2D-keypoint cut-off for gait; Pose2Sim advises 6-15 Hz for
# running (shared/evidence/gait.md §1.1). Capped at 0.4*fps so it stays below Nyquist.
DEFAULT_CUTOFF_HZ = 12.0
MIN_VISIBILITY = 0.3  # keypoints scored below this are treated as missing
MAX_GAP_S = 0.1  # bridge dropouts up to ~1/3 of a contact; longer gaps stay missing
HAMPEL_HALF_WINDOW_S = 0.05
HAMPEL_SIGMAS = 5.0  # gross pose glitches only: at 3, sharp but real turns of the foot (a 30 fps toe-off) were cut
HAMPEL_PASSES = 3  # clustered glitches: each pass removes the worst of each neighbourhood
HAMPEL_FLOOR = 0.01  # share of the 5-95 % range below which a residual is never an outlier



@dataclass
class CleaningInfo:
    """What cleaning changed, for warnings and the quality score."""

    swapped_frames: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    collapsed_frames: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    outliers: int = 0
    filled: int = 0
    missing_after: float = 0.0  # fraction of leg coordinates still NaN
    cutoff_hz: float = DEFAULT_CUTOFF_HZ
    noise_px: float = 0.0  # keypoint jitter (SD, series units) by residual analysis of the feet; events.py uses it


def _worst_outliers(col: np.ndarray, size: int, n_sigmas: float, floor: float) -> np.ndarray:
    """Samples beyond the threshold that are also the largest residual within their window."""
    ok = np.isfinite(col)
    # the filters cannot skip NaN: fill them with neighbours for the reference only
    ref_src = np.interp(np.arange(len(col)), np.flatnonzero(ok), col[ok])
    fit = savgol_filter(ref_src, size, 2, mode="interp")
    resid = np.where(ok, ref_src - fit, 0.0)
    wide = 3 * size
    mad = 1.4826 * median_filter(np.abs(resid - median_filter(resid, size=wide, mode="nearest")),
                                 size=wide, mode="nearest")
    score = np.abs(resid) / np.maximum(mad, floor)
    return ok & (score > n_sigmas) & (score >= maximum_filter1d(score, size, mode="nearest"))


def fill_gaps(x: np.ndarray, max_gap: int) -> tuple[np.ndarray, int]:
    """Linearly bridge NaN runs of at most `max_gap` samples along axis 0 (interior gaps only).

    Returns the filled copy and how many samples were filled.
    """
    out = np.array(x, dtype=float, copy=True)
    flat = out.reshape(out.shape[0], -1)
    filled = 0
    idx = np.arange(flat.shape[0])
    for j in range(flat.shape[1]):
        col = flat[:, j]
        bad = np.isnan(col)
        if not bad.any() or bad.all():
            continue
        starts, ends = _runs(bad)
        good = ~bad
        for s, e in zip(starts, ends):
            if s == 0 or e == len(col) or e - s > max_gap:
                continue
            col[s:e] = np.interp(idx[s:e], idx[good], col[good])
            filled += e - s
    return out, filled


def hampel(x: np.ndarray, half_window: int, n_sigmas: float = HAMPEL_SIGMAS) -> tuple[np.ndarray, int]:
    """Set samples further than `n_sigmas` robust SDs from a local quadratic fit to NaN (axis 0).

    The reference is a Savitzky-Golay quadratic, not the moving median: a median clips every
    peak of a coarsely sampled trajectory (the foot's turn at landing spans 2-3 frames at
    30 fps), which flagged real motion as outliers and flattened the knee angle at contact.
    A glitch also pulls the fit at its neighbours, so only the worst sample of a neighbourhood
    is flagged per pass, and the fit is redone without it (a few passes catch clustered glitches).
    The MAD of the residuals (x1.4826, consistent with the SD for Gaussian noise) is taken over
    a window three times wider so one glitch cannot inflate its own threshold; a floor of 1 %
    of the signal range keeps flat stretches from flagging jitter.
    """
    out = np.array(x, dtype=float, copy=True)
    flat = out.reshape(out.shape[0], -1)
    size = 2 * max(int(half_window), 2) + 1
    removed = 0
    for j in range(flat.shape[1]):
        col = flat[:, j]
        if np.isfinite(col).sum() < 3 * size:
            continue
        floor = HAMPEL_FLOOR * (np.nanpercentile(col, 95) - np.nanpercentile(col, 5)) + 1e-9
        for _ in range(HAMPEL_PASSES):
            bad = _worst_outliers(col, size, n_sigmas, floor)
            if not bad.any():
                break
            col[bad] = np.nan
            removed += int(bad.sum())
    return out, removed


FOOT_POINTS = ("toe", "ankle", "heel")


def residual_noise(x: np.ndarray, fps: float) -> float:
    """The white-noise SD of one trajectory by Winter's residual analysis (Winter 2009, §3.4.4.3).

    The RMS residual between the signal and its low-passed copy, taken over a grid of cut-offs, is
    noise-dominated at high cut-offs and falls there along a straight line; that line's intercept at
    0 Hz is the noise RMS. (Winter also reads a cut-off off that line; that cut-off minimises the
    distortion of the whole trajectory and is too low for timing sharp events, so only the noise
    level is taken here.) NaN when the trajectory is too short or gappy.
    """
    ok = np.isfinite(x)
    if ok.sum() < 60:
        return float("nan")
    top = 0.45 * fps
    grid = np.arange(1.0, top, max(top / 40, 0.25))
    resid = np.array([np.sqrt(np.nanmean((x - lowpass(x, fps, fc, cap=False)) ** 2)) for fc in grid])
    tail = grid >= 0.6 * top
    if tail.sum() < 3:
        return float("nan")
    slope, intercept = np.polyfit(grid[tail], resid[tail], 1)
    return float(max(intercept, 0.0))


def keypoint_noise(series: KeypointSeries) -> float:
    """Median residual-analysis noise over the foot keypoints' x and y (the points events are timed on)."""
    values = []
    for side in ("left", "right"):
        for part in FOOT_POINTS:
            name = f"{side}_{part}"
            if series.has(name):
                xy = series.point(name)
                values += [residual_noise(xy[:, axis], series.fps) for axis in (0, 1)]
    values = [v for v in values if np.isfinite(v)]
    return float(np.median(values)) if values else 0.0


def velocity_noise_sd(noise: float, fps: float, cutoffs_hz: list[float]) -> float:
    """SD of the velocity (units/s) that white position noise of SD `noise` leaves after zero-lag
    4th-order Butterworth low-passes at `cutoffs_hz` and a central difference (np.gradient).

    Exact for white noise: the integral of its flat spectrum times the squared gain of the chain.
    """
    f = np.linspace(0.0, fps / 2, 1025)
    gain = np.abs(fps * np.sin(2 * np.pi * f / fps))
    for fc in cutoffs_hz:
        _, h = sosfreqz(butter(2, min(fc, 0.49 * fps), fs=fps, output="sos"), worN=f, fs=fps)
        gain = gain * np.abs(h) ** 2  # forward and backward pass
    return float(noise * np.sqrt(trapezoid(gain ** 2, f) * 2.0 / fps))


def extremum_half_window(fps: float, cutoff_hz: float | None) -> int:
    """Samples on each side of an extremum for its least-squares parabola: a quarter period of the cut-off.

    A signal low-passed at `cutoff_hz` holds no two extrema closer than about half its period, so a window
    of that length (a quarter period each side) sees only the one extremum and a parabola describes it;
    every sample in it then informs the vertex instead of only the three at the bottom. At least one
    sample (the three-point parabola); without a cut-off, one.
    """
    if not cutoff_hz or cutoff_hz <= 0:
        return 1
    return max(1, int(np.floor(fps / (4.0 * cutoff_hz))))


def parabola_vertex(sig: np.ndarray, i: int, half_window: int) -> float | None:
    """Sub-frame vertex of the least-squares parabola through sig[i-h:i+h+1] (h = `half_window`; h = 1 is the
    three-point parabola); None if the window leaves the signal, holds a gap, is flat or puts the vertex outside it."""
    lo, hi = i - half_window, i + half_window
    if lo < 0 or hi >= len(sig) or not np.isfinite(sig[lo:hi + 1]).all():
        return None
    t = np.arange(-half_window, half_window + 1, dtype=float)
    a, b, _ = np.polyfit(t, sig[lo:hi + 1], 2)
    if a == 0:
        return None
    vertex = -b / (2 * a)
    return i + vertex if abs(vertex) <= half_window else None


def effective_cutoff(fps: float, cutoff_hz: float = DEFAULT_CUTOFF_HZ) -> float:
    return float(min(cutoff_hz, 0.4 * fps))


def lowpass(x: np.ndarray, fps: float, cutoff_hz: float = DEFAULT_CUTOFF_HZ, order: int = 4,
            cap: bool = True) -> np.ndarray:
    """Zero-lag Butterworth low-pass along axis 0, applied to each finite stretch separately.

    `order` is the total (forward + backward) order, so each pass uses order/2.
    Stretches too short to filter are left as they are. `cap` keeps the cut-off at 0.4 × fps at most
    (residual analysis scans up to 0.45 × fps and turns it off).
    """
    fc = effective_cutoff(fps, cutoff_hz) if cap else min(cutoff_hz, 0.49 * fps)
    sos = butter(max(order // 2, 1), fc, btype="low", fs=fps, output="sos")
    out = np.array(x, dtype=float, copy=True)
    flat = out.reshape(out.shape[0], -1)
    min_len = 3 * (2 * sos.shape[0] + 1) + 1
    for j in range(flat.shape[1]):
        col = flat[:, j]
        starts, ends = _runs(np.isfinite(col))
        for s, e in zip(starts, ends):
            if e - s >= min_len:
                col[s:e] = sosfiltfilt(sos, col[s:e])
    return out


def clean_series(
    series: KeypointSeries, *, fix_swaps: bool = True, cutoff_hz: float = DEFAULT_CUTOFF_HZ
) -> tuple[KeypointSeries, CleaningInfo]:
    """Swap fix → Hampel → gap fill → zero-lag low-pass. Returns the cleaned copy and what changed."""
    info = CleaningInfo(cutoff_hz=effective_cutoff(series.fps, cutoff_hz))
    xy = series.xy.copy()
    xy[series.visibility < MIN_VISIBILITY] = np.nan
    work = replace(series, xy=xy)
    if fix_swaps:
        left, right = _leg_indices(work)
        # hips overlap in side view by nature: judge collapse on the lower leg only
        lower = [k for k, i in enumerate(left) if not work.names[i].endswith("_hip")]
        xy, info.collapsed_frames = remove_collapsed_legs(
            work.xy, [left[k] for k in lower], [right[k] for k in lower], series.fps)
        work = replace(work, xy=xy)
        prior = swap_prior(work.xy, series.visibility, [left[k] for k in lower], [right[k] for k in lower], series.fps)
        info.swapped_frames = _hold_through(detect_swaps(work.xy, left, right, prior=prior), info.collapsed_frames)
        work = apply_swaps(work, info.swapped_frames)
    else:
        info.swapped_frames = np.zeros(series.n_frames, dtype=bool)
        info.collapsed_frames = np.zeros(series.n_frames, dtype=bool)
    xy, info.outliers = hampel(work.xy, round(HAMPEL_HALF_WINDOW_S * series.fps))
    xy, info.filled = fill_gaps(xy, max(1, round(MAX_GAP_S * series.fps)))
    info.noise_px = keypoint_noise(replace(work, xy=xy))
    xy = lowpass(xy, series.fps, cutoff_hz)
    left, right = _leg_indices(work)
    legs = xy[:, left + right, :]
    info.missing_after = float(np.isnan(legs).mean()) if legs.size else 1.0
    return replace(work, xy=xy), info


def segment_lengths_px(series: KeypointSeries) -> dict[str, float]:
    """Median thigh (hip-knee) and shank (knee-ankle) lengths over frames and both sides."""
    out = {}
    for seg, (a, b) in {"thigh": ("hip", "knee"), "shank": ("knee", "ankle")}.items():
        lengths = [
            np.linalg.norm(series.point(f"{side}_{a}") - series.point(f"{side}_{b}"), axis=1)
            for side in ("left", "right")
        ]
        values = np.concatenate(lengths)
        values = values[np.isfinite(values)]
        out[seg] = float(np.median(values)) if values.size else float("nan")
    return out


def leg_length_px(series: KeypointSeries) -> float:
    """Thigh + shank length in the image's units (hip keypoint to ankle keypoint along the leg)."""
    seg = segment_lengths_px(series)
    return seg["thigh"] + seg["shank"]


def metres_per_unit(series: KeypointSeries, height_cm: float | None = None) -> float | None:
    """Scale from image units to metres, or None when it cannot be known.

    Projected motion capture (`units == "m"`) needs no scale. Otherwise the
    hip-knee-ankle length is matched to the anthropometric fraction of body
    height (rule `gait.anthropometry.leg_fraction`: thigh 0.245 H + shank
    0.246 H, Drillis & Contini via Winter 2009). Nose/top of head is not used:
    the head is often cropped or tilted in running video.
    """
    if series.units == "m":
        return 1.0
    height_m = height_cm / 100 if height_cm else series.meta.get("person_height_m")
    if not height_m:
        return None
    leg = leg_length_px(series)
    if not np.isfinite(leg) or leg <= 0:
        return None
    return float(height_m) * float(evidence.value("gait.anthropometry.leg_fraction")) / leg
