"""Open a running video safely and stream its frames, upright, at a known real-time frame rate.

Every problem a user can fix (not a video, corrupt, truncated, too short, too dark,
too few frames per second) becomes a `GaitError` with one clear sentence.
Frames are streamed one at a time: a 60 fps phone clip never sits in memory.
`prefetched` moves decoding to a background thread (OpenCV releases the GIL), so
on two cores decoding overlaps pose inference or encoding instead of adding to it.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from kneeguard.gait.capture.slowmo import read_capture_fps
from kneeguard.gait.keypoints import GaitError

T = TypeVar("T")

MIN_FPS = 24.0  # below this a ground contact (~200-300 ms) spans too few frames to time
MIN_DURATION_S = 2.5  # ~7 steps at 170 steps/min; the analysis needs at least that
DARK_MEAN = 25.0  # mean 8-bit luminance below which pose models fail on phone clips
BRIGHTNESS_FRAMES = 90  # frames read to judge brightness (3 s at 30 fps)
BRIGHTNESS_EVERY = 15
POSE_TARGET_SHORT_SIDE = 720  # pose runs as well on 720 px and costs less to decode/convert
PREFETCH_DEPTH = 4  # frames decoded ahead: enough to absorb jitter, few enough to keep memory flat

_CV_LOG_ERROR = 2  # OpenCV log levels: 0 silent, 1 fatal, 2 error, 3 warning

_ROTATIONS = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}


class SeekError(GaitError):
    """The file cannot be positioned exactly on a frame (callers can read it from the start instead)."""


@dataclass
class VideoInfo:
    """What we know about a clip before running pose on it; sizes are as displayed (after rotation)."""

    path: str
    width: int
    height: int
    capture_fps: float  # frames per second of the file itself
    effective_fps: float  # frames per second of real time (× slow-motion factor)
    slowmo: float  # how many times slower than real time the file plays
    slowmo_source: str  # "none", "user" or "metadata"
    n_frames: int  # as declared by the container (may be wrong for truncated files)
    rotation_deg: int  # clockwise rotation applied to the stored frames
    mean_brightness: float
    codec: str = ""

    @property
    def duration_s(self) -> float:
        """Real-time duration (slow motion taken into account)."""
        return self.n_frames / self.effective_fps if self.effective_fps else 0.0

    @property
    def frame_size(self) -> tuple[int, int]:
        return (self.width, self.height)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["duration_s"] = round(self.duration_s, 3)
        return out


def probe_video(path: str | Path, slowmo: float | None = None) -> VideoInfo:
    """Open `path`, check it is a usable running video and describe it; raises GaitError."""
    path = Path(path)
    if not path.exists():
        raise GaitError(f"video not found: {path}")
    if not path.is_file():
        raise GaitError(f"not a file: {path}")
    if path.stat().st_size == 0:
        raise GaitError(f"{path.name} is empty (0 bytes)")
    if slowmo is not None and not (1.0 <= slowmo <= 64.0):
        raise GaitError(f"--slowmo must be between 1 and 64 (how many times slower than real time), got {slowmo}")

    cap = _open_capture(path)
    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        n_frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        rotation = _rotation_of(cap)
        codec = _fourcc(cap)
        ok, first = cap.read()
        if not ok or first is None or first.size == 0:
            raise GaitError(f"{path.name}: no frame could be decoded; the file is corrupt or truncated")
        brightness = _sample_brightness(cap, first, n_frames)
    finally:
        cap.release()

    if not np.isfinite(fps) or fps <= 0:
        raise GaitError(f"{path.name}: the video does not say its frame rate; re-export it as MP4 (H.264)")
    if n_frames <= 0:
        n_frames = _count_frames(path)
    frame = _rotate(first, rotation)
    height, width = frame.shape[:2]

    factor, source = _slowmo_factor(path, fps, slowmo)
    info = VideoInfo(
        path=str(path), width=int(width), height=int(height), capture_fps=fps,
        effective_fps=fps * factor, slowmo=factor, slowmo_source=source, n_frames=n_frames,
        rotation_deg=rotation, mean_brightness=brightness, codec=codec,
    )
    _check_usable(info, path.name)
    return info


def iter_frames(
    info: VideoInfo,
    *,
    scale: float = 1.0,
    max_frames: int | None = None,
    start: int = 0,
) -> Iterator[np.ndarray]:
    """Yield upright BGR frames one at a time from frame `start`, optionally resized by `scale`.

    Raises GaitError when the file stops far earlier than its header promised
    (a truncated download) and too little is left to analyse, or when it cannot
    seek exactly to `start` (callers that split a clip must not get shifted frames).
    """
    cap = _open_capture(Path(info.path))
    if start > 0 and not _seek(cap, start):
        cap.release()
        raise SeekError(f"{Path(info.path).name}: cannot seek to frame {start}")
    read = 0
    # Target size of the STORED frame: displayed size scaled, swapped back for 90°/270° rotations.
    width, height = max(1, round(info.width * scale)), max(1, round(info.height * scale))
    stored_size = (height, width) if info.rotation_deg in (90, 270) else (width, height)
    # INTER_AREA averages properly but costs ~3 ms per 1080p frame at non-integer factors; for
    # shrinks up to 2× bilinear hardly aliases (and MediaPipe resamples to 256 px itself anyway).
    interpolation = cv2.INTER_LINEAR if scale >= 0.5 else cv2.INTER_AREA
    try:
        while max_frames is None or read < max_frames:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            if scale != 1.0:  # resize before rotating: the rotation then moves fewer pixels
                frame = cv2.resize(frame, stored_size, interpolation=interpolation)
            frame = _rotate(frame, info.rotation_deg)
            read += 1
            yield frame
    finally:
        cap.release()
    wanted = info.n_frames - start if max_frames is None else min(max_frames, info.n_frames - start)
    if read < 0.9 * wanted and read / info.effective_fps < MIN_DURATION_S:
        raise GaitError(
            f"{Path(info.path).name}: only {read} of {wanted} frames could be decoded; "
            "the file is truncated or corrupt"
        )


class _Outcome:
    """How the producer thread ended: normally or with the exception to re-raise in the consumer."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error


def prefetched(items: Iterable[T], depth: int = PREFETCH_DEPTH) -> Iterator[T]:
    """Yield `items` in order while a background thread produces up to `depth` of them ahead.

    An exception raised while producing (a GaitError for a truncated file, say) is
    re-raised here, after the items produced before it. Closing this generator early
    (a `break`, an error in the consumer) stops the thread and closes the source, so a
    VideoCapture is released at once. Use it around iterators whose work releases the GIL.
    """
    buffer: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def offer(item) -> bool:
        # Time-outs let the producer notice a consumer that went away while the buffer was full.
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        outcome = _Outcome()
        try:
            for item in source:
                if not offer(item):
                    return
        except Exception as exc:  # handed over to the consumer thread, which re-raises it
            outcome = _Outcome(exc)
        finally:
            try:
                close = getattr(source, "close", None)
                if close is not None:
                    close()  # runs the source's own clean-up (cap.release) in the thread that used it
            finally:
                offer(outcome)  # always, or a waiting consumer would block for ever

    thread = threading.Thread(target=produce, name="kneeguard-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if isinstance(item, _Outcome):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stop.set()
        thread.join()


def pose_scale(info: VideoInfo, target_short_side: int = POSE_TARGET_SHORT_SIDE) -> float:
    """Resize factor that brings the shorter side down to ≈ target (never upscales)."""
    short = min(info.width, info.height)
    return min(1.0, target_short_side / short) if short > 0 else 1.0


# --- helpers -----------------------------------------------------------------


def _open_capture(path: Path) -> cv2.VideoCapture:
    # OpenCV logs its own warning for unreadable files; we raise a clearer one instead.
    old_level = cv2.getLogLevel()
    cv2.setLogLevel(_CV_LOG_ERROR)
    try:
        cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    finally:
        cv2.setLogLevel(old_level)
    if not cap.isOpened():
        cap.release()
        raise GaitError(
            f"{path.name} is not a video OpenCV can read (corrupt, truncated or an unsupported format); "
            "use an MP4 or MOV straight from the phone"
        )
    # Rotate ourselves from the metadata so the result does not depend on the
    # OpenCV build's auto-orientation default (it changed between releases).
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
    return cap


def _seek(cap: cv2.VideoCapture, frame: int) -> bool:
    """Position `cap` on `frame`; False unless the backend reports exactly that frame."""
    return bool(cap.set(cv2.CAP_PROP_POS_FRAMES, frame)) and int(round(cap.get(cv2.CAP_PROP_POS_FRAMES))) == frame


def _rotation_of(cap: cv2.VideoCapture) -> int:
    meta = int(round(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0)) % 360
    return meta if meta in _ROTATIONS else 0


def _rotate(frame: np.ndarray, rotation: int) -> np.ndarray:
    code = _ROTATIONS.get(rotation)
    return frame if code is None else cv2.rotate(frame, code)


def _fourcc(cap: cv2.VideoCapture) -> str:
    code = int(cap.get(cv2.CAP_PROP_FOURCC) or 0)
    text = "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4))
    return text if text.isprintable() else ""


def _sample_brightness(cap: cv2.VideoCapture, first: np.ndarray, n_frames: int) -> float:
    """Median luminance over the first seconds, read in order.

    Seeking would look further into the clip, but phone videos often have few
    keyframes, so a seek decodes hundreds of frames; reading on costs a few.
    """
    values = [_luma(first)]
    for index in range(1, min(n_frames, BRIGHTNESS_FRAMES)):
        if not cap.grab():
            break
        if index % BRIGHTNESS_EVERY == 0:
            ok, frame = cap.retrieve()
            if ok and frame is not None:
                values.append(_luma(frame))
    return float(np.median(values))


def _luma(frame: np.ndarray) -> float:
    small = cv2.resize(frame, (64, 64), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    return float(gray.mean())


def _count_frames(path: Path) -> int:
    """Fallback for containers that do not declare a frame count: decode-count (grab only)."""
    cap = _open_capture(path)
    n = 0
    try:
        while cap.grab():
            n += 1
    finally:
        cap.release()
    return n


def _check_usable(info: VideoInfo, name: str) -> None:
    if info.effective_fps < MIN_FPS:
        raise GaitError(
            f"{name}: {info.effective_fps:.0f} frames per second is too few to time ground contacts "
            f"(need ≥ {MIN_FPS:.0f}, ideally ≥ 60); film in 60 fps or slow motion and pass --slowmo"
        )
    if info.duration_s < MIN_DURATION_S:
        raise GaitError(
            f"{name}: {info.duration_s:.1f} s of running is too short; film at least 5 s (≥ 7 steps)"
        )
    if info.mean_brightness < DARK_MEAN:
        raise GaitError(
            f"{name}: the video is too dark (mean brightness {info.mean_brightness:.0f}/255); "
            "film in daylight or a lit room"
        )


def _slowmo_factor(path: Path, fps: float, user: float | None) -> tuple[float, str]:
    """User factor wins; otherwise Android's `com.android.capture.fps` tag when it exceeds playback fps."""
    if user is not None:
        return float(user), "user"
    capture = read_capture_fps(path)
    if capture is not None and capture > fps * 1.5:
        return capture / fps, "metadata"
    return 1.0, "none"
