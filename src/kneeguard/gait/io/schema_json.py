"""kneeguard's own keypoint JSON: one file per KeypointSeries, versioned and validated.

See docs/keypoints.md for the format. Missing coordinates are written as null,
so the file stays valid JSON (NaN is not).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from kneeguard.errors import InvalidInput
from kneeguard.gait.io.files import read_json_document
from kneeguard.gait.keypoints import CANONICAL_NAMES, KeypointSeries
from kneeguard.jsonable import plain

FORMAT = "kneeguard.keypoints"
VERSION = 1
SUPPORTED_VERSIONS = (1,)


class KeypointFileError(InvalidInput):
    """The file is not a valid kneeguard keypoint JSON; the message says where."""


def series_to_dict(series: KeypointSeries, decimals: int | None = None) -> dict[str, Any]:
    """The JSON-ready dictionary of a series; `decimals` defaults to 3 for px and 6 for metres."""
    if decimals is None:
        decimals = 3 if series.units == "px" else 6
    frames = []
    for f in range(series.n_frames):
        row = []
        for k in range(len(series.names)):
            x, y = series.xy[f, k]
            row.append([_num(x, decimals), _num(y, decimals), _num(series.visibility[f, k], 3)])
        frames.append(row)
    return {
        "format": FORMAT,
        "version": VERSION,
        "fps": float(series.fps),
        "units": series.units,
        "frame_size": [int(series.frame_size[0]), int(series.frame_size[1])],
        "source": series.source,
        "meta": plain(series.meta, digits=None),
        "names": list(series.names),
        "frames": frames,
    }


def _num(value: float, decimals: int) -> float | None:
    value = float(value)
    return round(value, decimals) if math.isfinite(value) else None


def write_keypoints_json(series: KeypointSeries, path: str | Path, decimals: int | None = None) -> Path:
    path = Path(path)
    path.write_text(json.dumps(series_to_dict(series, decimals), separators=(",", ":")), encoding="utf-8")
    return path


def read_keypoints_json(path: str | Path) -> KeypointSeries:
    path = Path(path)
    data = read_json_document(path, "keypoint file", KeypointFileError)
    return series_from_dict(data, where=path.name)


def series_from_dict(data: Any, where: str = "keypoints") -> KeypointSeries:
    """Validate a parsed keypoint JSON document and build the series."""

    def fail(message: str) -> KeypointFileError:
        return KeypointFileError(f"{where}: {message}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise fail(f"not a kneeguard keypoint file (expected \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise fail(f"unsupported version {version!r}; this kneeguard reads {list(SUPPORTED_VERSIONS)}")
    fps = data.get("fps")
    if not isinstance(fps, (int, float)) or isinstance(fps, bool) or not math.isfinite(fps) or fps <= 0:
        raise fail("fps must be a positive number")
    units = data.get("units", "px")
    if units not in ("px", "m"):
        raise fail("units must be \"px\" or \"m\"")
    size = data.get("frame_size", [0, 0])
    if (not isinstance(size, list) or len(size) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in size)):
        raise fail("frame_size must be [width, height] with non-negative integers")
    names = data.get("names")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise fail("names must be a non-empty list of strings")
    unknown = [n for n in names if n not in CANONICAL_NAMES]
    if unknown:
        raise fail(f"unknown keypoint names {unknown}; allowed: {', '.join(CANONICAL_NAMES)}")
    if len(set(names)) != len(names):
        raise fail("names must be unique")
    frames = data.get("frames")
    if not isinstance(frames, list) or not frames:
        raise fail("frames must be a non-empty list")
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        raise fail("meta must be an object")
    xy = np.full((len(frames), len(names), 2), np.nan)
    visibility = np.zeros((len(frames), len(names)))
    for f, row in enumerate(frames):
        if not isinstance(row, list) or len(row) != len(names):
            raise fail(f"frame {f} must list {len(names)} keypoints")
        for k, point in enumerate(row):
            if not isinstance(point, list) or len(point) != 3:
                raise fail(f"frame {f}, {names[k]}: each keypoint is [x, y, visibility]")
            x, y, v = (_coord(value, fail, f, names[k]) for value in point)
            xy[f, k] = (x, y)
            if not math.isnan(v) and not 0.0 <= v <= 1.0:
                raise fail(f"frame {f}, {names[k]}: visibility must lie in 0..1")
            visibility[f, k] = 0.0 if math.isnan(v) or math.isnan(x) or math.isnan(y) else v
    return KeypointSeries(
        names=list(names), xy=xy, visibility=visibility, fps=float(fps), frame_size=(size[0], size[1]),
        units=units, source=str(data.get("source", "")), meta=meta,
    )


def _coord(value: Any, fail, frame: int, name: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail(f"frame {frame}, {name}: coordinates must be numbers or null")
    return float(value)
