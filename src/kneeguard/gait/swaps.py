"""Left/right leg label problems in side-view keypoints: swaps and "collapses".

Pose models sometimes swap the two legs' labels, and, when the far leg is hidden,
draw it on top of the near leg for a few frames. `remove_collapsed_legs` blanks
the leg that jumped off its own path during such a collapse; `detect_swaps` finds
the swapped frames with a Viterbi search over "swapped or not" that penalises
jumps in leg position, helped by the stride rhythm and the near leg's visibility
(`swap_prior`).
"""
from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np

from kneeguard.gait.keypoints import KeypointSeries

LEG_PARTS = ("hip", "knee", "ankle", "heel", "toe")
# A pose model that loses the far leg in side view often draws it on top of the near leg for a few
# frames ("collapse"). Legs closer than this share of their median separation are suspect ...
COLLAPSE_FRACTION = 0.3
COLLAPSE_EDGE_FRACTION = 0.6  # frames next to a collapse that are this close count as part of it
# ... and the leg that jumped there from its own path (by this share of the median separation) is removed.
COLLAPSE_JUMP_FRACTION = 0.25
COLLAPSE_MAX_S = 0.25  # longer overlaps are not a glitch (e.g. a standing runner): leave them
# Swap-search cues besides continuity (see `swap_prior`); weights are per frame, in the continuity cost's px.
STRIDE_BAND_HZ = (0.5, 2.0)  # strides/s: 60-240 steps/min
RHYTHM_MIN_FIT = 0.3  # the stride template must explain this share of the L-R spacing's variance
RHYTHM_WEIGHT = 0.5
VISIBILITY_MARGIN = 0.15  # one leg must be this much more visible over the clip to be "the near leg"


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start (inclusive) and end (exclusive) indices of True runs."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    d = np.diff(padded)
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _leg_indices(series: KeypointSeries) -> tuple[list[int], list[int]]:
    """Index pairs of left/right leg keypoints present in the series."""
    left, right = [], []
    for part in LEG_PARTS:
        ln, rn = f"left_{part}", f"right_{part}"
        if ln in series.names and rn in series.names:
            left.append(series.names.index(ln))
            right.append(series.names.index(rn))
    return left, right


def remove_collapsed_legs(xy: np.ndarray, left: list[int], right: list[int], fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Blank one leg where the pose model drew both legs on the same limb; returns the copy and the frames.

    Such frames are not swaps: one leg's points leave their own path and land on the
    other leg (MediaPipe does this to a half-hidden far leg in side view). Left in, they
    read as extra ground contacts and mislead the swap search. A frame is suspect when
    the two legs' points nearly coincide; for each short run of suspect frames the leg
    that strays from the straight line between its positions just before and just after
    the run is the one that jumped, and its points are set missing (bridged later like
    any dropout). Two legs genuinely passing each other stay on their paths, so a real
    crossing is left alone.
    """
    out = np.array(xy, dtype=float, copy=True)
    n = xy.shape[0]
    collapsed = np.zeros(n, dtype=bool)
    if n < 3 or not left:
        return out, collapsed
    legs = (xy[:, left, :], xy[:, right, :])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames give NaN, which is never "close"
        dist = np.nanmean(np.linalg.norm(legs[0] - legs[1], axis=-1), axis=1)
        typical = float(np.nanmedian(dist)) if np.isfinite(dist).any() else float("nan")
    if not np.isfinite(typical) or typical <= 0:
        return out, collapsed
    close = np.nan_to_num(dist, nan=np.inf) < COLLAPSE_FRACTION * typical
    near = np.nan_to_num(dist, nan=np.inf) < COLLAPSE_EDGE_FRACTION * typical
    max_len = max(1, round(COLLAPSE_MAX_S * fps))
    for s, e in zip(*_runs(close)):
        # the frames around a collapse are often half-collapsed: grow the run through them
        while s > 0 and near[s - 1]:
            s -= 1
        while e < n and near[e]:
            e += 1
        if s == 0 or e >= n or e - s > max_len or collapsed[s:e].any():
            continue
        strays = [_stray(leg, s, e) for leg in legs]
        if not np.isfinite(strays).all():
            continue
        jumped = int(np.argmax(strays))
        # the jumped leg left its path by a good share of the leg spacing, the other stayed on its own
        if strays[jumped] > COLLAPSE_JUMP_FRACTION * typical and strays[jumped] > 2 * strays[1 - jumped]:
            out[s:e, left if jumped == 0 else right, :] = np.nan
            collapsed[s:e] = True
    return out, collapsed


def _stray(leg: np.ndarray, s: int, e: int) -> float:
    """Mean distance of a leg's points in frames [s, e) from the line between frames s-1 and e."""
    frac = (np.arange(s, e) - (s - 1)) / (e - s + 1)
    expected = leg[s - 1] + frac[:, None, None] * (leg[e] - leg[s - 1])
    d = np.linalg.norm(leg[s:e] - expected, axis=-1)
    return float(np.nanmean(d)) if np.isfinite(d).any() else float("nan")


def _stride_template(dx: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The stride-periodic part of the legs' horizontal spacing (odd harmonics 1 and 3) and its offset line, or None.

    In running, left minus right ankle position reverses sign every step: it is
    anti-periodic over half a stride, so it holds only odd harmonics of the stride
    rate. Fitted to the whole clip, a minority of swapped frames cannot flip it.
    """
    ok = np.isfinite(dx)
    if ok.sum() < 2 * fps / STRIDE_BAND_HZ[0] or ok.mean() < 0.5:  # at least two slow strides
        return None
    t = np.arange(len(dx)) / fps
    x = np.interp(t, t[ok], dx[ok])
    x = x - np.polyval(np.polyfit(t, x, 1), t)  # perspective offset and drift are not the stride
    n = 1 << int(np.ceil(np.log2(len(x) * 8)))  # zero-padding: a finer frequency grid
    power = np.abs(np.fft.rfft(x * np.hanning(len(x)), n))
    freqs = np.fft.rfftfreq(n, d=1.0 / fps)
    band = (freqs >= STRIDE_BAND_HZ[0]) & (freqs <= min(STRIDE_BAND_HZ[1], 0.15 * fps))
    if not band.any():
        return None
    f0 = freqs[np.flatnonzero(band)[np.argmax(power[band])]]
    basis = np.stack([np.ones_like(t), t] + [g(2 * np.pi * k * f0 * t) for k in (1, 3) for g in (np.cos, np.sin)], 1)
    coef = np.linalg.lstsq(basis[ok], dx[ok], rcond=None)[0]
    periodic = basis[:, 2:] @ coef[2:]
    resid = dx[ok] - basis[ok] @ coef
    detrended = dx[ok] - basis[ok, :2] @ coef[:2]
    fit = 1 - resid.var() / detrended.var() if detrended.var() > 0 else 0.0
    return (periodic, basis[:, :2] @ coef[:2]) if fit >= RHYTHM_MIN_FIT else None


def swap_prior(xy: np.ndarray, vis: np.ndarray, left: list[int], right: list[int], fps: float) -> np.ndarray:
    """Per-frame cost (n, 2) of keeping the labels (column 0) or swapping them (column 1).

    Two cues that continuity alone lacks where the legs cross, or where a leg is
    missing or glitched around the crossing (then a label change is nearly free):
    * rhythm: left minus right horizontal position follows the stride-periodic
      template (`_stride_template`); a frame that contradicts it costs in
      proportion to how far apart the legs are (nothing near a crossing);
    * visibility: in side view one leg is the near one for the whole clip; where
      the clip-wide near leg (clearly more visible) is scored less visible than
      the other, that labelling costs. Pose models that score both legs alike
      give no cue.
    Pass the lower-leg points only: the hips overlap in side view.
    """
    n = xy.shape[0]
    prior = np.zeros((n, 2))
    if not left:
        return prior
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames with every point missing give NaN
        dx = np.nanmean(xy[:, left, 0] - xy[:, right, 0], axis=1)
        dv = np.nanmean(vis[:, left] - vis[:, right], axis=1)
    template = _stride_template(dx, fps)
    if template is not None:
        periodic, offset = template
        agree = np.nan_to_num(dx - offset) * periodic / np.median(np.abs(periodic))
        prior[:, 0] += RHYTHM_WEIGHT * np.maximum(-agree, 0)
        prior[:, 1] += RHYTHM_WEIGHT * np.maximum(agree, 0)
    near = float(np.nanmedian(dv)) if np.isfinite(dv).any() else 0.0
    if abs(near) > VISIBILITY_MARGIN:
        # px per unit of visibility: a contradicted frame costs about a leg spacing at full contrast
        spacing = float(np.nanmedian(np.abs(dx)))
        against = np.nan_to_num(-np.sign(near) * dv)
        prior[:, 0] += spacing * np.maximum(against, 0)
        prior[:, 1] += spacing * np.maximum(-against, 0)
    return prior


def detect_swaps(xy: np.ndarray, left: list[int], right: list[int], switch_penalty: float | None = None,
                 prior: np.ndarray | None = None) -> np.ndarray:
    """Frames whose left/right leg labels are swapped, by trajectory continuity.

    A Viterbi search over "swapped or not" per frame with a constant-velocity
    motion model: the cost of a labelling is the sum over leg points of
    |p[t] - 2 p[t-1] + p[t-2]| (a position jump from a wrong label shows up as
    a large second difference), plus a small penalty per label change. A
    second-order model is used because two legs crossing in side view make a
    position-only cost blind to a swap at the crossing frame. Missing points cost
    nothing. `prior` (n, 2) adds a per-frame cost of each state (`swap_prior`).
    Without it the labelling that agrees with most raw frames is returned (the
    cost is symmetric, so a whole-clip flip is free: keep the detector's labels).
    """
    n = xy.shape[0]
    if n < 3 or not left:
        return np.zeros(n, dtype=bool)
    legs = np.stack([xy[:, left, :], xy[:, right, :]], axis=1)  # (n, 2 legs, points, 2)
    views = [legs, legs[:, ::-1]]  # state 0: as labelled, 1: swapped

    def second_diff(a: int, b: int, c: int) -> np.ndarray:
        d = views[c][2:] - 2 * views[b][1:-1] + views[a][:-2]
        norm = np.sqrt((d**2).sum(axis=-1))
        return np.nansum(norm, axis=(1, 2))  # (n-2,)

    if switch_penalty is None:
        # a fraction of the typical leg separation: cheap enough to fix a real swap, dear enough to avoid flicker
        sep = np.sqrt(((legs[:, 0] - legs[:, 1]) ** 2).sum(axis=-1))
        switch_penalty = 0.25 * float(np.nanmedian(sep)) if np.isfinite(sep).any() else 0.0
    unary = np.zeros((n, 2)) if prior is None else np.asarray(prior, dtype=float)
    cost = {(a, b, c): second_diff(a, b, c) + switch_penalty * (b != c) + unary[2:, c]
            for a in (0, 1) for b in (0, 1) for c in (0, 1)}
    # state (prev, cur) packed as 2*prev + cur
    acc = [switch_penalty * (b != c) + unary[0, b] + unary[1, c] for b in (0, 1) for c in (0, 1)]
    back = [[0] * 4 for _ in range(n - 2)]
    # plain lists: this loop runs once per frame and numpy scalar indexing would dominate
    trans = np.stack([cost[(a, b, c)] for a in (0, 1) for b in (0, 1) for c in (0, 1)], axis=1).tolist()
    for t in range(n - 2):
        row, new, ptr = trans[t], [0.0] * 4, back[t]
        for b in (0, 1):
            for c in (0, 1):
                from0 = acc[b] + row[b * 2 + c]
                from1 = acc[2 + b] + row[4 + b * 2 + c]
                new[b * 2 + c] = min(from0, from1)
                ptr[b * 2 + c] = 0 if from0 <= from1 else 1
        acc = new
    state = int(np.argmin(acc))
    labels = np.zeros(n, dtype=bool)
    labels[-1], labels[-2] = bool(state & 1), bool(state >> 1)
    for t in range(n - 3, -1, -1):
        prev = back[t][state]
        labels[t] = bool(prev)
        state = prev * 2 + (state >> 1)
    if prior is None and labels.sum() > n / 2:
        labels = ~labels
    return labels


def _hold_through(swapped: np.ndarray, collapsed: np.ndarray) -> np.ndarray:
    """Collapse runs keep their neighbours' labelling when both sides agree.

    With one leg blanked, a label change inside the run costs the swap search
    nothing, yet the kept leg was checked to stay on its own path: its label is
    as good as the frames around it.
    """
    out = swapped.copy()
    for s, e in zip(*_runs(collapsed)):
        if s > 0 and e < len(out) and out[s - 1] == out[e]:
            out[s:e] = out[s - 1]
    return out


def apply_swaps(series: KeypointSeries, swapped: np.ndarray) -> KeypointSeries:
    """A copy with left/right leg labels exchanged on the `swapped` frames."""
    left, right = _leg_indices(series)
    xy, vis = series.xy.copy(), series.visibility.copy()
    if swapped.any() and left:
        rows = np.flatnonzero(swapped)
        for li, ri in zip(left, right):
            xy[np.ix_(rows, [li, ri])] = xy[np.ix_(rows, [ri, li])]
            vis[np.ix_(rows, [li, ri])] = vis[np.ix_(rows, [ri, li])]
    return replace(series, xy=xy, visibility=vis)
