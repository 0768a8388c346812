"""Write an annotated copy of the running video: skeleton, live knee angles, contact/toe-off marks.

Streams frame by frame (decode → draw → encode, each stage in its own thread), so memory
does not grow with the clip.
The output is resized like the pose input (≈ 720 px short side) to keep files small.

Codec by file suffix: `.mp4` is H.264 (`avc1`) when the OpenCV build can encode it, else
MPEG-4 Part 2 (`mp4v`, which desktop players show but browsers do not); `.webm` is VP8,
which Chromium and Firefox play. The pip OpenCV wheels carry no H.264 encoder, so the web
app asks `browser_video_name()` and gets `annotated.webm` there.
"""
from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, nullcontext
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.capture.video import VideoInfo, iter_frames, pose_scale, prefetched

# BGR colours: the person's left in cyan-blue, right in orange; trunk white.
LEFT_COLOUR = (255, 170, 0)
RIGHT_COLOUR = (0, 140, 255)
TRUNK_COLOUR = (235, 235, 235)
SIDE_COLOUR = {"left": LEFT_COLOUR, "right": RIGHT_COLOUR}
MIN_VIS = 0.3  # below this a keypoint is not drawn
EVENT_SHOW_S = 0.25  # how long an IC/TO mark stays on screen
# Codecs tried in order per output suffix (FourCC codes OpenCV's FFmpeg writer knows).
CODECS_BY_SUFFIX = {".mp4": ("avc1", "mp4v"), ".webm": ("VP80",), ".avi": ("MJPG",)}
# This OpenCV's VP8 encoder takes ≈ 50 ms per 720p frame and ≈ 26 ms at 480p (measured), so the
# browser copy (.webm) is drawn with a 480 px short side; .mp4 keeps the pose input's ≈ 720 px.
WEBM_SHORT_SIDE = 480
_CV_LOG_SILENT = 0

BONES: tuple[tuple[str, str, tuple[int, int, int]], ...] = (
    ("left_shoulder", "right_shoulder", TRUNK_COLOUR),
    ("left_hip", "right_hip", TRUNK_COLOUR),
    ("left_shoulder", "left_hip", LEFT_COLOUR),
    ("right_shoulder", "right_hip", RIGHT_COLOUR),
    ("left_hip", "left_knee", LEFT_COLOUR),
    ("left_knee", "left_ankle", LEFT_COLOUR),
    ("left_ankle", "left_heel", LEFT_COLOUR),
    ("left_heel", "left_toe", LEFT_COLOUR),
    ("left_ankle", "left_toe", LEFT_COLOUR),
    ("right_hip", "right_knee", RIGHT_COLOUR),
    ("right_knee", "right_ankle", RIGHT_COLOUR),
    ("right_ankle", "right_heel", RIGHT_COLOUR),
    ("right_heel", "right_toe", RIGHT_COLOUR),
    ("right_ankle", "right_toe", RIGHT_COLOUR),
)


@dataclass(frozen=True)
class EventMark:
    frame: int
    side: str  # "left" / "right"
    kind: str  # "IC" (initial contact) / "TO" (toe-off)


def knee_flexion_deg(series: KeypointSeries, side: str) -> np.ndarray:
    """0° = straight knee; 180° minus the hip–knee–ankle angle, per frame (NaN when unseen)."""
    hip, knee, ankle = (series.point(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
    a, b = hip - knee, ankle - knee
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    with np.errstate(invalid="ignore"):
        return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def event_marks(events, fps: float) -> list[EventMark]:
    """Normalise the analysis' events into EventMarks.

    Accepts the analysis' contact table (one row per contact: side, ic_frame,
    to_frame, valid) or one row per event (side, kind, frame or time_s), as a
    DataFrame, dicts or objects. Contacts marked invalid are not drawn.
    """
    if events is None:
        return []
    rows: Iterable = events.to_dict("records") if hasattr(events, "to_dict") and hasattr(events, "columns") else events
    marks: list[EventMark] = []
    for row in rows:
        get = row.get if isinstance(row, dict) else (lambda k, r=row: getattr(r, k, None))
        side = str(get("side") or "").lower()
        if side not in SIDE_COLOUR or get("valid") is False:
            continue
        if get("ic_frame") is not None or get("to_frame") is not None:  # one row per contact
            pairs = [("IC", get("ic_frame")), ("TO", get("to_frame"))]
        else:
            frame = get("frame")
            if frame is None:
                t = get("time_s") if get("time_s") is not None else get("t")
                frame = None if t is None else float(t) * fps
            pairs = [(_kind(get("kind") or get("event") or get("type")), frame)]
        for kind, frame in pairs:
            if kind is not None and frame is not None and np.isfinite(float(frame)):
                marks.append(EventMark(int(round(float(frame))), side, kind))
    return marks


def _kind(value) -> str | None:
    text = str(getattr(value, "value", value) or "").lower()
    if text in {"ic", "initial_contact", "foot_strike", "contact", "hs", "heel_strike"}:
        return "IC"
    if text in {"to", "toe_off", "foot_off", "fo"}:
        return "TO"
    return None


def write_annotated_video(
    info: VideoInfo,
    series: KeypointSeries,
    out_path: str | Path,
    events=None,
    *,
    scale: float | None = None,
    title: str = "",
    on_frame: Callable[[int], None] | None = None,
) -> Path:
    """Draw `series` (pixels of the original frame) and `events` over the video; returns the path.

    Three stages overlap (OpenCV releases the GIL): a thread decodes, a thread draws,
    and this thread encodes; bounded buffers between them keep memory flat.
    `on_frame(count)` is called in this thread after each encoded frame (progress).
    """
    out_path = Path(out_path)
    if scale is None:
        scale = pose_scale(info, WEBM_SHORT_SIDE) if out_path.suffix.lower() == ".webm" else pose_scale(info)
    size = (max(1, round(info.width * scale)), max(1, round(info.height * scale)))
    writer = open_writer(out_path, info.capture_fps, size)
    if writer is None:
        raise GaitError(f"cannot write the annotated video to {out_path}")
    decoded = prefetched(iter_frames(info, scale=scale, max_frames=info.n_frames))
    try:
        # closing(): an encoder error stops the drawing and decoding threads at once.
        with closing(prefetched(annotated_frames(decoded, series, events, scale, size, title))) as frames:
            for count, frame in enumerate(frames, start=1):
                writer.write(frame)
                if on_frame is not None:
                    on_frame(count)
    finally:
        writer.release()
    return out_path


def open_writer(path: Path, fps: float, size: tuple[int, int]) -> cv2.VideoWriter | None:
    """A writer with the first codec for `path`'s suffix this OpenCV build can encode, or None."""
    for code in CODECS_BY_SUFFIX.get(path.suffix.lower(), ("mp4v",)):
        old_level = cv2.getLogLevel()
        cv2.setLogLevel(_CV_LOG_SILENT)  # a missing encoder is expected here, not an error to print
        try:
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*code), fps, size)
        finally:
            cv2.setLogLevel(old_level)
        if writer.isOpened():
            return writer
        writer.release()
    return None


@functools.lru_cache(maxsize=1)
def browser_video_name() -> str:
    """`annotated.mp4` when this OpenCV can write H.264 (every browser plays it), else `annotated.webm` (VP8)."""
    with tempfile.TemporaryDirectory(prefix="kneeguard-codec-") as tmp:
        old_level = cv2.getLogLevel()
        cv2.setLogLevel(_CV_LOG_SILENT)
        try:
            writer = cv2.VideoWriter(str(Path(tmp) / "probe.mp4"), cv2.VideoWriter_fourcc(*"avc1"), 30.0, (64, 64))
            h264 = writer.isOpened()
            writer.release()
        finally:
            cv2.setLogLevel(old_level)
    return "annotated.mp4" if h264 else "annotated.webm"


def annotated_frames(
    frames: Iterator[np.ndarray],
    series: KeypointSeries,
    events,
    scale: float,
    size: tuple[int, int],
    title: str = "",
) -> Iterator[np.ndarray]:
    """Draw on each frame in place (no copies) and yield it; `size` is the output (width, height)."""
    flex = {side: knee_flexion_deg(series, side) for side in SIDE_COLOUR}
    marks = event_marks(events, series.fps)
    by_frame: dict[int, list[EventMark]] = {}
    for m in marks:
        by_frame.setdefault(m.frame, []).append(m)
    show = max(1, round(EVENT_SHOW_S * series.fps))
    font_scale = max(0.5, size[1] / 1100)
    with closing(frames) if hasattr(frames, "close") else nullcontext():
        for i, frame in enumerate(frames):
            if frame.shape[1::-1] != size:  # rounding differences between resize paths
                frame = cv2.resize(frame, size)
            if i < series.n_frames:
                pts = series.xy[i] * scale
                vis = series.visibility[i]
                _draw_skeleton(frame, series.names, pts, vis)
                recent = [m for f in range(max(0, i - show + 1), i + 1) for m in by_frame.get(f, [])]
                _draw_events(frame, series.names, pts, recent, font_scale)
                _draw_panel(frame, i, series.fps, {s: flex[s][i] for s in flex}, font_scale, title)
            _draw_timeline(frame, i, series.n_frames, marks)
            yield frame


def _pt(pts: np.ndarray, names: list[str], name: str, vis: np.ndarray) -> tuple[int, int] | None:
    if name not in names:
        return None
    j = names.index(name)
    if vis[j] < MIN_VIS or not np.isfinite(pts[j]).all():
        return None
    return int(round(pts[j, 0])), int(round(pts[j, 1]))


def _draw_skeleton(frame, names, pts, vis) -> None:
    thick = max(2, round(3 * max(frame.shape[:2]) / 1280))
    for a, b, colour in BONES:
        pa, pb = _pt(pts, names, a, vis), _pt(pts, names, b, vis)
        if pa and pb:
            cv2.line(frame, pa, pb, colour, thick, cv2.LINE_AA)
    for j, name in enumerate(names):
        p = _pt(pts, names, name, vis)
        if p:
            colour = LEFT_COLOUR if name.startswith("left") else RIGHT_COLOUR if name.startswith("right") else TRUNK_COLOUR
            cv2.circle(frame, p, thick + 2, colour, -1, cv2.LINE_AA)
            cv2.circle(frame, p, thick + 2, (0, 0, 0), 1, cv2.LINE_AA)


def _draw_events(frame, names, pts, recent: list[EventMark], font_scale: float) -> None:
    for m in recent:
        foot = _first_point(pts, names, (f"{m.side}_heel", f"{m.side}_ankle", f"{m.side}_toe"))
        if foot is None:
            continue
        colour = SIDE_COLOUR[m.side]
        if m.kind == "IC":  # filled ring under the foot = landing
            cv2.circle(frame, foot, int(18 * font_scale), colour, 3, cv2.LINE_AA)
        else:  # triangle = push-off
            x, y = foot
            r = int(16 * font_scale)
            tri = np.array([[x, y - r], [x - r, y + r], [x + r, y + r]], dtype=np.int32)
            cv2.polylines(frame, [tri], True, colour, 3, cv2.LINE_AA)
        label = f"{m.kind} {m.side[0].upper()}"
        _text(frame, label, (foot[0] + int(22 * font_scale), foot[1] + int(30 * font_scale)), font_scale, colour)


def _first_point(pts, names, candidates) -> tuple[int, int] | None:
    for name in candidates:
        if name in names:
            p = pts[names.index(name)]
            if np.isfinite(p).all():
                return int(round(p[0])), int(round(p[1]))
    return None


def _draw_panel(frame, i: int, fps: float, flex: dict[str, float], font_scale: float, title: str) -> None:
    lines = [(f"t = {i / fps:5.2f} s", TRUNK_COLOUR)]
    for side, value in flex.items():
        text = f"{side} knee flexion: " + (f"{value:4.0f} deg" if np.isfinite(value) else "  -- ")
        lines.append((text, SIDE_COLOUR[side]))
    if title:
        lines.insert(0, (title, TRUNK_COLOUR))
    line_h = int(32 * font_scale)
    thickness = max(1, round(2 * font_scale))
    # As wide as the longest line (a fixed width cut off the knee-angle values).
    width = 16 + max(cv2.getTextSize(_ascii(text), cv2.FONT_HERSHEY_SIMPLEX, font_scale, thickness + 2)[0][0]
                     for text, _ in lines)
    # Darken only the panel area to 45 % (a 55 % black overlay) instead of blending a full-frame copy.
    panel = frame[8:17 + line_h * len(lines), 8:9 + width]
    np.multiply(panel, 0.45, out=panel, casting="unsafe")
    for k, (text, colour) in enumerate(lines):
        _text(frame, text, (16, 8 + line_h * (k + 1)), font_scale, colour)


def _draw_timeline(frame, i: int, n: int, marks: list[EventMark]) -> None:
    """A strip at the bottom: progress plus a tick for every contact (top row left, bottom row right)."""
    h, w = frame.shape[:2]
    y0 = h - 28
    cv2.rectangle(frame, (0, y0), (w, h), (25, 25, 25), -1)
    if n <= 1:
        return
    for m in marks:
        x = int(m.frame / (n - 1) * (w - 1))
        y = y0 + 4 if m.side == "left" else y0 + 15
        length = 9 if m.kind == "IC" else 4
        cv2.line(frame, (x, y), (x, y + length), SIDE_COLOUR[m.side], 2)
    x = int(min(i, n - 1) / (n - 1) * (w - 1))
    cv2.line(frame, (x, y0), (x, h), (255, 255, 255), 2)


def _text(frame, text: str, org, font_scale: float, colour) -> None:
    text = _ascii(text)
    thickness = max(1, round(2 * font_scale))
    # The black outline needs no anti-aliasing (the coloured text on top has it): half the cost.
    cv2.putText(frame, text, org, cv2.FONT_HERSHEY_SIMPLEX, font_scale, (0, 0, 0), thickness + 2, cv2.LINE_8)
    cv2.putText(frame, text, org, cv2.FONT_HERSHEY_SIMPLEX, font_scale, colour, thickness, cv2.LINE_AA)


def _ascii(text: str) -> str:
    # OpenCV's Hershey fonts are ASCII-only: spell out the few symbols we use.
    text = text.replace("—", "-").replace("–", "-").replace("°", " deg")
    return text.encode("ascii", "replace").decode("ascii")
