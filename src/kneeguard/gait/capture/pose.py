"""Pose estimation behind one small interface, and checks that it followed one runner.

`PoseBackend.process(frames, fps, frame_size)` turns a stream of BGR frames into a
`KeypointSeries` in PIXELS of the original (upright) frame, whatever size the
frames were resized to for speed. `MediaPipePoseBackend` is the offline default.

Limitation: MediaPipe Pose (legacy solution) tracks ONE person. With several
people in view it follows whoever its detector picked first and may jump to
someone else after losing them. So `keypoints_from_video` first asks
`person.choose_runner` where the rhythmic mover (the runner) is and whether anyone
else is in view; if so, pose runs on a crop around the runner only. `check_person`
still detects the symptoms (tiny person, sudden jumps of position or size) and
raises or warns, so a report is never built from a mix of people.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from typing import Protocol

import cv2
import numpy as np

from kneeguard.gait.keypoints import CANONICAL_NAMES, GaitError, KeypointSeries

# BlazePose landmark index for each canonical name ("left" is the person's left).
MEDIAPIPE_INDEX: dict[str, int] = {
    "nose": 0,
    "left_shoulder": 11, "right_shoulder": 12,
    "left_hip": 23, "right_hip": 24,
    "left_knee": 25, "right_knee": 26,
    "left_ankle": 27, "right_ankle": 28,
    "left_heel": 29, "right_heel": 30,
    "left_toe": 31, "right_toe": 32,  # foot_index
}

MIN_DETECTED_FRACTION = 0.5  # below this the runner is mostly not found
MIN_PERSON_HEIGHT = 0.25  # fraction of frame height; smaller → keypoints too coarse
WARN_PERSON_HEIGHT = 0.40
JUMP_BODY_HEIGHTS = 0.5  # centroid moving > half a body height in one frame is another person
SIZE_JUMP_RATIO = 1.6  # person height changing this much in one frame is another person
MAX_JUMPS = 2  # more than this: the tracker is hopping between people
MIN_IDENTITY_RUN_S = 1.0  # a "person" tracked at least this long is real, not a glitch
VISIBLE = 0.5


class PoseBackend(Protocol):
    """Anything that turns frames into canonical keypoints (MediaPipe today, RTMPose later)."""

    name: str

    def process(
        self, frames: Iterable[np.ndarray], fps: float, frame_size: tuple[int, int]
    ) -> KeypointSeries: ...


class MediaPipePoseBackend:
    """MediaPipe Pose 0.10.21, full model (the only one bundled, so it works offline)."""

    name = "mediapipe-pose-full"

    def __init__(self, min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5) -> None:
        self.min_detection_confidence = min_detection_confidence
        self.min_tracking_confidence = min_tracking_confidence

    def process(
        self, frames: Iterable[np.ndarray], fps: float, frame_size: tuple[int, int]
    ) -> KeypointSeries:
        mp_pose = _import_mediapipe_pose()
        width, height = frame_size
        names = list(CANONICAL_NAMES)
        indices = [MEDIAPIPE_INDEX[n] for n in names]
        xy_rows: list[np.ndarray] = []
        vis_rows: list[np.ndarray] = []
        # Video mode (static_image_mode=False) tracks between frames: faster and steadier.
        with mp_pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=self.min_detection_confidence,
            min_tracking_confidence=self.min_tracking_confidence,
        ) as pose:
            for frame in frames:
                rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
                result = pose.process(rgb)
                landmarks = result.pose_landmarks
                if landmarks is None:
                    xy_rows.append(np.full((len(names), 2), np.nan))
                    vis_rows.append(np.zeros(len(names)))
                    continue
                lm = landmarks.landmark
                # Normalised coordinates × ORIGINAL size: pixels of the full-resolution frame.
                xy_rows.append(np.array([[lm[i].x * width, lm[i].y * height] for i in indices]))
                vis_rows.append(np.array([lm[i].visibility for i in indices]))
        if not xy_rows:
            raise GaitError("the video has no frames to analyse")
        return KeypointSeries(
            names=names,
            xy=np.stack(xy_rows),
            visibility=np.clip(np.stack(vis_rows), 0.0, 1.0),
            fps=fps,
            frame_size=(int(width), int(height)),
            units="px",
            source=self.name,
            meta={"pose_backend": self.name},
        )


def _import_mediapipe_pose():
    """Import lazily: mediapipe is optional and slow to import."""
    # Quieten MediaPipe/TFLite start-up logging unless the user asked for it.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        from mediapipe.python.solutions import pose as mp_pose
    except ImportError as exc:
        raise GaitError(
            "video analysis needs MediaPipe: pip install --no-deps mediapipe==0.10.21 "
            "and pip install 'kneeguard[pose]' (or analyse a keypoint file with --keypoints)"
        ) from exc
    return mp_pose


# --- is this one runner, big enough? -------------------------------------------


def person_heights(series: KeypointSeries) -> np.ndarray:
    """Per-frame vertical extent of the confidently seen keypoints, in the series' units; NaN if unseen."""
    y = np.where(series.visibility >= VISIBLE, series.xy[:, :, 1], np.nan)
    enough = np.sum(np.isfinite(y), axis=1) >= 4
    y_ok = np.where(enough[:, None], y, 0.0)  # rows without enough points are masked below
    extent = np.max(np.where(np.isfinite(y_ok), y_ok, -np.inf), axis=1) - np.min(
        np.where(np.isfinite(y_ok), y_ok, np.inf), axis=1
    )
    return np.where(enough, extent, np.nan)


def torso_centres(series: KeypointSeries) -> np.ndarray:
    """(frames, 2) mean of shoulders and hips; NaN where none is seen."""
    parts = [series.names.index(n) for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
             if n in series.names]
    if not parts:
        return np.full((series.n_frames, 2), np.nan)
    pts = series.xy[:, parts, :]
    count = np.isfinite(pts).sum(axis=1)
    total = np.where(np.isfinite(pts), pts, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def detected_frames(series: KeypointSeries) -> np.ndarray:
    """Boolean per frame: the pose model returned a person."""
    return np.isfinite(series.xy).all(axis=2).any(axis=1) & (series.visibility.max(axis=1) > 0)


def identity_segments(series: KeypointSeries) -> list[tuple[int, int]]:
    """Split the detected frames into runs of (start, stop) frames that look like the same person.

    A new run starts when the torso centre teleports (more than half a body height
    per frame) or the body size changes abruptly: MediaPipe switched people.
    """
    centres = torso_centres(series)
    heights = person_heights(series)
    seen = np.flatnonzero(np.isfinite(centres).all(axis=1) & np.isfinite(heights) & (heights > 0))
    if seen.size == 0:
        return []
    typical = float(np.median(heights[seen]))
    segments: list[tuple[int, int]] = []
    start = int(seen[0])
    for prev, cur in zip(seen[:-1], seen[1:]):
        gap = int(cur - prev)  # allow more motion across missed frames
        moved = float(np.hypot(*(centres[cur] - centres[prev])))
        ratio = max(heights[cur], heights[prev]) / max(min(heights[cur], heights[prev]), 1e-9)
        if moved > JUMP_BODY_HEIGHTS * typical * min(gap, 3) or ratio > SIZE_JUMP_RATIO:
            segments.append((start, int(prev) + 1))
            start = int(cur)
    segments.append((start, int(seen[-1]) + 1))
    return segments


def distinct_people(series: KeypointSeries, segments: list[tuple[int, int]]) -> int:
    """How many people the long runs (≥ 1 s) belong to.

    A short glitch between two long runs does not make two people when the
    runner is back where (and as big as) they were before it.
    """
    long_runs = [seg for seg in segments if seg[1] - seg[0] >= series.fps * MIN_IDENTITY_RUN_S]
    if len(long_runs) < 2:
        return len(long_runs)
    centres, heights = torso_centres(series), person_heights(series)
    typical = float(np.nanmedian(heights))
    people = 1
    for (_, end_a), (start_b, _) in zip(long_runs[:-1], long_runs[1:]):
        a, b = end_a - 1, start_b
        moved = float(np.hypot(*(centres[b] - centres[a])))
        ratio = max(heights[a], heights[b]) / max(min(heights[a], heights[b]), 1e-9)
        if not (moved <= JUMP_BODY_HEIGHTS * typical * min(b - a, 3) and ratio <= SIZE_JUMP_RATIO):
            people += 1
    return people


def count_identity_jumps(series: KeypointSeries) -> int:
    """How many times the tracked person teleported or changed size between frames."""
    return max(0, len(identity_segments(series)) - 1)


def check_person(series: KeypointSeries, name: str = "the video") -> list[str]:
    """Raise GaitError when no single, big-enough person was tracked; return softer warnings."""
    warnings: list[str] = []
    choice = series.meta.get("person_choice") or {}
    if choice.get("cropped"):
        x, y, w, h = choice["box"]
        warnings.append(
            f"{choice['people_seen']} or more people were in view; analysed the one moving with a running "
            f"rhythm (the area x {x}–{x + w}, y {y}–{y + h} px) — check the annotated video"
        )
    found = detected_frames(series)
    fraction = float(found.mean()) if series.n_frames else 0.0
    if not found.any():
        raise GaitError(f"no person found in {name}; film the whole runner from the side, well lit")
    if fraction < MIN_DETECTED_FRACTION:
        raise GaitError(
            f"a person was found in only {fraction:.0%} of the frames of {name}; "
            "keep the whole runner in frame for the whole clip"
        )
    if fraction < 0.9:
        warnings.append(f"the runner was found in {fraction:.0%} of frames; gaps were filled or skipped")

    segments = identity_segments(series)
    jumps = len(segments) - 1
    if distinct_people(series, segments) >= 2 or jumps > MAX_JUMPS:
        raise GaitError(
            f"several people in {name}: the pose tracker switched between people {jumps} time(s). "
            "It follows one person only — film the runner alone"
            + (" (and none of the people in view moves with a running rhythm)"
               if choice and choice.get("box") is None else "")
        )
    if jumps:
        warnings.append(
            f"the tracked person jumped position {jumps} time(s); another person may be in view — "
            "check the annotated video"
        )

    frame_h = series.frame_size[1] if series.units == "px" else 0
    if frame_h > 0:
        heights = person_heights(series)
        rel = float(np.nanmedian(heights[found])) / frame_h if np.isfinite(heights[found]).any() else 0.0
        if rel < MIN_PERSON_HEIGHT:
            raise GaitError(
                f"the person in {name} is too small ({rel:.0%} of the frame height, need ≥ "
                f"{MIN_PERSON_HEIGHT:.0%}); move the camera closer (3–5 m) or zoom in"
            )
        if rel < WARN_PERSON_HEIGHT:
            warnings.append(f"the runner fills only {rel:.0%} of the frame height; 3–5 m away works best")
    return warnings


def keypoints_from_video(info, backend: PoseBackend | None = None, *, scale: float | None = None,
                         max_frames: int | None = None, choose_person: bool = True,
                         on_frame: Callable[[int], None] | None = None) -> KeypointSeries:
    """Decode (streamed, resized for speed) and run pose; keypoints come back in original pixels.

    Decoding and resizing run in a background thread a few frames ahead of the pose
    model, so on two cores they cost (almost) no wall time. With `choose_person`,
    when someone besides the runner is in view, pose runs on a fixed crop around
    the runner (see `person.choose_runner`) and keypoints are shifted back.
    `on_frame(count)` is called after each frame a pass has given to the pose model (progress;
    the count starts again when a second pass runs on the crop).
    """
    from kneeguard.gait.capture.person import choose_runner
    from kneeguard.gait.capture.slowmo import slowed_rhythm_factor
    from kneeguard.gait.capture.video import pose_scale

    backend = backend or MediaPipePoseBackend()
    scale = pose_scale(info) if scale is None else scale
    # The chooser counts bystanders with MediaPipe (other backends skip it). It runs only when the
    # whole-frame pass shows signs of more than one person (the tracker jumped, stretches that cannot be
    # the same person, or long stretches with nobody), so a clip with one runner pays nothing for it;
    # then pose runs again on a crop around the runner.
    series = _pose_pass(info, backend, scale, max_frames, crop=None, on_frame=on_frame)
    choice = None
    if (choose_person and isinstance(backend, MediaPipePoseBackend) and slowed_rhythm_factor(series) is None
            and _maybe_several_people(series)):  # a slowed clip has no running rhythm: the chooser would misfire
        choice = choose_runner(info)
    crop = _crop_in_scaled_frame(choice.box, scale, info) if choice is not None and choice.several_people else None
    if crop is not None:
        series = _pose_pass(info, MediaPipePoseBackend(), scale, max_frames, crop=crop, on_frame=on_frame)
    series.source = info.path
    series.meta.update({"capture_fps": info.capture_fps, "slowmo": info.slowmo, "rotation_deg": info.rotation_deg})
    if choice is not None:
        series.meta["person_choice"] = {
            "box": list(choice.box) if choice.box else None, "cropped": crop is not None,
            "people_seen": choice.people_seen, "other_person_frames": choice.others,
            "rhythm_share": round(choice.band_share, 3), "notes": choice.notes,
        }
    return series


def _maybe_several_people(series: KeypointSeries) -> bool:
    """Whether the whole-frame pass might have followed someone other than a runner."""
    found = detected_frames(series)
    if not found.any():
        return True  # nobody tracked at all: maybe the runner is small beside someone else
    return (count_identity_jumps(series) > 0 or distinct_people(series, identity_segments(series)) > 1
            or found.mean() < 0.9 or bounce_share(series) < MIN_BOUNCE_SHARE)


def bounce_share(series: KeypointSeries) -> float:
    """Share of the tracked hips' vertical motion at running step rates (1.7-3.7 Hz).

    A runner's pelvis bounces once per step; a bystander the tracker latched on to
    does not, which is the cue to look for the runner elsewhere in the frame.
    """
    from kneeguard.gait.cadence import mid_hip_height

    y = mid_hip_height(series)
    ok = np.isfinite(y)
    if ok.sum() < 2 * series.fps:
        return 0.0
    idx = np.arange(len(y))
    y = np.interp(idx, idx[ok], y[ok])
    y = y - np.polyval(np.polyfit(idx, y, 2), idx)
    power = np.abs(np.fft.rfft(y * np.hanning(len(y)))) ** 2
    freqs = np.fft.rfftfreq(len(y), d=1.0 / series.fps)
    total = power[freqs > 0.5].sum()
    return float(power[(freqs >= 1.7) & (freqs <= 3.7)].sum() / total) if total > 0 else 0.0


MIN_BOUNCE_SHARE = 0.3


def _pose_pass(info, backend: PoseBackend, scale: float, max_frames: int | None,
               crop: tuple[int, int, int, int] | None,
               on_frame: Callable[[int], None] | None = None) -> KeypointSeries:
    """One streamed pose pass over the clip, optionally on a fixed crop; keypoints in original pixels.

    With MediaPipe (≈ one core per model) a long enough clip is read as two halves by two models
    at once (`pose_shards`); when the halves do not line up the clip is read again in one pass.
    """
    from kneeguard.gait.capture.pose_shards import sharded_pose
    from kneeguard.gait.capture.video import iter_frames, prefetched

    if crop is None:
        size, offset = info.frame_size, (0.0, 0.0)
    else:
        x, y, w, h = crop
        # A fixed crop keeps the runner's scale steady; its size/origin in ORIGINAL pixels maps keypoints back.
        size, offset = (w / scale, h / scale), (x / scale, y / scale)

    def frames(start: int = 0, count: int | None = max_frames) -> Iterator[np.ndarray]:
        stream = iter_frames(info, scale=scale, max_frames=count, start=start)
        if crop is None:
            return stream
        x, y, w, h = crop
        return (frame[y:y + h, x:x + w] for frame in stream)

    def run_pose(stream: Iterable[np.ndarray], progress: Callable[[int], None] | None) -> KeypointSeries:
        # closing(): stop the decoder thread at once if pose raises.
        with closing(prefetched(stream)) as ahead:
            return backend.process(_counted(ahead, progress), info.effective_fps, size)

    series = None
    if isinstance(backend, MediaPipePoseBackend):  # each process() call builds its own model
        n_frames = info.n_frames if max_frames is None else min(max_frames, info.n_frames)
        series = sharded_pose(n_frames, info.effective_fps, frames, run_pose, on_frame)
    if series is None:
        series = run_pose(frames(), on_frame)
    if crop is not None:
        series.xy = series.xy + np.asarray(offset)[None, None, :]
        series.frame_size = (int(info.width), int(info.height))
    return series


def _counted(frames: Iterable[np.ndarray], on_frame: Callable[[int], None] | None) -> Iterator[np.ndarray]:
    """`frames` unchanged, calling `on_frame(count)` as each one is taken (in the consumer's thread)."""
    if on_frame is None:
        yield from frames
        return
    for count, frame in enumerate(frames, start=1):
        yield frame
        on_frame(count)


def _crop_in_scaled_frame(box, scale: float, info) -> tuple[int, int, int, int]:
    """The full-frame box in the pixels of frames resized by `scale`, clamped, at least 1 px."""
    width, height = max(1, round(info.width * scale)), max(1, round(info.height * scale))
    x0, y0 = min(width - 1, int(box[0] * scale)), min(height - 1, int(box[1] * scale))
    x1 = min(width, max(x0 + 1, int(np.ceil((box[0] + box[2]) * scale))))
    y1 = min(height, max(y0 + 1, int(np.ceil((box[1] + box[3]) * scale))))
    return x0, y0, x1 - x0, y1 - y0
