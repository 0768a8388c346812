"""Run the pose model on the two halves of a clip at once.

MediaPipe Pose keeps about one core busy, so on a two-core machine a single pass leaves
the other core mostly idle. Two model instances, each reading its own half of the file,
finish in a little over half the time. The second half starts `OVERLAP_S` early so its
tracker and landmark smoothing have settled by the seam; the overlap is also the check
that both halves see the same frames: if the second reader's seek landed on another frame
(some files do not seek exactly), the halves disagree there and the caller falls back to
one sequential pass rather than use shifted keypoints.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from kneeguard.gait.keypoints import GaitError, KeypointSeries

MIN_SHARD_S = 6.0  # shorter clips: one pass (a second model costs ~0.3 s to start)
OVERLAP_S = 1.0  # the second half starts this early; its tracker settles well within it
SEAM_CHECK_FRAMES = 10  # the last frames of the overlap, compared between the halves
MAX_SEAM_ERROR = 0.02  # median disagreement there, as a share of the frame's longer side
MAX_SHIFT_TESTED = 2  # the halves must agree best with no frame shift among -2..+2

FrameSource = Callable[[int, int], Iterable[np.ndarray]]  # (start, count) -> frames
# (frames, progress) -> keypoints from a fresh model; progress(n) after each of its frames
PoseRunner = Callable[[Iterable[np.ndarray], Callable[[int], None] | None], KeypointSeries]


def available_cpus() -> int:
    """Cores one clip may use: the machine's, capped by OMP_NUM_THREADS when it is set. Dask workers set it to
    their thread count (1 for the batch gait command, which runs one clip per worker process side by side:
    one pose model per worker, the clips already fill the cores)."""
    cpus = os.cpu_count() or 1
    limit = os.environ.get("OMP_NUM_THREADS", "").strip()
    return min(cpus, int(limit)) if limit.isdigit() and int(limit) > 0 else cpus


def shard_plan(n_frames: int, fps: float, cpus: int | None = None) -> tuple[int, int] | None:
    """(seam, second_start) when the clip is worth splitting on this machine, else None."""
    cpus = available_cpus() if cpus is None else cpus
    if (cpus or 1) < 2 or n_frames < MIN_SHARD_S * fps:
        return None
    seam = n_frames // 2
    overlap = max(SEAM_CHECK_FRAMES + MAX_SHIFT_TESTED, round(OVERLAP_S * fps))
    return seam, seam - overlap


def sharded_pose(n_frames: int, fps: float, frames: FrameSource, run_pose: PoseRunner,
                 on_frame: Callable[[int], None] | None = None) -> KeypointSeries | None:
    """Keypoints of all `n_frames` from two concurrent halves, or None when the halves do not line up.

    Any GaitError of a half (a failed seek, a truncated file) also gives None: the caller's
    one-pass read then gives the real outcome. Other errors propagate.
    """
    plan = shard_plan(n_frames, fps)
    if plan is None:
        return None
    seam, second_start = plan
    counter = _SharedCounter(on_frame)
    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="kneeguard-pose") as pool:
            first = pool.submit(run_pose, frames(0, seam), counter.tick)
            second = pool.submit(run_pose, frames(second_start, n_frames - second_start), counter.tick)
            head, tail = first.result(), second.result()
    except GaitError:
        # a seek that failed, or a half cut short in a truncated file: the one-pass read decides
        # (a file with its second half missing may still hold enough frames to analyse)
        return None
    return join_halves(head, tail, seam, second_start)


def join_halves(head: KeypointSeries, tail: KeypointSeries, seam: int, second_start: int) -> KeypointSeries | None:
    """Frames [0, seam) from `head`, the rest from `tail` (which starts at `second_start`); None if they disagree."""
    if len(head.xy) != seam or len(tail.xy) <= seam - second_start:
        return None  # a half came back short: let the caller read the clip in one pass
    if not _seam_agrees(head, tail, seam, second_start):
        return None
    cut = seam - second_start
    return replace(head, xy=np.concatenate([head.xy, tail.xy[cut:]]),
                   visibility=np.concatenate([head.visibility, tail.visibility[cut:]]),
                   meta={**head.meta, "pose_shards": 2, "pose_seam_frame": seam})


def _seam_agrees(head: KeypointSeries, tail: KeypointSeries, seam: int, second_start: int) -> bool:
    """Both halves put the keypoints in the same place just before the seam, and not one frame off."""
    frames = np.arange(seam - SEAM_CHECK_FRAMES, seam)
    a = head.xy[frames]
    gaps = {}
    for shift in range(-MAX_SHIFT_TESTED, MAX_SHIFT_TESTED + 1):
        b = tail.xy[np.clip(frames + shift - second_start, 0, len(tail.xy) - 1)]
        both = np.isfinite(a).all(-1) & np.isfinite(b).all(-1)
        if both.sum() >= 3 * SEAM_CHECK_FRAMES:
            gaps[shift] = float(np.median(np.linalg.norm(a - b, axis=-1)[both]))
    if 0 not in gaps:  # (almost) nobody tracked around the seam: agree only if both halves saw nobody
        return not (np.isfinite(a).any() ^ np.isfinite(tail.xy[frames - second_start]).any())
    return min(gaps, key=gaps.get) == 0 and gaps[0] <= MAX_SEAM_ERROR * max(head.frame_size or (1, 1))


class _SharedCounter:
    """One progress count over both halves (ticked from the two pose threads)."""

    def __init__(self, on_frame: Callable[[int], None] | None) -> None:
        self.on_frame, self.count, self.lock = on_frame, 0, threading.Lock()

    def tick(self, _count_in_half: int) -> None:
        with self.lock:
            self.count += 1
            count = self.count
        if self.on_frame is not None:
            self.on_frame(count)
