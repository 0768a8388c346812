"""Slowed-down clips are recognised as slow motion before any person check can misfire (issue #15).

The slowed clip is made at test time from the real treadmill keypoints (male_side, MediaPipe):
every frame interpolated x8 while the stated frame rate stays 30 fps, as a phone's slow motion
played back at 30 fps would look.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kneeguard.gait.capture.pose import check_person
from kneeguard.gait.capture.slowmo import check_slow_motion, slowed_rhythm_factor
from kneeguard.gait.io.schema_json import read_keypoints_json
from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.pipeline import analyse_series

MALE_SIDE = Path(__file__).parent / "data" / "gait" / "male_side.mediapipe.json"


def slowed(series: KeypointSeries, factor: int) -> KeypointSeries:
    """The clip played `factor` times slower at the same stated fps (frames linearly interpolated)."""
    old = np.arange(series.n_frames)
    new = np.arange((series.n_frames - 1) * factor + 1) / factor
    xy = np.stack([[np.interp(new, old, series.xy[:, j, c]) for c in (0, 1)] for j in range(len(series.names))])
    vis = np.stack([np.interp(new, old, series.visibility[:, j]) for j in range(len(series.names))])
    return KeypointSeries(list(series.names), xy.transpose(2, 0, 1), vis.T, fps=series.fps,
                          frame_size=series.frame_size, units=series.units, source=series.source,
                          meta=dict(series.meta))


def test_real_speed_clip_is_not_slow_motion():
    series = read_keypoints_json(MALE_SIDE)
    assert slowed_rhythm_factor(series) is None
    check_slow_motion(series)  # no error


def test_slowed_treadmill_clip_asks_for_the_factor():
    series = slowed(read_keypoints_json(MALE_SIDE), 8)
    factor = slowed_rhythm_factor(series)
    assert factor is not None and 6 < factor < 10  # 168.9 steps/min played 8x slower, against 155 typical
    with pytest.raises(GaitError, match=r"slow motion.*--slowmo"):
        analyse_series(series, None, "slowed.mp4", view=None, height_cm=None)


def test_slow_motion_is_named_before_the_person_check_can_misfire():
    series = slowed(read_keypoints_json(MALE_SIDE), 8)
    # The tracker hopping between frames (as in the reported 10x clip): the person check alone would reject it.
    for start in range(100, 2800, 300):
        series.xy[start:start + 3] += 400.0
    with pytest.raises(GaitError, match="several people"):
        check_person(series, "slowed.mp4")
    with pytest.raises(GaitError, match=r"slow motion.*--slowmo"):
        analyse_series(series, None, "slowed.mp4", view=None, height_cm=None)


def test_a_still_or_noisy_person_is_not_taken_for_slow_motion():
    rng = np.random.default_rng(0)
    base = read_keypoints_json(MALE_SIDE)
    xy = np.nanmedian(base.xy, axis=0)[None] + rng.normal(0, 2.0, base.xy.shape)
    still = KeypointSeries(list(base.names), xy, np.ones(base.visibility.shape), fps=30.0, frame_size=base.frame_size)
    assert slowed_rhythm_factor(still) is None
