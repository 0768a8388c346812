"""The one keypoint schema every pose backend and loader produces.

Coordinates are image-style: x to the right, y DOWN, in pixels (or metres
when `units == "m"`, e.g. projected motion capture). Missing points are NaN.
Names follow the canonical list below; a source may provide a subset.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kneeguard.errors import InvalidInput

CANONICAL_NAMES: tuple[str, ...] = (
    "nose",
    "left_shoulder", "right_shoulder",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_toe", "right_toe",  # big toe / foot index
)


class GaitError(InvalidInput):
    """The video or keypoints cannot give a trustworthy running analysis; the message says why."""


@dataclass
class KeypointSeries:
    names: list[str]
    xy: np.ndarray  # (frames, len(names), 2) float, NaN where missing
    visibility: np.ndarray  # (frames, len(names)) in 0..1
    fps: float  # effective frames per second of real time (slow motion already accounted for)
    frame_size: tuple[int, int] = (0, 0)  # (width, height) in pixels; (0, 0) when not from an image
    units: str = "px"  # "px" or "m"
    source: str = ""
    meta: dict = field(default_factory=dict)  # e.g. {"view": "side", "treadmill": True, "person_height_m": 1.81}

    def __post_init__(self) -> None:
        self.xy = np.asarray(self.xy, dtype=float)
        self.visibility = np.asarray(self.visibility, dtype=float)
        if self.xy.ndim != 3 or self.xy.shape[1:] != (len(self.names), 2):
            raise ValueError(f"xy must be (frames, {len(self.names)}, 2), got {self.xy.shape}")
        if self.visibility.shape != self.xy.shape[:2]:
            raise ValueError("visibility must be (frames, keypoints)")
        if not self.fps or self.fps <= 0:
            raise ValueError("fps must be positive")

    @property
    def n_frames(self) -> int:
        return self.xy.shape[0]

    @property
    def times(self) -> np.ndarray:
        return np.arange(self.n_frames) / self.fps

    def point(self, name: str) -> np.ndarray:
        """(frames, 2) coordinates of one keypoint; all-NaN when the source lacks it."""
        if name not in self.names:
            return np.full((self.n_frames, 2), np.nan)
        return self.xy[:, self.names.index(name), :]

    def has(self, name: str) -> bool:
        return name in self.names and bool(np.isfinite(self.point(name)).any())
