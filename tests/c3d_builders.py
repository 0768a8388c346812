"""Write C3D files with force platforms at test time (the `c3d` package), by the C3D standard.

Geometry is the Fukuchi lab's treadmill plate as its static trial describes it (RBDS001static.c3d):
corners in the lab (X forward, Y up, Z right, mm), plate x̂ = −Z, ŷ = +X, ẑ = −Y (down), and
ORIGIN (−243, 900, −15) from the sensor origin to the surface centre, in plate axes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import c3d
import numpy as np

FUKUCHI_CORNERS = np.array([[3049.0, 0.0, 733.7], [3049.0, 0.0, 1219.7], [1249.0, 0.0, 1219.7], [1249.0, 0.0, 733.7]])
FUKUCHI_ORIGIN = np.array([-243.0, 900.0, -15.0])


@dataclass
class PlateSpec:
    """One plate to write: its type, geometry, and what it carries (lab-frame ground reaction)."""

    type: int
    corners: np.ndarray = field(default_factory=lambda: FUKUCHI_CORNERS.copy())
    origin: np.ndarray = field(default_factory=lambda: FUKUCHI_ORIGIN.copy())
    cal_matrix: np.ndarray | None = None  # type 4: signals = inv(CAL) · [F; M]
    stores_reaction: bool = False  # True: channels hold the reaction (as the Fukuchi amplifier does)

    def axes(self) -> np.ndarray:
        x = self.corners[0] - self.corners[1]
        x = x / np.linalg.norm(x)
        z = np.cross(x, self.corners[0] - self.corners[3])
        z = z / np.linalg.norm(z)
        return np.column_stack([x, np.cross(z, x), z])

    def sensor_origin(self) -> np.ndarray:
        return self.corners.mean(axis=0) - self.axes() @ self.origin

    def signals(self, grf: np.ndarray, moment: np.ndarray) -> np.ndarray:
        """(6, samples) channel values for a ground reaction `grf` (N) with `moment` about the lab origin (N·mm)."""
        rot = self.axes()
        load, load_moment = -grf, -moment  # what the runner puts on the plate
        about_sensor = load_moment - np.cross(self.sensor_origin(), load)
        wrench = np.hstack([load @ rot, about_sensor @ rot])
        if self.stores_reaction:
            wrench = -wrench
        if self.type == 4:
            wrench = wrench @ np.linalg.inv(self.cal_matrix).T
        return wrench.T


def wrench_from_text(forces) -> tuple[np.ndarray, np.ndarray]:
    """Ground reaction (N) and its moment about the lab origin (N·mm) from a Fukuchi force table."""
    grf = forces[["Fx", "Fy", "Fz"]].to_numpy(dtype=float)
    cop = np.nan_to_num(forces[["COPx", "COPy", "COPz"]].to_numpy(dtype=float))
    free = np.column_stack([np.zeros(len(grf)), np.nan_to_num(forces["Ty"].to_numpy(dtype=float)), np.zeros(len(grf))])
    return grf, np.cross(cop, grf) + free


def write_c3d(
    path: Path,
    channels: np.ndarray,  # (n_channels, analog samples) in physical units (after scale/offset)
    analog_per_frame: int = 2,
    point_rate: float = 150.0,
    markers: np.ndarray | None = None,  # (frames, n_markers, 3) mm, NaN = missing
    marker_labels: list[str] | None = None,
    analog_labels: list[str] | None = None,
    scales: np.ndarray | None = None,
    gen_scale: float = 1.0,
    offsets: np.ndarray | None = None,
    platform: dict | None = None,  # FORCE_PLATFORM parameters: USED, TYPE, CHANNEL, CORNERS, ORIGIN, CAL_MATRIX
) -> Path:
    n_channels, n_samples = channels.shape
    frames = n_samples // analog_per_frame
    writer = c3d.Writer(point_rate=point_rate, analog_rate=point_rate * analog_per_frame, gen_scale=gen_scale)
    if markers is None:
        markers = np.zeros((frames, 1, 3))
        marker_labels = ["dummy"]
    writer.set_point_labels(marker_labels)
    writer.set_analog_labels(analog_labels or [f"A{i + 1}" for i in range(n_channels)])
    if scales is not None:
        writer.set_analog_scales(scales)
    if offsets is not None:
        writer.set_analog_offsets(offsets)
    if platform is not None:
        _add_platform_group(writer, **platform)
    for f in range(frames):
        xyz = markers[f]
        points = np.zeros((len(xyz), 5), dtype=np.float32)
        valid = np.isfinite(xyz).all(axis=1)
        points[valid, :3] = xyz[valid]
        points[~valid, 3] = -1
        writer.add_frames([(points, channels[:, f * analog_per_frame:(f + 1) * analog_per_frame])])
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _add_platform_group(writer, used: int, types, channel, corners, origin, cal_matrix=None) -> None:
    """Parameters stored by column (Fortran order), as the standard lays out multi-dimensional arrays."""
    group = writer.add_group(5, "FORCE_PLATFORM", "Force platforms")
    group.add("USED", "Number of plates", 2, "<h", used)
    _fortran(group, "TYPE", np.asarray(types, dtype=np.int16))
    _fortran(group, "CHANNEL", np.asarray(channel, dtype=np.int16).T)  # (channels per plate, plates)
    _fortran(group, "CORNERS", np.transpose(np.asarray(corners, dtype=np.float32), (2, 1, 0)))  # (3, 4, plates)
    _fortran(group, "ORIGIN", np.asarray(origin, dtype=np.float32).T)  # (3, plates)
    if cal_matrix is not None:
        _fortran(group, "CAL_MATRIX", np.transpose(np.asarray(cal_matrix, dtype=np.float32), (1, 2, 0)))  # (6, 6, plates)


def _fortran(group, name: str, array: np.ndarray) -> None:
    group.add_param(name, desc=name, bytes_per_element=array.dtype.itemsize,
                    bytes=np.asfortranarray(array).tobytes(order="F"), dimensions=list(array.shape))
