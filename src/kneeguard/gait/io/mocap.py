"""Motion-capture markers → 3D joint centres (pseudo-keypoints).

Reads the Fukuchi et al. (2017) running data set (tab-separated marker
exports and .c3d files) and rebuilds joint centres from the static calibration
trial with rigid-body cluster transforms; `gait/validation/virtual_camera.py`
projects them onto a camera. Lab axes of that data set: X forward (direction
of running), Y up, Z to the runner's right, millimetres.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kneeguard.errors import InvalidInput
from kneeguard.gait.io.files import C3D_READ_ERRORS, existing_file, read_tab_table, unreadable_c3d

MOCAP_NAMES: tuple[str, ...] = (
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_toe", "right_toe",
)
PELVIS = ("R.ASIS", "L.ASIS", "R.PSIS", "L.PSIS", "R.Iliac.Crest", "L.Iliac.Crest")
_SIDES = {"left": "L", "right": "R"}


@dataclass
class MarkerTrial:
    """3D marker trajectories, (frames, markers, 3) in millimetres, NaN where missing."""

    labels: list[str]
    xyz: np.ndarray
    rate: float
    source: str = ""

    def __post_init__(self) -> None:
        self.xyz = np.asarray(self.xyz, dtype=float)
        if self.xyz.ndim != 3 or self.xyz.shape[1:] != (len(self.labels), 3):
            raise ValueError(f"marker array must be (frames, {len(self.labels)}, 3), got {self.xyz.shape}")
        if not self.rate or self.rate <= 0:
            raise ValueError("marker rate must be positive")

    @property
    def n_frames(self) -> int:
        return self.xyz.shape[0]

    @property
    def times(self) -> np.ndarray:
        return np.arange(self.n_frames) / self.rate

    def has(self, label: str) -> bool:
        return label in self.labels

    def marker(self, label: str) -> np.ndarray:
        """(frames, 3) trajectory of one marker; KeyError names the missing marker."""
        if label not in self.labels:
            raise KeyError(f"marker {label!r} is not in {self.source or 'the trial'}")
        return self.xyz[:, self.labels.index(label), :]

    def mean_position(self, label: str) -> np.ndarray:
        return np.nanmean(self.marker(label), axis=0)


def read_markers(path: str | Path, rate: float | None = None) -> MarkerTrial:
    """Read a marker trial from a Fukuchi-style .txt export or a .c3d file (by suffix)."""
    path = existing_file(path, "marker file")
    if path.suffix.lower() == ".c3d":
        return read_c3d(path)
    return read_marker_txt(path, rate=rate)


def read_marker_txt(path: str | Path, rate: float | None = None) -> MarkerTrial:
    """Tab-separated `Time` + `<marker>X <marker>Y <marker>Z` columns, millimetres."""
    path = Path(path)
    table = read_tab_table(path, "marker file", "marker export")
    if not table.columns.size or table.columns[0].lower() != "time" or len(table) < 2:
        raise InvalidInput(f"{path.name}: expected a 'Time' column followed by marker X/Y/Z columns")
    coords = list(table.columns[1:])
    if len(coords) % 3 or any(c[-1:] != axis for c, axis in zip(coords, "XYZ" * len(coords))):
        raise InvalidInput(f"{path.name}: marker columns must come in X, Y, Z triples")
    labels = [c[:-1] for c in coords[::3]]
    values = table[coords].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    xyz = values.reshape(len(table), len(labels), 3)
    if rate is None:
        # The Time column is rounded to 1 ms, so frame-to-frame differences lie; the span does not.
        t = pd.to_numeric(table.iloc[:, 0], errors="coerce").to_numpy(dtype=float)
        span = t[-1] - t[0]
        if not np.isfinite(span) or span <= 0:
            raise InvalidInput(f"{path.name}: cannot infer the sampling rate from the Time column")
        rate = (len(t) - 1) / span
        if abs(rate - round(rate)) < 0.005 * rate:
            rate = float(round(rate))
    return MarkerTrial(labels=labels, xyz=xyz, rate=float(rate), source=path.name)


def read_c3d(path: str | Path) -> MarkerTrial:
    """Markers from a .c3d file with the `c3d` package; converted to millimetres."""
    import warnings

    import c3d

    path = Path(path)
    frames = []
    try:
        with path.open("rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no analog data" is normal for marker-only files
            reader = c3d.Reader(handle)
            if reader.get("POINT:LABELS") is None:  # c3d's point_labels would fail on None
                raise InvalidInput(f"{path.name}: the C3D file has no point labels")
            labels = [str(label).strip() for label in reader.point_labels]
            units_param = reader.get("POINT:UNITS")
            units = units_param.string_value.strip().lower() if units_param is not None else "mm"
            for _, points, _ in reader.read_frames():
                xyz = points[:, :3].astype(float)
                xyz[points[:, 3] < 0] = np.nan  # negative residual marks an invalid sample
                frames.append(xyz)
            rate = float(reader.point_rate)
    except C3D_READ_ERRORS as exc:
        raise unreadable_c3d(path, exc) from exc
    if not frames:
        raise InvalidInput(f"{path.name}: the C3D file has no point frames")
    scale = {"mm": 1.0, "m": 1000.0, "cm": 10.0}.get(units, 1.0)
    return MarkerTrial(labels=labels, xyz=np.stack(frames) * scale, rate=rate, source=path.name)


def fill_gaps(trial: MarkerTrial, max_gap_frames: int = 10) -> MarkerTrial:
    """Linearly bridge short marker dropouts (≤ `max_gap_frames`); longer gaps stay NaN."""
    xyz = trial.xyz.copy()
    frames = np.arange(trial.n_frames)
    for m in range(xyz.shape[1]):
        missing = ~np.isfinite(xyz[:, m]).all(axis=1)
        if not missing.any() or missing.all():
            continue
        run_id = np.cumsum(np.diff(np.concatenate([[0], missing.astype(int)])) == 1) * missing
        short = missing & (np.bincount(run_id)[run_id] <= max_gap_frames)
        for axis in range(3):
            xyz[short, m, axis] = np.interp(frames[short], frames[~missing], xyz[~missing, m, axis])
    return MarkerTrial(labels=list(trial.labels), xyz=xyz, rate=trial.rate, source=trial.source)


# --- joint centres -----------------------------------------------------------

def rigid_transforms(reference: np.ndarray, moving: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares rotation R (frames,3,3) and translation t (frames,3) with moving ≈ R·reference + t.

    reference: (n, 3) cluster in the static trial; moving: (frames, n, 3).
    Frames with fewer than three finite markers get NaN (Kabsch/Söderkvist SVD fit).
    """
    frames = moving.shape[0]
    rot = np.full((frames, 3, 3), np.nan)
    trans = np.full((frames, 3), np.nan)
    valid = np.isfinite(moving).all(axis=2) & np.isfinite(reference).all(axis=1)
    for pattern in {tuple(row) for row in valid}:
        mask = np.array(pattern, dtype=bool)
        if mask.sum() < 3:
            continue
        idx = np.flatnonzero((valid == mask).all(axis=1))
        ref = reference[mask]
        mov = moving[idx][:, mask]
        ref_c = ref.mean(axis=0)
        mov_c = mov.mean(axis=1)
        cov = np.einsum("ni,fnj->fij", ref - ref_c, mov - mov_c[:, None, :])
        u, _, vt = np.linalg.svd(cov)
        det = np.sign(np.linalg.det(np.einsum("fji,fkj->fik", vt, u)))
        fix = np.tile(np.eye(3), (len(idx), 1, 1))
        fix[:, 2, 2] = det  # keep a proper rotation, never a reflection
        r = np.einsum("fji,fjk,flk->fil", vt, fix, u)
        rot[idx] = r
        trans[idx] = mov_c - np.einsum("fij,j->fi", r, ref_c)
    return rot, trans


def carry_point(static: MarkerTrial, trial: MarkerTrial, cluster: list[str], point: np.ndarray) -> np.ndarray:
    """Trajectory (frames, 3) of a static-trial point rigidly attached to a marker cluster."""
    reference = np.stack([static.mean_position(m) for m in cluster])
    moving = np.stack([trial.marker(m) for m in cluster], axis=1)
    rot, trans = rigid_transforms(reference, moving)
    return np.einsum("fij,j->fi", rot, point) + trans


def _cluster(trial: MarkerTrial, side: str, segment: str) -> list[str]:
    s = _SIDES[side]
    return [f"{s}.{segment}.{a}.{b}" for a in ("Top", "Bottom") for b in ("Lateral", "Medial")
            if trial.has(f"{s}.{segment}.{a}.{b}")]


def pelvis_hip_centre(trial: MarkerTrial, side: str) -> np.ndarray:
    """Hip joint centre from the pelvis markers (Harrington et al. 2007 regression), (frames, 3) mm."""
    rasis, lasis = trial.marker("R.ASIS"), trial.marker("L.ASIS")
    mid_asis = (rasis + lasis) / 2
    mid_psis = (trial.marker("R.PSIS") + trial.marker("L.PSIS")) / 2
    lateral = rasis - lasis  # towards the right
    width = np.linalg.norm(lateral, axis=1, keepdims=True)
    z = lateral / width
    forward = mid_asis - mid_psis
    depth = np.linalg.norm(forward, axis=1, keepdims=True)
    x = forward - np.sum(forward * z, axis=1, keepdims=True) * z
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.cross(z, x)  # up
    sign = 1.0 if side == "right" else -1.0
    return (mid_asis + (-0.24 * depth - 9.9) * x + (-0.30 * width - 10.9) * y
            + sign * (0.33 * width + 7.3) * z)


def joint_centres(trial: MarkerTrial, static: MarkerTrial | None = None, hip: str = "gtr") -> dict[str, np.ndarray]:
    """Pseudo-keypoints in 3D (name → (frames, 3) mm) for the canonical lower-body names.

    With a static trial: hip = greater trochanter carried by the thigh cluster (hip="gtr") or the
    pelvis-regression hip centre (hip="pelvis"); knee = epicondyle midpoint carried by the thigh
    and the shank clusters (averaged: the joint is shared by both); ankle = malleoli midpoint carried
    by the shank cluster. Without one (documented approximation): hip from the pelvis regression,
    knee = centroid of the distal-thigh and proximal-shank cluster markers, ankle = midpoint of the
    distal-shank markers and the heel-top marker. Heel = Heel.Bottom, toe = MT1 in both cases.
    """
    if hip not in ("gtr", "pelvis"):
        raise ValueError("hip must be 'gtr' or 'pelvis'")
    out: dict[str, np.ndarray] = {}
    for side, s in _SIDES.items():
        thigh, shank = _cluster(trial, side, "Thigh"), _cluster(trial, side, "Shank")
        if static is not None:
            epicondyles = (static.mean_position(f"{s}.Knee") + static.mean_position(f"{s}.Knee.Medial")) / 2
            malleoli = (static.mean_position(f"{s}.Ankle") + static.mean_position(f"{s}.Ankle.Medial")) / 2
            knee_by_thigh = carry_point(static, trial, thigh, epicondyles)
            knee_by_shank = carry_point(static, trial, shank, epicondyles)
            out[f"{side}_knee"] = (knee_by_thigh + knee_by_shank) / 2
            out[f"{side}_ankle"] = carry_point(static, trial, shank, malleoli)
            if hip == "gtr":
                out[f"{side}_hip"] = carry_point(static, trial, thigh, static.mean_position(f"{s}.GTR"))
            else:
                out[f"{side}_hip"] = pelvis_hip_centre(trial, side)
        else:
            distal_thigh = [m for m in thigh if ".Bottom." in m]
            proximal_shank = [m for m in shank if ".Top." in m]
            distal_shank = [m for m in shank if ".Bottom." in m]
            out[f"{side}_hip"] = pelvis_hip_centre(trial, side)
            out[f"{side}_knee"] = np.mean([trial.marker(m) for m in distal_thigh + proximal_shank], axis=0)
            shank_end = np.mean([trial.marker(m) for m in distal_shank], axis=0)
            out[f"{side}_ankle"] = (shank_end + trial.marker(f"{s}.Heel.Top")) / 2
        out[f"{side}_heel"] = trial.marker(f"{s}.Heel.Bottom")
        out[f"{side}_toe"] = trial.marker(f"{s}.MT1")
    return {name: out[name] for name in MOCAP_NAMES}
