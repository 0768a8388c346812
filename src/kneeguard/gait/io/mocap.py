"""Motion-capture markers → pose-like 2D keypoints seen by a virtual camera.

Reads the Fukuchi et al. (2017) running data set (tab-separated marker
exports and .c3d files), rebuilds joint centres from the static calibration
trial with rigid-body cluster transforms, and projects them onto a sagittal
(side) or frontal (rear) camera so the video gait pipeline can be validated
against force-plate events. Lab axes of that data set: X forward (direction
of running), Y up, Z to the runner's right, millimetres.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.interpolate import CubicSpline

from kneeguard.gait.io.files import existing_file, read_tab_table
from kneeguard.gait.keypoints import KeypointSeries

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
        raise ValueError(f"{path.name}: expected a 'Time' column followed by marker X/Y/Z columns")
    coords = list(table.columns[1:])
    if len(coords) % 3 or any(c[-1:] != axis for c, axis in zip(coords, "XYZ" * len(coords))):
        raise ValueError(f"{path.name}: marker columns must come in X, Y, Z triples")
    labels = [c[:-1] for c in coords[::3]]
    values = table[coords].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    xyz = values.reshape(len(table), len(labels), 3)
    if rate is None:
        # The Time column is rounded to 1 ms, so frame-to-frame differences lie; the span does not.
        t = pd.to_numeric(table.iloc[:, 0], errors="coerce").to_numpy(dtype=float)
        span = t[-1] - t[0]
        if not np.isfinite(span) or span <= 0:
            raise ValueError(f"{path.name}: cannot infer the sampling rate from the Time column")
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
            labels = [str(label).strip() for label in reader.point_labels]
            units_param = reader.get("POINT:UNITS")
            units = units_param.string_value.strip().lower() if units_param is not None else "mm"
            for _, points, _ in reader.read_frames():
                xyz = points[:, :3].astype(float)
                xyz[points[:, 3] < 0] = np.nan  # negative residual marks an invalid sample
                frames.append(xyz)
            rate = float(reader.point_rate)
    except (OSError, ValueError, AssertionError, KeyError, IndexError) as exc:
        raise ValueError(f"{path.name}: cannot read as C3D ({exc})") from exc
    if not frames:
        raise ValueError(f"{path.name}: the C3D file has no point frames")
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


# --- virtual camera ----------------------------------------------------------

@dataclass(frozen=True)
class VirtualCamera:
    """A camera looking at the runner: view "side" (sagittal) or "rear" (frontal).

    The camera stands `distance_m` from the runner's mean hip position, at hip height, with its
    optical axis horizontal. `view_height_m` is how many metres of the runner's plane fill the
    frame height, which sets the focal length (2.5 m in a 1080 px frame ≈ 430 px per metre).
    `side` says on which side of the runner a side camera stands: "right" shows the runner
    facing image-right. units="m" gives metres in the image plane (orthographic, y down).
    """

    view: str = "side"
    model: str = "pinhole"
    distance_m: float = 4.0
    frame_size: tuple[int, int] = (1920, 1080)
    view_height_m: float = 2.5
    side: str = "right"
    units: str = "px"

    def __post_init__(self) -> None:
        if self.view not in ("side", "rear"):
            raise ValueError("camera view must be 'side' or 'rear'")
        if self.model not in ("pinhole", "orthographic"):
            raise ValueError("camera model must be 'pinhole' or 'orthographic'")
        if self.side not in ("left", "right"):
            raise ValueError("camera side must be 'left' or 'right'")
        if self.units not in ("px", "m"):
            raise ValueError("camera units must be 'px' or 'm'")
        if self.distance_m <= 0 or self.view_height_m <= 0:
            raise ValueError("camera distance and view height must be positive")

    @property
    def focal_px(self) -> float:
        return self.frame_size[1] * self.distance_m / self.view_height_m

    def basis(self) -> np.ndarray:
        """Rows: image-right, image-down, optical axis, as lab unit vectors."""
        if self.view == "rear":
            return np.array([[0.0, 0, 1], [0, -1, 0], [1, 0, 0]])
        if self.side == "right":
            return np.array([[1.0, 0, 0], [0, -1, 0], [0, 0, -1]])
        return np.array([[-1.0, 0, 0], [0, -1, 0], [0, 0, 1]])

    def project(self, points_mm: np.ndarray, target_mm: np.ndarray) -> np.ndarray:
        """(…, 3) lab millimetres → (…, 2) image coordinates (px or m, y down)."""
        basis = self.basis()
        centre = target_mm / 1000.0 - basis[2] * self.distance_m
        cam = (points_mm / 1000.0 - centre) @ basis.T
        if self.units == "m":
            return cam[..., :2].copy()
        depth = cam[..., 2] if self.model == "pinhole" else np.full(cam.shape[:-1], self.distance_m)
        width, height = self.frame_size
        u = width / 2 + self.focal_px * cam[..., 0] / depth
        v = height / 2 + self.focal_px * cam[..., 1] / depth
        return np.stack([u, v], axis=-1)


# --- keypoint series ----------------------------------------------------------

def project_keypoints(
    centres: dict[str, np.ndarray],
    rate: float,
    camera: VirtualCamera = VirtualCamera(),
    person_height_m: float | None = None,
    source: str = "mocap",
    meta: dict | None = None,
) -> KeypointSeries:
    """Project 3D pseudo-keypoints (name → (frames, 3) mm) into a KeypointSeries."""
    names = list(centres)
    xyz = np.stack([centres[n] for n in names], axis=1)
    hips = [centres[n] for n in names if n.endswith("_hip")]
    target = np.nanmean(np.concatenate(hips), axis=0) if hips else np.nanmean(xyz.reshape(-1, 3), axis=0)
    xy = camera.project(xyz, target)
    visibility = np.isfinite(xy).all(axis=2).astype(float)
    info = {
        "view": camera.view, "treadmill": True, "facing": _facing(camera),
        "camera": {"model": camera.model, "distance_m": camera.distance_m, "side": camera.side,
                   "focal_px": camera.focal_px if camera.units == "px" else None},
        "native_fps": rate,
    }
    if person_height_m:
        info["person_height_m"] = person_height_m
    info.update(meta or {})
    return KeypointSeries(
        names=names, xy=xy, visibility=visibility, fps=rate,
        frame_size=camera.frame_size if camera.units == "px" else (0, 0),
        units=camera.units, source=source, meta=info,
    )


def _facing(camera: VirtualCamera) -> str:
    if camera.view == "rear":
        return "away"
    return camera.side  # the side camera on the runner's right sees them run image-right


def resample(series: KeypointSeries, fps: float, phase_s: float = 0.0) -> KeypointSeries:
    """Sample the trajectories at `fps` as a camera would (cubic spline; `phase_s` shifts the first frame)."""
    if fps <= 0:
        raise ValueError("fps must be positive")
    if abs(fps - series.fps) < 1e-9 and phase_s == 0.0:
        return series
    t_old = series.times
    t_new = np.arange(phase_s, t_old[-1] + 1e-9, 1.0 / fps)
    flat = series.xy.reshape(series.n_frames, -1)
    out = np.full((len(t_new), flat.shape[1]), np.nan)
    for col in range(flat.shape[1]):
        ok = np.isfinite(flat[:, col])
        if ok.sum() >= 4:
            values = CubicSpline(t_old[ok], flat[ok, col], extrapolate=False)(t_new)
            # Never invent data inside a gap: samples that touch a missing source frame stay NaN.
            gap = np.interp(t_new, t_old, (~ok).astype(float)) > 0
            values[gap] = np.nan
            out[:, col] = values
    xy = out.reshape(len(t_new), len(series.names), 2)
    meta = dict(series.meta, resampled_from_fps=series.fps, phase_s=phase_s)
    return KeypointSeries(
        names=list(series.names), xy=xy, visibility=np.isfinite(xy).all(axis=2).astype(float),
        fps=float(fps), frame_size=series.frame_size, units=series.units, source=series.source, meta=meta,
    )


def add_noise(series: KeypointSeries, sigma: float, seed: int = 0) -> KeypointSeries:
    """Independent Gaussian noise (standard deviation `sigma` in the series' units) on every coordinate."""
    if sigma < 0:
        raise ValueError("noise sigma must be ≥ 0")
    rng = np.random.default_rng(seed)
    xy = series.xy + rng.normal(0.0, sigma, size=series.xy.shape) if sigma else series.xy.copy()
    meta = dict(series.meta, noise_sigma=sigma, noise_seed=seed)
    return KeypointSeries(
        names=list(series.names), xy=xy, visibility=series.visibility.copy(), fps=series.fps,
        frame_size=series.frame_size, units=series.units, source=series.source, meta=meta,
    )


def mocap_keypoints(
    trial: MarkerTrial,
    static: MarkerTrial | None = None,
    camera: VirtualCamera = VirtualCamera(),
    fps: float | None = None,
    noise_px: float = 0.0,
    seed: int = 0,
    hip: str = "gtr",
    person_height_m: float | None = None,
) -> KeypointSeries:
    """One call: markers (+ static) → projected, optionally resampled and noisy KeypointSeries."""
    centres = joint_centres(fill_gaps(trial), static, hip=hip)
    series = project_keypoints(
        centres, trial.rate, camera, person_height_m=person_height_m, source=f"mocap:{trial.source}",
        meta={"static_trial": static.source if static is not None else None, "hip_definition": hip},
    )
    if fps is not None:
        series = resample(series, fps)
    if noise_px:
        series = add_noise(series, noise_px, seed)
    return series
