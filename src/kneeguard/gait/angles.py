"""Joint and segment angles from 2D keypoints, in degrees, with one sign convention.

Image coordinates have y pointing DOWN. `direction` is +1 when the runner faces
image-right and -1 when facing image-left; every sagittal angle is computed in
a runner-fixed frame (forward, up), so mirroring the image changes nothing.

Sagittal conventions (side view):
- knee flexion = 180° − hip-knee-ankle angle (0° = straight; negative = hyperextended)
- hip flexion = thigh (hip→knee) relative to the trunk line extended downward; negative = extension
- ankle dorsiflexion = 90° − angle between shank (ankle→knee) and foot (heel→toe)
- foot angle = heel→toe line vs horizontal, positive = toe up (heel-first landing)
- shank angle = knee→ankle from vertical, positive = ankle ahead of knee
- trunk lean = mid-hip→mid-shoulder from vertical, positive = forward
Frontal conventions (rear/front view): pelvic obliquity and knee FPPA, see below.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kneeguard.gait.keypoints import KeypointSeries

SIDES = ("left", "right")


def _forward_up(vec: np.ndarray, direction: int) -> tuple[np.ndarray, np.ndarray]:
    """Image vector(s) (..., 2) as (forward, up) components."""
    return direction * vec[..., 0], -vec[..., 1]


def _angle_from_vertical_down(vec: np.ndarray, direction: int) -> np.ndarray:
    """Angle of a downward-pointing segment from straight down; positive = lower end ahead."""
    fwd, up = _forward_up(vec, direction)
    return np.degrees(np.arctan2(fwd, -up))


def included_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at b between b→a and b→c in degrees (0..180), per frame."""
    u, v = a - b, c - b
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def knee_flexion(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, direction: int) -> np.ndarray:
    """180° − included angle; negative when the knee bends backward (knee behind the hip-ankle line)."""
    flex = 180.0 - included_angle(hip, knee, ankle)
    # the knee joint lies ahead of the hip-ankle line when flexed
    thigh, shank = knee - hip, ankle - knee
    f1, u1 = _forward_up(thigh, direction)
    f2, u2 = _forward_up(shank, direction)
    cross = f1 * u2 - u1 * f2  # <0: the shank turns backward relative to the thigh (normal flexion)
    return np.where(cross > 0, -flex, flex)


def hip_flexion(shoulder_mid: np.ndarray, hip: np.ndarray, knee: np.ndarray, direction: int) -> np.ndarray:
    """Thigh angle relative to the downward trunk line; positive = knee ahead (flexion)."""
    trunk_down = _angle_from_vertical_down(hip - shoulder_mid, direction)
    thigh = _angle_from_vertical_down(knee - hip, direction)
    return thigh - trunk_down


def foot_angle(heel: np.ndarray, toe: np.ndarray, direction: int) -> np.ndarray:
    """Heel→toe line vs horizontal; positive = toe up."""
    fwd, up = _forward_up(toe - heel, direction)
    return np.degrees(np.arctan2(up, fwd))


def ankle_dorsiflexion(knee: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    """90° − angle between shank (ankle→knee) and foot (heel→toe); 0 when standing."""
    u, v = knee - ankle, toe - heel
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return 90.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def shank_angle(knee: np.ndarray, ankle: np.ndarray, direction: int) -> np.ndarray:
    """Knee→ankle from vertical; positive = ankle ahead of knee."""
    return _angle_from_vertical_down(ankle - knee, direction)


def trunk_lean(hip_mid: np.ndarray, shoulder_mid: np.ndarray, direction: int) -> np.ndarray:
    """Mid-hip→mid-shoulder from vertical; positive = leaning forward."""
    fwd, up = _forward_up(shoulder_mid - hip_mid, direction)
    return np.degrees(np.arctan2(fwd, up))


def pelvic_obliquity(series: KeypointSeries) -> np.ndarray:
    """Frontal view: angle of the hip line vs horizontal; positive = LEFT hip lower (image y down)."""
    lh, rh = series.point("left_hip"), series.point("right_hip")
    dx = np.abs(lh[:, 0] - rh[:, 0])
    return np.degrees(np.arctan2(lh[:, 1] - rh[:, 1], dx))


def knee_fppa(series: KeypointSeries, side: str) -> np.ndarray:
    """Frontal-plane projection angle: 180° − hip-knee-ankle angle, positive = knee medial (valgus).

    Medial means toward the pelvis midline, so the sign does not depend on
    whether the camera is behind or in front of the runner.
    """
    hip, knee, ankle = (series.point(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
    mid_x = 0.5 * (series.point("left_hip")[:, 0] + series.point("right_hip")[:, 0])
    dev = 180.0 - included_angle(hip, knee, ankle)
    dy = ankle[:, 1] - hip[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (knee[:, 1] - hip[:, 1]) / dy
    line_x = hip[:, 0] + t * (ankle[:, 0] - hip[:, 0])
    medial = np.sign(mid_x - hip[:, 0])
    sign = np.where(np.sign(knee[:, 0] - line_x) == medial, 1.0, -1.0)
    return sign * dev


def _mid(series: KeypointSeries, part: str) -> np.ndarray:
    pts = np.stack([series.point(f"left_{part}"), series.point(f"right_{part}")])
    # mean of the sides, or the one that is present
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(pts, axis=0)


def running_direction(series: KeypointSeries) -> int:
    """+1 if the runner faces image-right, -1 if image-left, from votes of three cues.

    Cues: toes ahead of heels; the knee ahead of the hip-ankle line (knees bend
    forward); the nose ahead of the shoulders. Each votes with the sign of its
    median; the feet and knees count double because they are the most reliable.
    """
    votes = 0.0
    for side in SIDES:
        heel, toe = series.point(f"{side}_heel"), series.point(f"{side}_toe")
        d = toe[:, 0] - heel[:, 0]
        if np.isfinite(d).sum() > 10:
            votes += 2 * np.sign(np.nanmedian(d))
        hip, knee, ankle = (series.point(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
        dy = ankle[:, 1] - hip[:, 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            line_x = hip[:, 0] + (knee[:, 1] - hip[:, 1]) / dy * (ankle[:, 0] - hip[:, 0])
        off = knee[:, 0] - line_x
        if np.isfinite(off).sum() > 10:
            votes += 2 * np.sign(np.nanmedian(off))
    nose_off = series.point("nose")[:, 0] - _mid(series, "shoulder")[:, 0]
    if np.isfinite(nose_off).sum() > 10:
        votes += np.sign(np.nanmedian(nose_off))
    return 1 if votes >= 0 else -1


def sagittal_angles(series: KeypointSeries, direction: int) -> pd.DataFrame:
    """Per-frame side-view angles (degrees): knee/hip/ankle/shank/foot per side, trunk lean."""
    sh, hp = _mid(series, "shoulder"), _mid(series, "hip")
    cols: dict[str, np.ndarray] = {"time_s": series.times}
    for side in SIDES:
        hip, knee, ankle, heel, toe = (series.point(f"{side}_{p}") for p in ("hip", "knee", "ankle", "heel", "toe"))
        cols[f"knee_{side}"] = knee_flexion(hip, knee, ankle, direction)
        cols[f"hip_{side}"] = hip_flexion(sh, hip, knee, direction)
        cols[f"ankle_{side}"] = ankle_dorsiflexion(knee, ankle, heel, toe)
        cols[f"shank_{side}"] = shank_angle(knee, ankle, direction)
        cols[f"foot_{side}"] = foot_angle(heel, toe, direction)
    cols["trunk"] = trunk_lean(hp, sh, direction)
    return pd.DataFrame(cols)


def frontal_angles(series: KeypointSeries) -> pd.DataFrame:
    """Per-frame rear/front-view angles: pelvic obliquity and knee FPPA per side."""
    cols: dict[str, np.ndarray] = {"time_s": series.times, "pelvis_obliquity": pelvic_obliquity(series)}
    for side in SIDES:
        cols[f"fppa_{side}"] = knee_fppa(series, side)
    return pd.DataFrame(cols)
