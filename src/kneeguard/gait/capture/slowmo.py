"""Slowed-down clips: the real capture rate from Android's `moov` metadata (read without decoding), and,
where no metadata says so, a step rhythm far too slow for running at the clip's stated frame rate.

A slowed clip must be recognised before the person checks: played 10x slower, a runner's
bounce is no running rhythm, and the person chooser and the identity checks then misread
one runner as several people.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from kneeguard import evidence
from kneeguard.gait.keypoints import GaitError, KeypointSeries

# Only a clear, repeated rhythm counts: the peak (within ±PEAK_WIDTH of its rate) holds this share of
# the bounce power, and the clip shows at least MIN_CYCLES of it. Noise, a still person or a tracker
# hopping between people spreads its power and never passes.
PEAK_WIDTH = 0.15
MIN_PEAK_SHARE = 0.3
MIN_CYCLES = 4
JUMP_BODY_SHARE = 0.25
LOWEST_RHYTHM_SPM = 3.0  # slower than this is drift, not steps (a 40x clip of a 120 steps/min runner)

_CAPTURE_FPS_KEY = b"com.android.capture.fps"


def read_capture_fps(path: str | Path) -> float | None:
    """The real capture rate Android stores for slow-motion MP4s (`moov/meta` keys + ilst), or None.

    A best-effort parser: only the `moov` box is read, never the media data.
    """
    try:
        moov = _find_top_level_box(Path(path), b"moov")
    except OSError:
        return None
    if moov is None or _CAPTURE_FPS_KEY not in moov:
        return None
    try:
        return _capture_fps_from_moov(moov)
    except (struct.error, ValueError):  # malformed metadata: fall back to no slow motion
        return None


def _capture_fps_from_moov(moov: bytes) -> float | None:
    keys_at = moov.find(b"keys")
    ilst_at = moov.find(b"ilst")
    if keys_at < 4 or ilst_at < 4:
        return None
    # keys: size,'keys',version/flags,count, then (size,'mdta',name) entries, 1-based index.
    index = None
    pos = keys_at + 8
    count = struct.unpack(">I", moov[pos:pos + 4])[0]
    pos += 4
    for i in range(1, count + 1):
        size = struct.unpack(">I", moov[pos:pos + 4])[0]
        if moov[pos + 8:pos + size] == _CAPTURE_FPS_KEY:
            index = i
        pos += max(size, 8)
    if index is None:
        return None
    end = ilst_at - 4 + struct.unpack(">I", moov[ilst_at - 4:ilst_at])[0]
    pos = ilst_at + 4
    while pos + 8 <= end:
        size, item = struct.unpack(">II", moov[pos:pos + 8])
        if size < 8:
            return None
        if item == index and moov[pos + 12:pos + 16] == b"data":
            dtype = struct.unpack(">I", moov[pos + 16:pos + 20])[0] & 0xFFFFFF
            payload = moov[pos + 24:pos + size]
            if dtype == 23 and len(payload) == 4:  # big-endian float32
                value = struct.unpack(">f", payload)[0]
            elif dtype == 1:  # UTF-8 text
                value = float(payload.decode("utf-8", "replace").strip() or "nan")
            else:
                return None
            return value if np.isfinite(value) and value > 0 else None
        pos += size
    return None


def _find_top_level_box(path: Path, wanted: bytes, limit: int = 64 * 1024 * 1024) -> bytes | None:
    with path.open("rb") as fh:
        while True:
            header = fh.read(8)
            if len(header) < 8:
                return None
            size, kind = struct.unpack(">I4s", header)
            header_len = 8
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
                header_len = 16
            elif size == 0:
                return fh.read(limit) if kind == wanted else None
            if size < header_len:
                return None
            if kind == wanted:
                return fh.read(min(size - header_len, limit))
            fh.seek(size - header_len, 1)


def slowed_rhythm_factor(series: KeypointSeries) -> float | None:
    """About how many times slower than real time the clip plays, judged from the runner's bounce; None if not slowed.

    A clip is slowed when its clear step rhythm is below half the slowest running cadence
    (`gait.running.min_cadence`): no runner, and no walker either, steps that slowly. The factor
    is the typical recreational cadence (`gait.cadence.low`) over the measured rhythm, a first guess only.
    """
    from kneeguard.gait.cadence import bounce_spectrum

    spectrum = bounce_spectrum(_without_jumps(series), series.fps)
    if spectrum is None:
        return None
    freqs_spm, power = spectrum
    seconds = series.n_frames / series.fps
    usable = freqs_spm >= max(LOWEST_RHYTHM_SPM, 60.0 * MIN_CYCLES / seconds)
    total = power[usable].sum()
    if not usable.any() or total <= 0:
        return None
    k = int(np.flatnonzero(usable)[np.argmax(power[usable])])
    rhythm = float(freqs_spm[k])
    if rhythm >= 0.5 * evidence.value("gait.running.min_cadence"):
        return None
    near = usable & (np.abs(freqs_spm - rhythm) <= PEAK_WIDTH * rhythm)
    if power[near].sum() / total < MIN_PEAK_SHARE:
        return None
    return evidence.value("gait.cadence.low") / rhythm


def _without_jumps(series: KeypointSeries) -> np.ndarray:
    """The mid-hip height with frames far off its 1-s running median removed (the tracker hopping elsewhere).

    Far off: more than JUMP_BODY_SHARE of the runner's body height; a running bounce (about 5 % of
    body height) stays well inside.
    """
    import pandas as pd

    from kneeguard.gait.cadence import mid_hip_height
    from kneeguard.gait.capture.pose import person_heights

    y = mid_hip_height(series)
    heights = person_heights(series)
    if not np.isfinite(heights).any():
        return y
    median = pd.Series(y).rolling(max(3, int(series.fps) | 1), center=True, min_periods=1).median().to_numpy()
    return np.where(np.abs(y - median) > JUMP_BODY_SHARE * float(np.nanmedian(heights)), np.nan, y)


def check_slow_motion(series: KeypointSeries, name: str = "the video") -> None:
    """GaitError asking for the slow-motion factor when the clip plays far slower than real time."""
    factor = slowed_rhythm_factor(series)
    if factor is None:
        return
    given = float(series.meta.get("slowmo") or 1.0)
    already = f" (it is already taken as {given:g}x slowed)" if given > 1 else ""
    raise GaitError(
        f"{name} looks like slow motion played at {series.fps:g} fps{already}: the runner's step rhythm is about "
        f"{factor:.0f} times too slow for running. Tell kneeguard how many times slower than real time it plays "
        f"with --slowmo FACTOR (e.g. --slowmo {max(2, round(factor * given))}; 240 fps played at 30 fps is "
        "--slowmo 8)")
