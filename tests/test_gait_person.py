"""Choosing the runner when several people are visible (kneeguard.gait.capture.person + pose).

The two-person clip is composed from the real male_side treadmill video: the
runner (moving) on the left, a mirrored still frame of him (a second, standing
'person' who does not run) on the right.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kneeguard.gait.keypoints import GaitError
from kneeguard.gait.capture.person import (
    MIN_BAND_SHARE,
    find_runner_box,
    pad_box,
    periodic_motion_map,
)
from kneeguard.gait.capture.video import iter_frames, probe_video

GAIT = Path(__file__).parent / "data" / "gait"
MALE_SIDE = GAIT / "gaitlab_male_side" / "male_side.mp4"
SPORTS2D = GAIT / "sports2d" / "demo.mp4"
RUNNER_CADENCE = 168.9  # ground truth of male_side (MANIFEST.md)


def two_person_clip(path: Path, seconds: float = 6.0) -> Path:
    """Runner (half size) on the left half, a still mirrored copy of him on the right half."""
    info = probe_video(MALE_SIDE)
    frames = list(iter_frames(info, scale=0.5, max_frames=int(seconds * info.effective_fps)))
    h, w = frames[0].shape[:2]
    bystander = cv2.flip(frames[len(frames) // 2], 1)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), info.effective_fps, (2 * w, h))
    for frame in frames:
        writer.write(np.hstack([frame, bystander]))
    writer.release()
    return path


# --- fast: the rhythm map on synthetic arrays ------------------------------------------------


def test_rhythm_map_finds_the_bouncing_blob_not_the_still_or_slow_one():
    fps, n = 30.0, 150
    t = np.arange(n) / fps
    grey = np.full((n, 60, 120), 100.0, np.float32)
    for i, ti in enumerate(t):
        y = int(20 + 6 * np.sin(2 * np.pi * 2.8 * ti))  # 168 steps/min bounce
        grey[i, y:y + 15, 20:35] = 220  # the runner
        x = int(70 + 10 * ti)  # a walker drifting right without rhythm
        grey[i, 30:45, x:x + 10] = 30
        grey[i, 5:20, 100:110] = 250  # someone standing still
    box, share = find_runner_box(periodic_motion_map(grey, fps))
    assert box is not None and share > MIN_BAND_SHARE  # the drifting walker's edges take the rest
    x, y, w, h = box
    assert 10 <= x <= 25 and x + w <= 45 and y + h <= 50


def test_rhythm_map_of_a_static_scene_is_empty():
    grey = np.full((60, 20, 20), 80.0, np.float32)
    box, share = find_runner_box(periodic_motion_map(grey, 30.0))
    assert box is None and share == 0.0


def test_pad_box_stays_inside_the_frame():
    assert pad_box((0, 10, 40, 80), (100, 100)) == (0, 0, 50, 100)
    assert pad_box((40, 40, 20, 20), (100, 100)) == (35, 35, 30, 30)


# --- real clips through MediaPipe ---------------------------------------------------------------

pytest.importorskip("mediapipe.python.solutions.pose", reason="needs mediapipe")


@pytest.mark.slow
def test_runner_is_chosen_beside_a_standing_person(tmp_path):
    from kneeguard.gait.analysis import analyze_gait
    from kneeguard.gait.capture.pose import check_person, keypoints_from_video

    info = probe_video(two_person_clip(tmp_path / "two_people.mp4"))
    series = keypoints_from_video(info)
    # The chooser runs only when the whole-frame pass looks wrong (tracker jumps, no running bounce);
    # MediaPipe may well have followed the runner already. Either way the runner is what gets analysed.
    choice = series.meta.get("person_choice")
    if choice is not None and choice["cropped"]:
        assert choice["people_seen"] >= 2
        x, _, w, _ = choice["box"]
        assert x + w <= 0.6 * info.width  # the crop is on the runner's (left) half
        warnings = check_person(series, "two_people.mp4")
        assert any("people were in view" in w for w in warnings)
    hips = np.nanmedian(series.point("left_hip")[:, 0])
    assert hips < info.width / 2  # keypoints (in full-frame pixels) are the runner's, on the left
    report = analyze_gait(series, view="side")
    assert report.summary["cadence_spm"] == pytest.approx(RUNNER_CADENCE, rel=0.01)


def test_a_still_person_does_not_look_like_a_runner():
    from kneeguard.gait.keypoints import CANONICAL_NAMES, KeypointSeries
    from kneeguard.gait.capture.pose import _maybe_several_people

    frames, k = 150, len(CANONICAL_NAMES)
    rng = np.random.default_rng(0)
    xy = np.tile(np.linspace(100, 600, k)[None, :, None], (frames, 1, 2)) + rng.normal(0, 0.5, (frames, k, 2))
    still = KeypointSeries(list(CANONICAL_NAMES), xy, np.ones((frames, k)), fps=30.0, frame_size=(720, 1280))
    assert _maybe_several_people(still)  # no running bounce: look for the runner elsewhere


@pytest.mark.slow
def test_single_runner_is_not_cropped():
    from kneeguard.gait.capture.person import choose_runner

    choice = choose_runner(probe_video(MALE_SIDE))
    assert choice.box is not None and not choice.several_people


@pytest.mark.slow
def test_sports2d_has_no_runner_and_still_fails_clearly():
    from kneeguard.gait.capture.pose import check_person, keypoints_from_video

    series = keypoints_from_video(probe_video(SPORTS2D))
    assert not series.meta["person_choice"]["cropped"]
    with pytest.raises(GaitError, match="several people.*running rhythm"):
        check_person(series, "demo.mp4")
