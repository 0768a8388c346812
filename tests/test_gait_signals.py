"""Signal cleaning: gap filling, Hampel, low-pass, L/R swap correction, pixel scale."""
from __future__ import annotations

import numpy as np
import pytest

from tests.gait_synth import RunModel
from kneeguard.gait import signals


def test_fill_gaps_bridges_short_gaps_only():
    x = np.arange(20, dtype=float)
    x[3:5] = np.nan  # 2 missing: bridged
    x[10:16] = np.nan  # 6 missing: left alone
    out, n = signals.fill_gaps(x, max_gap=3)
    assert n == 2 and np.allclose(out[3:5], [3, 4])
    assert np.isnan(out[10:16]).all()


def test_hampel_removes_spike_but_keeps_corner():
    t = np.linspace(0, 1, 200)
    x = np.maximum(0, t - 0.5) * 100  # a ramp corner, as at toe-off
    x[50] += 40
    out, n = signals.hampel(x, half_window=5)
    assert np.isnan(out[50]) and n == 1


def test_lowpass_cutoff_is_capped_below_nyquist_and_zero_lag():
    assert signals.effective_cutoff(20.0, 12.0) == pytest.approx(8.0)
    fps = 100.0
    t = np.arange(400) / fps
    clean = np.sin(2 * np.pi * 2 * t)
    noisy = clean + np.random.default_rng(0).normal(0, 0.1, t.size)
    out = signals.lowpass(noisy, fps, 12.0)
    assert np.abs(out - clean)[20:-20].max() < 0.2
    assert np.argmax(signals.lowpass(clean, fps, 12.0)[:60]) == np.argmax(clean[:60])  # no phase lag


@pytest.mark.parametrize("fps", [30, 60, 150])
def test_swaps_are_detected_and_corrected(fps):
    model = RunModel(fps=fps, duration_s=6)
    swaps = [(int(0.5 * fps), int(0.9 * fps)), (int(2.0 * fps), int(2.0 * fps) + 2), (int(3.1 * fps), int(4.4 * fps))]
    series = model.series(noise_px=1.5, swaps=swaps, seed=3)
    cleaned, info = signals.clean_series(series)
    truth = np.zeros(series.n_frames, dtype=bool)
    for a, b in swaps:
        truth[a:b] = True
    assert (info.swapped_frames == truth).mean() > 0.99
    # undoing the detected swaps on the raw input restores every frame to within the noise
    fixed = signals.apply_swaps(series, info.swapped_frames)
    err = np.abs(fixed.point("left_ankle") - model.series().point("left_ankle"))
    assert np.nanmax(err) < 8  # px, noise SD 1.5


def test_no_swaps_reported_on_clean_data():
    series = RunModel(fps=60, duration_s=6).series(noise_px=1.0, seed=1)
    _, info = signals.clean_series(series)
    assert info.swapped_frames.sum() == 0


def test_pixel_scale_from_height():
    model = RunModel(fps=60, duration_s=4)
    series = model.series()
    scale = signals.metres_per_unit(series, height_cm=180)
    # model legs are 400 px; 0.491 * 1.80 m = 0.884 m
    assert scale == pytest.approx(0.491 * 1.8 / 400, rel=0.02)
    assert signals.metres_per_unit(series) is None
