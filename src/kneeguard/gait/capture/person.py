"""Choose the runner when several people are visible, before MediaPipe (single-person) runs.

Why not a people detector: OpenCV's HOG pedestrian detector found the treadmill
runner of the reference clip (male_side) in 1 of 45 sampled frames — a leaning,
half-hidden runner is not an upright pedestrian. What sets the runner apart is
motion: limbs and body bounce repeat at stride/step rates (1–3.7 Hz), while
bystanders stand, walk through, or move without that steady rhythm.

1. `periodic_motion_map`: decode a tiny grey copy of the clip and measure, per
   pixel, how much brightness power lies in the running band of frequencies.
2. `find_runner_box`: the compact blob holding most of that power is the runner.
3. `count_other_people`: blank the runner out on a few frames and ask MediaPipe
   (static-image mode) whether anyone else is still there.
`choose_runner` returns a `RunnerChoice`; `pose.keypoints_from_video` then runs
pose on a fixed crop around the runner only when other people were found.

Limitation: the crop is one box for the whole clip (the union of where the runner
moved), right for treadmill or a panning camera, too large for a runner crossing
a wide static frame (then today's whole-frame tracking is kept if the box would
cover most of the frame).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

MAP_SHORT_SIDE = 96  # grey copy size: enough to localise a person, ~100× cheaper than 720p
MAX_SECONDS = 15.0  # rhythm is clear within this; bounds memory and time on long clips
BAND_HZ = (1.0, 3.7)  # stride (left+right) and step rates of running
MIN_BAND_SHARE = 0.35  # the blob must hold this share of all in-band power to be "one runner"
BLOB_LEVEL = 0.15  # blob = pixels above this fraction of the peak (smoothed) power
MAX_BOX_AREA = 0.6  # a box covering more of the frame than this is no useful crop
PAD = 0.25  # crop margin around the motion box, per side, as a fraction of its size
CHECK_FRAMES = 6  # frames sampled when looking for people besides the runner
MIN_OTHER_FRAMES = 2  # someone else must be found on at least this many of them
OTHER_VISIBILITY = 0.6  # mean landmark visibility for a detection to count as a person


@dataclass
class RunnerChoice:
    """Where the runner is (full-frame pixels) and who else was seen."""

    box: tuple[int, int, int, int] | None  # x, y, w, h of the padded crop; None: no runner-like motion
    others: int  # frames (of CHECK_FRAMES) on which another person was found with the runner blanked
    band_share: float  # share of the clip's running-rhythm motion inside the runner's blob
    people_seen: int = 0  # runner + others found; 0 when no runner-like motion was found (not judged)
    notes: list[str] = field(default_factory=list)

    @property
    def several_people(self) -> bool:
        return self.box is not None and self.others >= MIN_OTHER_FRAMES


def check_indices(n_frames: int, n_checks: int = CHECK_FRAMES) -> list[int]:
    """Evenly spaced frame indices, away from the clip's ends, to look for bystanders on."""
    return sorted(set(np.linspace(0, max(0, n_frames - 1), n_checks + 2)[1:-1].round().astype(int).tolist()))


def decode_for_choice(info, short_side: int = MAP_SHORT_SIDE,
                      max_seconds: float = MAX_SECONDS) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """One decoding pass: a (frames, h, w) float32 tiny grey copy of the first `max_seconds`,
    and the few pose-scale frames (by index) that `count_other_people` inspects."""
    from kneeguard.gait.capture.video import iter_frames, pose_scale

    scale = pose_scale(info)
    n_grey = round(max_seconds * info.effective_fps)
    wanted = check_indices(min(info.n_frames, n_grey))
    tiny = min(1.0, short_side / max(1, min(info.width, info.height)) / scale)
    greys: list[np.ndarray] = []
    kept: dict[int, np.ndarray] = {}
    for index, frame in enumerate(iter_frames(info, scale=scale, max_frames=n_grey)):
        if index in wanted:
            kept[index] = frame
        # Linear (not area) resampling: ~8x cheaper, and the rhythm map only needs coarse motion.
        small = cv2.resize(frame, None, fx=tiny, fy=tiny, interpolation=cv2.INTER_LINEAR)
        greys.append(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY))
    grey = np.stack(greys).astype(np.float32) if greys else np.zeros((0, 1, 1), np.float32)
    return grey, kept


def periodic_motion_map(grey: np.ndarray, fps: float, band_hz: tuple[float, float] = BAND_HZ) -> np.ndarray:
    """(h, w) brightness power per pixel at running-rhythm frequencies."""
    n = grey.shape[0]
    if n < 8:
        return np.zeros(grey.shape[1:], np.float32)
    t = np.arange(n, dtype=np.float32)
    # Remove each pixel's mean and linear drift (light changes, auto-exposure): not rhythm.
    t_c = t - t.mean()
    centred = grey - grey.mean(axis=0)
    slope = np.tensordot(t_c, centred, axes=(0, 0)) / float(np.dot(t_c, t_c))
    detrended = centred - t_c[:, None, None] * slope[None]
    window = np.hanning(n).astype(np.float32)[:, None, None]
    spectrum = np.abs(np.fft.rfft(detrended * window, axis=0)) ** 2
    freqs = np.fft.rfftfreq(n, d=1.0 / fps)
    band = (freqs >= band_hz[0]) & (freqs <= min(band_hz[1], 0.45 * fps))
    return spectrum[band].sum(axis=0).astype(np.float32)


def find_runner_box(power: np.ndarray) -> tuple[tuple[int, int, int, int] | None, float]:
    """Bounding box (map pixels) of the blob holding the strongest rhythm, and its share of all rhythm."""
    total = float(power.sum())
    if total <= 0:
        return None, 0.0
    h, w = power.shape
    # Smoothing joins a runner's limbs and head into one blob; sigma ≈ 3 % of the short side.
    smooth = cv2.GaussianBlur(power, (0, 0), sigmaX=max(1.0, 0.03 * min(h, w)))
    peak = np.unravel_index(int(np.argmax(smooth)), smooth.shape)
    mask = (smooth >= BLOB_LEVEL * float(smooth[peak])).astype(np.uint8)
    _, labels = cv2.connectedComponents(mask, connectivity=8)
    blob = labels == labels[peak]
    share = float(power[blob].sum()) / total
    ys, xs = np.nonzero(blob)
    box = (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))
    return box, share


def pad_box(box: tuple[int, int, int, int], frame_size: tuple[int, int], pad: float = PAD) -> tuple[int, int, int, int]:
    """Grow `box` by `pad` of its size on every side, clamped to the frame."""
    x, y, w, h = box
    width, height = frame_size
    x0, y0 = max(0, int(x - pad * w)), max(0, int(y - pad * h))
    x1, y1 = min(width, int(np.ceil(x + w + pad * w))), min(height, int(np.ceil(y + h + pad * h)))
    return x0, y0, x1 - x0, y1 - y0


def count_other_people(frames: list[np.ndarray], box_scaled: tuple[int, int, int, int]) -> int:
    """On how many `frames` MediaPipe finds a person with the runner's box (same pixels) blanked out."""
    from kneeguard.gait.capture.pose import _import_mediapipe_pose

    x, y, w, h = box_scaled
    mp_pose = _import_mediapipe_pose()
    found = 0
    # Static-image mode: each sampled frame is judged on its own, no tracking between them.
    with mp_pose.Pose(static_image_mode=True, model_complexity=1, enable_segmentation=False,
                      min_detection_confidence=0.5) as pose:
        for frame in frames:
            blanked = frame.copy()
            blanked[y:y + h, x:x + w] = np.median(frame.reshape(-1, 3), axis=0).astype(np.uint8)
            result = pose.process(cv2.cvtColor(blanked, cv2.COLOR_BGR2RGB))
            if result.pose_landmarks is not None:
                vis = np.mean([lm.visibility for lm in result.pose_landmarks.landmark[:33]])
                found += int(vis >= OTHER_VISIBILITY)
    return found


def choose_runner(info) -> RunnerChoice:
    """Locate the runner by rhythm and find out whether anyone else is in view."""
    grey, samples = decode_for_choice(info)
    if grey.shape[0] < 8:
        return RunnerChoice(box=None, others=0, band_share=0.0, notes=["clip too short to judge motion"])
    power = periodic_motion_map(grey, info.effective_fps)
    map_box, share = find_runner_box(power)
    if map_box is None or share < MIN_BAND_SHARE:
        return RunnerChoice(box=None, others=0, band_share=share, notes=["no single rhythmic mover found"])
    # Map pixels → full-frame pixels (the grey copy is a uniformly scaled, upright frame).
    map_h, map_w = grey.shape[1:]
    sx, sy = info.width / map_w, info.height / map_h
    x, y, w, h = map_box
    full = (int(x * sx), int(y * sy), int(np.ceil(w * sx)), int(np.ceil(h * sy)))
    box = pad_box(full, info.frame_size)
    if box[2] * box[3] > MAX_BOX_AREA * info.width * info.height:
        return RunnerChoice(box=None, others=0, band_share=share,
                            notes=["the runner's motion covers most of the frame; no crop"])
    scale = next(iter(samples.values())).shape[1] / info.width if samples else 1.0
    others = count_other_people(list(samples.values()), tuple(round(v * scale) for v in box))
    people = 2 if others >= MIN_OTHER_FRAMES else 1
    return RunnerChoice(box=box, others=others, band_share=share, people_seen=people)
