"""Toe-off at the knee's largest extension after mid-stance (Fellin et al. 2010), the rule `gait.events` uses
when hip, knee and ankle are tracked (docs/validation.md: chosen by cross-validation, issue 15)."""
from __future__ import annotations

import numpy as np

from kneeguard.gait.angles import included_angle
from kneeguard.gait.keypoints import KeypointSeries
from kneeguard.gait.signals import lowpass, parabola_vertex


def knee_flexion_signal(series: KeypointSeries, side: str, cutoff_hz: float | None) -> np.ndarray | None:
    """Image-plane knee flexion (180° − hip-knee-ankle angle), low-passed like the other timing signals."""
    if not all(series.has(f"{side}_{j}") for j in ("hip", "knee", "ankle")):
        return None
    flex = 180.0 - included_angle(*(series.point(f"{side}_{j}") for j in ("hip", "knee", "ankle")))
    if not np.isfinite(flex).any():
        return None
    return lowpass(flex, series.fps, cutoff_hz) if cutoff_hz else flex


def knee_extension_to(flex: np.ndarray, ic: float, to: float, fps: float, window_s: float,
                      half_window: int = 1) -> float | None:
    """Sub-frame TO at the knee's largest extension between mid-stance and `window_s` after it
    (Fellin et al. 2010: the best kinematic TO on a treadmill); None without an interior extremum.

    The extremum's sample is refined by a parabola through `half_window` samples on each side
    (1: the three-point parabola; see `extremum_half_window`)."""
    mid = int(round((ic + to) / 2))
    hi = min(mid + int(window_s * fps), len(flex) - 2)
    ext = -flex[mid:hi + 1]
    if mid < 1 or len(ext) < 3 or not np.isfinite(ext).all():
        return None
    i = mid + int(np.argmax(ext))
    if not mid < i < hi:
        return None
    vertex = parabola_vertex(flex, i, half_window)
    if vertex is None and half_window > 1:  # the wide fit failed (edge, gap): the three-point parabola
        vertex = parabola_vertex(flex, i, 1)
    return float(i) if vertex is None else vertex
