"""Android slow-motion MP4s: the real capture frame rate from the `moov` metadata, read without decoding."""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

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
