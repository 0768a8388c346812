"""Keypoint and motion-capture file formats: read into, or write from, a KeypointSeries."""
from __future__ import annotations

from kneeguard.gait.io.halpe26 import read_halpe26
from kneeguard.gait.io.mot import read_mot, write_mot
from kneeguard.gait.io.schema_json import KeypointFileError, read_keypoints_json, write_keypoints_json
from kneeguard.gait.io.trc import estimate_metres_per_px, read_trc, write_trc

__all__ = [
    "KeypointFileError", "estimate_metres_per_px", "read_halpe26", "read_keypoints_json", "read_mot",
    "read_trc", "write_keypoints_json", "write_mot", "write_trc",
]
