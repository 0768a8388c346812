"""Joint centres from motion capture seen by a virtual camera, as the video pipeline would see them.

Projects `io/mocap.py`'s joint centres onto a sagittal (side) or frontal (rear)
camera, resamples to a phone's frame rate and adds pose-like noise, so the video
gait pipeline can be validated against force-plate events.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from kneeguard.gait.io.mocap import MarkerTrial, fill_gaps, joint_centres
from kneeguard.gait.keypoints import KeypointSeries


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
