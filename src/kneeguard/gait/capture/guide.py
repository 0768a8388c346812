"""How to film a running video that kneeguard can trust, and warnings when a clip breaks the rules.

Capture matters more than the pose model: a camera that pans, a runner that is
tiny or cut off, or 30 fps footage all degrade contact timing and knee angles.
"""
from __future__ import annotations

import numpy as np

from kneeguard.gait.keypoints import KeypointSeries

RECOMMENDED_FPS = 60.0
MIN_STEPS = 7
RECOMMENDED_SECONDS = 8.0  # comfortably more than 7 steps at any running cadence

CAPTURE_GUIDE = """\
How to film your running for kneeguard

  1. Camera SIDE-ON: perpendicular to the running direction, lens at hip height,
     on a tripod or something stable (no panning, no zoom during the clip).
  2. Distance 3–5 m (treadmill: 3 m is fine). The WHOLE body, head to feet,
     must stay in frame the whole time, with a little space under the feet.
  3. Frame rate ≥ 60 fps; slow motion (120/240 fps) is better. If your phone
     saves slow motion that plays slower than real time, tell kneeguard how many
     times slower with --slowmo (e.g. --slowmo 4 for 120 fps played at 30).
  4. Good, even light; avoid a bright window behind the runner.
  5. Tight clothing (no baggy shorts) so knees and ankles can be seen; contrasting
     shoes help.
  6. Run at your usual easy pace for ≥ 8 s of video, i.e. at least 7 steps
     (10–20 steps is better). Only the runner in view — the pose model follows ONE person.
  7. Optional second clip from behind (rear view, hip height) for pelvic drop
     and knee alignment.

Then:  kneeguard gait my_run.mp4 --view side --height-cm 180 --out my_run_gait/
"""


def capture_guide() -> str:
    return CAPTURE_GUIDE


def check_capture(series: KeypointSeries, video_info=None) -> list[str]:
    """Plain-language warnings for a clip that breaks the capture guide (never raises).

    `video_info` is a `kneeguard.gait.capture.video.VideoInfo` (or None for keypoint files).
    """
    warnings: list[str] = []
    fps = float(video_info.effective_fps) if video_info is not None else float(series.fps)
    if fps < RECOMMENDED_FPS:
        warnings.append(
            f"{fps:.0f} fps: contact times and the knee angle at landing are less precise "
            f"below {RECOMMENDED_FPS:.0f} fps (±{1000 / fps:.0f} ms per frame); film in 60 fps or slow motion"
        )
    duration = series.n_frames / series.fps if series.fps else 0.0
    if duration < RECOMMENDED_SECONDS:
        warnings.append(f"only {duration:.1f} s of running; ≥ {RECOMMENDED_SECONDS:.0f} s gives steadier medians")

    if series.units == "px" and series.frame_size[0] > 0:
        warnings.extend(_framing_warnings(series))
    if video_info is not None and getattr(video_info, "mean_brightness", 255) < 60:
        warnings.append("the video is dim; keypoints are less reliable in poor light")
    return warnings


def _framing_warnings(series: KeypointSeries) -> list[str]:
    out: list[str] = []
    width, height = series.frame_size
    feet = [n for n in ("left_heel", "right_heel", "left_toe", "right_toe", "left_ankle", "right_ankle")
            if series.has(n)]
    if feet:
        foot_y = np.concatenate([series.point(n)[:, 1] for n in feet])
        foot_y = foot_y[np.isfinite(foot_y)]
        if foot_y.size and np.mean(foot_y > 0.98 * height) > 0.05:
            out.append("the feet leave the bottom of the frame; keep space under the feet")
    if series.has("nose"):
        nose_y = series.point("nose")[:, 1]
        nose_y = nose_y[np.isfinite(nose_y)]
        if nose_y.size and np.mean(nose_y < 0.01 * height) > 0.05:
            out.append("the head leaves the top of the frame; keep the whole body in view")
    xs = series.xy[:, :, 0]
    xs = xs[np.isfinite(xs)]
    if xs.size and (np.mean(xs < 0) > 0.02 or np.mean(xs > width) > 0.02):
        out.append("the runner leaves the side of the frame; move the camera further back")

    # Side view sanity: hips far apart horizontally means the camera is not side-on.
    view = str(series.meta.get("view", "side"))
    if view == "side" and series.has("left_hip") and series.has("right_hip"):
        span = median_body_height(series)
        gap = np.abs(series.point("left_hip")[:, 0] - series.point("right_hip")[:, 0])
        if span and np.isfinite(gap).any() and np.nanmedian(gap) > 0.12 * span:
            out.append("the hips are far apart across the image: the camera looks oblique, not side-on")
    return out


def median_body_height(series: KeypointSeries) -> float:
    top = series.point("nose")[:, 1] if series.has("nose") else series.point("left_shoulder")[:, 1]
    bottom = np.fmax(series.point("left_ankle")[:, 1], series.point("right_ankle")[:, 1])
    span = bottom - top
    span = span[np.isfinite(span)]
    return float(np.median(span)) if span.size else 0.0
