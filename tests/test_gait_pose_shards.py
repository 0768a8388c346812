"""Reading a clip as two halves at once: the halves must join into exactly the sequential result."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kneeguard.gait.capture import pose_shards
from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.capture.pose_shards import join_halves, shard_plan, sharded_pose
from kneeguard.gait.capture.video import SeekError

CLIP = Path(__file__).parent / "data" / "gait" / "gaitlab_male_side" / "male_side.mp4"
FPS = 30.0
N_POINTS = 4


def true_xy(frame: int) -> np.ndarray:
    """Where the fake model puts its keypoints in `frame`: moving 15 px per frame, like a foot."""
    return np.array([[100.0 + 15 * frame + 40 * k, 300.0 + 5 * k] for k in range(N_POINTS)])



@pytest.fixture(autouse=True)
def _no_thread_cap(monkeypatch):
    """These tests set the core count themselves; a Dask test earlier in the same process may have left
    OMP_NUM_THREADS=1 in the environment (distributed sets it for its workers), which caps the cores."""
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)

def fake_frames(shift: int = 0):
    def frames(start: int, count: int):
        # each "frame" is just its index; `shift` imitates a reader whose seek lands elsewhere
        first = start + (shift if start else 0)
        return iter(range(first, first + count))
    return frames


def fake_pose(frames, progress=None) -> KeypointSeries:
    """A tracker that needs 3 frames to settle: its first outputs are off by 30 px."""
    rows = []
    for n, frame in enumerate(frames, start=1):
        rows.append(true_xy(frame) + (30.0 if n <= 3 else 0.0))
        if progress:
            progress(n)
    xy = np.stack(rows)
    return KeypointSeries(names=[f"p{k}" for k in range(N_POINTS)], xy=xy, visibility=np.ones(xy.shape[:2]),
                          fps=FPS, frame_size=(720, 1280))


def test_short_clips_and_single_core_machines_are_not_split():
    assert shard_plan(int(5 * FPS), FPS, cpus=2) is None
    assert shard_plan(int(60 * FPS), FPS, cpus=1) is None
    seam, second_start = shard_plan(360, FPS, cpus=2)
    assert seam == 180 and second_start == 150  # one second of overlap


def test_halves_join_into_the_sequential_keypoints(monkeypatch):
    monkeypatch.setattr(pose_shards.os, "cpu_count", lambda: 2)
    ticks = []
    series = sharded_pose(360, FPS, fake_frames(), fake_pose, ticks.append)
    assert series is not None and len(series.xy) == 360
    expected = np.stack([true_xy(f) for f in range(360)])
    expected[:3] += 30.0  # the first half's own start-up; the second half's is hidden in the overlap
    assert np.allclose(series.xy, expected)
    assert series.meta["pose_shards"] == 2 and series.meta["pose_seam_frame"] == 180
    assert sorted(ticks) == list(range(1, 360 + 30 + 1))  # one progress count over both halves


@pytest.mark.parametrize("shift", [-1, 1, 2])
def test_a_second_reader_off_by_a_frame_is_refused(monkeypatch, shift):
    monkeypatch.setattr(pose_shards.os, "cpu_count", lambda: 2)
    assert sharded_pose(360, FPS, fake_frames(shift), fake_pose) is None  # the caller reads in one pass


def test_short_half_or_failed_seek_falls_back(monkeypatch):
    monkeypatch.setattr(pose_shards.os, "cpu_count", lambda: 2)
    head, tail = fake_pose(range(0, 170)), fake_pose(range(150, 360))
    assert join_halves(head, tail, 180, 150) is None

    def no_seek(start, count):
        if start:
            raise SeekError("clip.mp4: cannot seek to frame 150")
        return iter(range(count))

    assert sharded_pose(360, FPS, no_seek, fake_pose) is None

    def truncated(start, count):  # the second half of the file is missing: let the one-pass read decide
        if start:
            raise GaitError("clip.mp4: only 0 of 210 frames could be decoded; the file is truncated or corrupt")
        return iter(range(count))

    assert sharded_pose(360, FPS, truncated, fake_pose) is None


def test_seeking_into_a_real_clip_gives_the_same_frames_as_reading_on():
    from kneeguard.gait.capture.video import iter_frames, probe_video

    info = probe_video(CLIP)
    sequential = [frame for _, frame in zip(range(182), iter_frames(info))]
    for start in (150, 180):
        first = next(iter(iter_frames(info, start=start, max_frames=1)))
        assert np.array_equal(first, sequential[start])


def test_a_thread_limit_of_one_means_one_model_per_clip(monkeypatch):
    """Dask workers set OMP_NUM_THREADS=1: `kneeguard batch gait` runs one clip per worker, one model each."""
    from kneeguard.gait.capture.pose_shards import available_cpus

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert available_cpus() == 1 and shard_plan(int(60 * FPS), FPS) is None
    monkeypatch.setenv("OMP_NUM_THREADS", "")
    assert available_cpus() == 4 and shard_plan(int(60 * FPS), FPS) is not None
