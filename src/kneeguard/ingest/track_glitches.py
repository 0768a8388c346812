"""GPS positions no body could have reached: a receiver's glitch, not the route.

A GPX has no device distance, so its distance is the length of its track, and one bad position (a fix at 0°, 0°
while the receiver had no lock, a point on the far side of the globe, a latitude above 90°) adds thousands of
kilometres, or, once the plausibility limits exclude everything after it, wipes the distance out. Such points
are left out of the track before its length is measured:

- a position outside the globe (|latitude| > 90°, |longitude| > 180°, not a number);
- a detour: the track jumps away faster than `GLITCH_SPEED_MPS` and, within `DETOUR_MAX_S`, jumps back to where
  going straight on would have been possible at that speed (the points in between are the glitch);
- a cluster at a segment's start or end of at most `DETOUR_MAX_S`, shorter than the rest, that joins the rest
  of the segment only by such a jump (a first fix before the lock, a last one after it was lost).

A jump with no way back (the device carried on a train and restarted elsewhere) is kept: nothing shows which side
is wrong. The speed is far above any sport, so no real movement is dropped: GPS noise at running speed never
comes near it.
"""
from __future__ import annotations

import numpy as np

# Above the speed-skiing record (≈ 255 km/h = 71 m/s), the fastest any imported sport moves: a kneeguard design
# value, not fitted to data; every glitch in the test files jumps at thousands of m/s.
GLITCH_SPEED_MPS = 100.0
# The longest detour treated as a glitch: a receiver's bad fixes last seconds to minutes; longer, a jump and its
# return may both be real (a transfer and back), so they are kept. A design value.
DETOUR_MAX_S = 300.0
EARTH_RADIUS_M = 6_371_000.0
# Points recorded in the same second: a jump is judged over at least this time (GPX times are whole seconds).
MIN_STEP_S = 1.0


def impossible_positions(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """True where a position is off the globe or missing."""
    with np.errstate(invalid="ignore"):
        return ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))


def glitch_points(times_s: np.ndarray, lat: np.ndarray, lon: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """True for the points of detours and of end clusters (module docstring) in a track of valid positions with
    forward-going times; `segment` numbers each point's track segment (no step joins two segments)."""
    glitch = np.zeros(times_s.size, dtype=bool)
    starts = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
    for first, end in zip(starts, np.r_[starts[1:], times_s.size], strict=True):
        glitch[first:end] = _segment_glitches(times_s[first:end], lat[first:end], lon[first:end])
    return glitch


def _segment_glitches(t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    n = t.size
    glitch = np.zeros(n, dtype=bool)
    if n < 3:
        return glitch
    jumps = np.flatnonzero(_too_fast(t[:-1], lat[:-1], lon[:-1], t[1:], lat[1:], lon[1:]))  # step j -> j+1
    if not jumps.size:
        return glitch
    used = np.zeros(jumps.size, dtype=bool)
    window_end = np.searchsorted(t[jumps], t[jumps + 1] + DETOUR_MAX_S, side="right")
    for k, out in enumerate(jumps):  # a detour: out at `out`, back at the first later jump that lands near
        if used[k]:
            continue
        backs = jumps[k + 1:window_end[k]]
        if not backs.size:
            continue
        landed = ~_too_fast(t[out], lat[out], lon[out], t[backs + 1], lat[backs + 1], lon[backs + 1])
        if landed.any():
            m = k + 1 + int(np.argmax(landed))
            glitch[out + 1:jumps[m] + 1] = True
            used[k:m + 1] = True
    free = jumps[~used]
    if not free.size:
        return glitch
    first, last = free[0], free[-1]
    # A short cluster before the first jump, shorter than the rest, unless it joins the track after a later jump
    # back (then the part between the jumps is a long detour, kept: nothing shows which side is wrong).
    if t[first] - t[0] <= DETOUR_MAX_S and first + 1 < n - 1 - first and not (
            free.size > 1 and not _too_fast(t[first], lat[first], lon[first],
                                            t[free[1] + 1], lat[free[1] + 1], lon[free[1] + 1])):
        glitch[:first + 1] = True
    if t[-1] - t[last + 1] <= DETOUR_MAX_S and n - 1 - last < last + 1 and not (
            free.size > 1 and not _too_fast(t[free[-2]], lat[free[-2]], lon[free[-2]],
                                            t[last + 1], lat[last + 1], lon[last + 1])):
        glitch[last + 1:] = True  # the same after the last jump
    return glitch


def _too_fast(t0, lat0, lon0, t1, lat1, lon1):
    seconds = np.maximum(np.asarray(t1, dtype=float) - t0, MIN_STEP_S)
    return _metres(lat0, lon0, lat1, lon1) / seconds > GLITCH_SPEED_MPS


def _metres(lat0, lon0, lat1, lon1):
    """Great-circle distance (a sphere is plenty to tell a glitch from a step)."""
    p0, p1 = np.radians(lat0), np.radians(lat1)
    dlon = np.radians(np.asarray(lon1, dtype=float) - lon0)
    h = np.sin((p1 - p0) / 2) ** 2 + np.cos(p0) * np.cos(p1) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


__all__ = ["DETOUR_MAX_S", "GLITCH_SPEED_MPS", "glitch_points", "impossible_positions"]
