"""RTMPose / AlphaPose Halpe-26 keypoints → KeypointSeries.

Reads the `gaitlab.pose/v1` JSON (named keypoints per frame, as in
tests/data/gait/gaitlab_male_side/male_side.pose.json) and plain Halpe-26 output:
a list of frames, each a list of 26 [x, y, score] (or 78 flat numbers), or
MMPose-style {"instances": [{"keypoints": …, "keypoint_scores": …}]} per frame.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from kneeguard.errors import InvalidInput
from kneeguard.gait.io.files import read_json_document
from kneeguard.gait.keypoints import CANONICAL_NAMES, KeypointSeries

# Halpe-26 keypoint order (AlphaPose/RTMPose body model).
HALPE26_INDEX: dict[str, int] = {
    "nose": 0, "left_shoulder": 5, "right_shoulder": 6, "left_hip": 11, "right_hip": 12,
    "left_knee": 13, "right_knee": 14, "left_ankle": 15, "right_ankle": 16,
    "left_toe": 20, "right_toe": 21,  # big toes
    "left_heel": 24, "right_heel": 25,
}
# Short names used by the gaitlab.pose/v1 files.
GAITLAB_NAMES: dict[str, str] = {
    "nose": "nose", "l_shoulder": "left_shoulder", "r_shoulder": "right_shoulder",
    "l_hip": "left_hip", "r_hip": "right_hip", "l_knee": "left_knee", "r_knee": "right_knee",
    "l_ankle": "left_ankle", "r_ankle": "right_ankle", "l_heel": "left_heel", "r_heel": "right_heel",
    "l_big_toe": "left_toe", "r_big_toe": "right_toe",
}


def read_halpe26(
    path: str | Path,
    fps: float | None = None,
    frame_size: tuple[int, int] | None = None,
    min_score: float = 0.0,
) -> KeypointSeries:
    """Load Halpe-26 keypoints; `fps`/`frame_size` override (or supply) the file's values.

    Points scoring below `min_score` become NaN. Scores are clipped to 0..1 as visibility
    (RTMPose scores can slightly exceed 1).
    """
    path = Path(path)
    data = read_json_document(path, "pose file")
    if isinstance(data, dict) and "frames" in data:
        return _from_gaitlab(data, path.name, fps, frame_size, min_score)
    if isinstance(data, list):
        triples = [_frame_triples(frame, HALPE26_INDEX, path.name, i) for i, frame in enumerate(data)]
        return _build(triples, fps, frame_size, min_score, source=f"halpe26:{path.name}", meta={})
    raise InvalidInput(f"{path.name}: neither a gaitlab.pose/v1 object nor a list of Halpe-26 frames")


def _from_gaitlab(data: dict, name: str, fps, frame_size, min_score) -> KeypointSeries:
    names = data.get("keypoint_names")
    if not isinstance(names, list):
        raise InvalidInput(f"{name}: 'keypoint_names' is missing")
    index = {GAITLAB_NAMES[n]: i for i, n in enumerate(names) if n in GAITLAB_NAMES}
    if not index:
        raise InvalidInput(f"{name}: no known keypoint names (expected e.g. l_hip, r_knee, l_big_toe)")
    triples = [_frame_triples(frame, index, name, i) for i, frame in enumerate(data["frames"])]
    if fps is None:
        fps = data.get("fps") or _fps_from_timestamps(data.get("timestamps"))
    if frame_size is None and data.get("width") and data.get("height"):
        frame_size = (int(data["width"]), int(data["height"]))
    view = str(data.get("view", ""))
    meta: dict[str, Any] = {"pose_model": data.get("source", "halpe26")}
    if view:
        meta["view"] = view.split("-")[0]
        if "-" in view:
            meta["facing"] = view.split("-", 1)[1]
    return _build(triples, fps, frame_size, min_score, source=f"{data.get('source', 'halpe26')}:{name}", meta=meta)


def _fps_from_timestamps(stamps: Any) -> float | None:
    if not isinstance(stamps, list) or len(stamps) < 2:
        return None
    t = np.asarray(stamps, dtype=float)
    # Span over count is robust to timestamps rounded to the millisecond.
    return float((len(t) - 1) / (t[-1] - t[0])) if t[-1] > t[0] else None


def _frame_triples(frame: Any, index: dict[str, int], name: str, i: int) -> np.ndarray:
    """(len(CANONICAL_NAMES), 3) x, y, score for one frame; NaN where absent."""
    out = np.full((len(CANONICAL_NAMES), 3), np.nan)
    points = _frame_points(frame, name, i)
    if points is None:
        return out
    for canon, k in index.items():
        if k < len(points):
            out[CANONICAL_NAMES.index(canon)] = points[k]
    return out


def _frame_points(frame: Any, name: str, i: int) -> np.ndarray | None:
    if frame is None or frame == []:
        return None  # no person detected in this frame
    if isinstance(frame, dict):  # MMPose style: pick the most confident instance
        instances = frame.get("instances") or []
        best, best_score = None, -np.inf
        for inst in instances:
            kp = np.asarray(inst.get("keypoints", []), dtype=float).reshape(-1, 2)
            sc = np.asarray(inst.get("keypoint_scores", np.ones(len(kp))), dtype=float).reshape(-1)
            if len(sc) == len(kp) and np.nanmean(sc) > best_score:
                best, best_score = np.column_stack([kp, sc]), np.nanmean(sc)
        return best
    try:
        arr = np.asarray(frame, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{name}: frame {i} is not numeric keypoints") from exc
    if arr.ndim == 1 and arr.size % 3 == 0:
        arr = arr.reshape(-1, 3)
    if arr.ndim == 3:  # several people: keep the most confident one
        arr = arr[int(np.nanargmax(np.nanmean(arr[:, :, 2], axis=1)))]
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise InvalidInput(f"{name}: frame {i} must hold [x, y, score] triples")
    return arr


def _build(triples, fps, frame_size, min_score, source: str, meta: dict) -> KeypointSeries:
    if not fps or fps <= 0:
        raise InvalidInput("the pose file does not give its frame rate; pass fps")
    if not triples:
        raise InvalidInput("the pose file has no frames")
    arr = np.stack(triples)
    present = [k for k in range(len(CANONICAL_NAMES)) if np.isfinite(arr[:, k, 0]).any()]
    arr = arr[:, present]
    score = arr[:, :, 2]
    xy = arr[:, :, :2].copy()
    low = ~(score >= min_score) if min_score > 0 else ~np.isfinite(score)
    xy[low] = np.nan
    visibility = np.where(np.isfinite(xy).all(axis=2), np.clip(np.nan_to_num(score), 0.0, 1.0), 0.0)
    return KeypointSeries(
        names=[CANONICAL_NAMES[k] for k in present], xy=xy, visibility=visibility, fps=float(fps),
        frame_size=tuple(frame_size) if frame_size else (0, 0), units="px", source=source, meta=meta,
    )
