"""A runner rebuilt from the authors' time-normalised curves, for speeds that have no marker trial.

The Fukuchi data set ships markers and forces for RBDS001 at 2.5 m/s only, but its processed file holds
the ensemble-mean sagittal hip, knee and ankle angles and the ground-reaction force over one gait cycle
at 2.5, 3.5 and 4.5 m/s. A planar linkage driven by those angles, with segment lengths and the foot's and
trochanter's offsets from the static trial, gives pose-like keypoints the video pipeline can run on, and
the same file's vertical force gives the truth. It is a proxy (one averaged stride repeated, planar, Visual3D
angles instead of the marker geometry), so it is checked at 2.5 m/s against the real marker trial before its
faster speeds are trusted (docs/validation.md, issue 15's fourth pass; `scripts/validate_speeds.py`). It
**failed** that check (TO biases 1.6-2.6 frames off at 150 fps; stride time 16.5 % short): the authors' force
curve ends later than the plate's 20 N, and with the hip held still the stance foot does not move at belt speed.
Do not quote its faster speeds as validation until a corrected version passes.

Angles here are sagittal rotations about the lab's Z axis (to the runner's right), measured from a segment
pointing straight down, positive when its distal end swings forward (X forward, Y up, as in `io.mocap`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.interpolate import CubicSpline

from kneeguard.gait.io.mocap import MOCAP_NAMES, MarkerTrial, fill_gaps, pelvis_hip_centre
from kneeguard.gait.keypoints import KeypointSeries
from kneeguard.gait.validation.virtual_camera import VirtualCamera, project_keypoints

GRAVITY_MM_S2 = 9810.0
SIDES = {"right": "R", "left": "L"}


def segment_angle(proximal: np.ndarray, distal: np.ndarray) -> np.ndarray:
    """Sagittal angle (°) of the proximal→distal vector: 0 = pointing down, positive = distal end forward."""
    d = distal - proximal
    return np.degrees(np.arctan2(d[..., 0], -d[..., 1]))


def rotate(vector: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """Rotate (x, y) offsets by `degrees` (positive = towards the runner's front when pointing down)."""
    a = np.radians(degrees)[..., None]
    x, y = vector[..., 0:1], vector[..., 1:2]
    return np.concatenate([x * np.cos(a) - y * np.sin(a), x * np.sin(a) + y * np.cos(a)], axis=-1)


@dataclass(frozen=True)
class LegGeometry:
    """One leg's sagittal geometry from the static trial (mm), joint centres as `io.mocap` defines them."""

    thigh_mm: float  # hip joint centre (pelvis regression) → knee (epicondyle midpoint)
    shank_mm: float  # knee → ankle (malleoli midpoint)
    thigh_static_deg: float  # the segments' angles while standing: the neutral the offsets belong to
    shank_static_deg: float
    gtr_from_knee: np.ndarray  # (2,) greater trochanter relative to the knee, standing
    heel_from_ankle: np.ndarray  # (2,) Heel.Bottom relative to the ankle, standing
    toe_from_ankle: np.ndarray  # (2,) MT1 relative to the ankle, standing
    lateral_mm: dict[str, float]  # each keypoint's Z relative to the mid-hip, standing (depth for the camera)


def leg_geometry(static: MarkerTrial) -> dict[str, LegGeometry]:
    """Both legs' geometry from the static trial (its mean over frames)."""
    static = fill_gaps(static)
    hjc = {side: np.nanmean(pelvis_hip_centre(static, side), axis=0) for side in SIDES}
    mid_hip_z = (hjc["right"][2] + hjc["left"][2]) / 2
    out = {}
    for side, s in SIDES.items():
        pos = static.mean_position
        knee = (pos(f"{s}.Knee") + pos(f"{s}.Knee.Medial")) / 2
        ankle = (pos(f"{s}.Ankle") + pos(f"{s}.Ankle.Medial")) / 2
        points = {"hip": pos(f"{s}.GTR"), "hjc": hjc[side], "knee": knee, "ankle": ankle,
                  "heel": pos(f"{s}.Heel.Bottom"), "toe": pos(f"{s}.MT1")}
        out[side] = LegGeometry(
            thigh_mm=float(np.linalg.norm((knee - hjc[side])[:2])),
            shank_mm=float(np.linalg.norm((ankle - knee)[:2])),
            thigh_static_deg=float(segment_angle(hjc[side][:2], knee[:2])),
            shank_static_deg=float(segment_angle(knee[:2], ankle[:2])),
            gtr_from_knee=(points["hip"] - knee)[:2], heel_from_ankle=(points["heel"] - ankle)[:2],
            toe_from_ankle=(points["toe"] - ankle)[:2],
            lateral_mm={name: float(p[2] - mid_hip_z) for name, p in points.items()},
        )
    return out


def pelvis_tilt_deg(trial: MarkerTrial) -> float:
    """Mean anterior tilt (°) of the PSIS→ASIS line in the sagittal plane (ASIS below PSIS = positive).

    The processed file has no pelvis angle; the hip angle is the thigh relative to the pelvis, so the thigh's
    angle in space needs the tilt. This mean over the 2.5 m/s trial is used as a constant at every speed.
    """
    trial = fill_gaps(trial)
    asis = (trial.marker("R.ASIS") + trial.marker("L.ASIS")) / 2
    psis = (trial.marker("R.PSIS") + trial.marker("L.PSIS")) / 2
    d = asis - psis
    return float(np.nanmean(np.degrees(np.arctan2(-d[:, 1], d[:, 0]))))


def left_phase(contacts: pd.DataFrame) -> float:
    """Median delay of a left IC after the preceding right IC, as a fraction of that right stride."""
    right = np.sort(contacts.loc[contacts["side"] == "right", "ic_time_s"].to_numpy())
    left = contacts.loc[contacts["side"] == "left", "ic_time_s"].to_numpy()
    phases = []
    for a, b in zip(right[:-1], right[1:]):
        inside = left[(left > a) & (left < b)]
        if len(inside) == 1:
            phases.append((inside[0] - a) / (b - a))
    return float(np.median(phases))


@dataclass(frozen=True)
class SideCurves:
    """One side's cycle at one speed: angles as periodic splines of the cycle fraction, and its truth."""

    hip: CubicSpline  # hip flexion (°), Visual3D Z
    knee: CubicSpline  # knee flexion (°)
    ankle: CubicSpline  # ankle dorsiflexion (°)
    to_fraction: float  # truth toe-off, fraction of the cycle (vertical GRF below the threshold)


def side_curves(table: pd.DataFrame, speed: str, side: str, mass_kg: float, threshold_n: float) -> SideCurves:
    """Splines through rows 0..100 (row 100 set to row 0: the cycle is periodic) and the force truth."""
    s = SIDES[side]
    phase = np.arange(len(table)) / (len(table) - 1)

    def periodic(column: str) -> CubicSpline:
        y = table[f"{s}{column}{speed}"].to_numpy(dtype=float).copy()
        y[-1] = y[0]  # rows 0 and 100 differ by < 0.1° (ensemble means); the spline needs them equal
        return CubicSpline(phase, y, bc_type="periodic")

    # GRF is in N/kg (peak ≈ 22 N/kg × 62 kg ≈ the plate's 1355 N); rows after stance are blank = no force.
    force = np.nan_to_num(table[f"{s}grfY{speed}"].to_numpy(dtype=float), nan=0.0) * mass_kg
    above = np.flatnonzero(force > threshold_n)
    if not len(above) or above[0] != 0:
        raise ValueError(f"{side} {speed}: no ground-reaction force above {threshold_n:g} N at row 0 (IC)")
    gaps = np.flatnonzero(np.diff(above) > 1)
    last = int(above[gaps[0]] if len(gaps) else above[-1])  # the end of the contact that starts at row 0
    to_row = last + (force[last] - threshold_n) / (force[last] - force[last + 1])
    return SideCurves(periodic("hipAngZ"), periodic("kneeAngZ"), periodic("ankleAngZ"), to_row / (len(table) - 1))


def _pointing(degrees: np.ndarray) -> np.ndarray:
    """Unit vectors (…, 2) of segments at `degrees` from pointing down (positive = distal end forward)."""
    a = np.radians(degrees)
    return np.stack([np.sin(a), -np.cos(a)], axis=-1)


def leg_points(geometry: LegGeometry, curves: SideCurves, phase: np.ndarray, tilt_deg: float) -> dict[str, np.ndarray]:
    """Sagittal keypoints (…, 2) mm relative to the hip joint centre at cycle fractions `phase`."""
    thigh = curves.hip(phase) - tilt_deg  # the hip angle is relative to the pelvis, tilted forward by tilt_deg
    shank = thigh - curves.knee(phase)  # knee flexion swings the shank backward relative to the thigh
    foot_turn = shank + curves.ankle(phase) - geometry.shank_static_deg  # ankle 0 = the standing foot
    knee = geometry.thigh_mm * _pointing(thigh)
    ankle = knee + geometry.shank_mm * _pointing(shank)
    return {
        "hjc": np.zeros_like(knee),
        "hip": knee + rotate(geometry.gtr_from_knee, thigh - geometry.thigh_static_deg),
        "knee": knee, "ankle": ankle,
        "heel": ankle + rotate(geometry.heel_from_ankle, foot_turn),
        "toe": ankle + rotate(geometry.toe_from_ankle, foot_turn),
    }


@dataclass(frozen=True)
class RunnerTrial:
    """What the curve runner produced for one speed: keypoints, the force truth and the numbers behind them."""

    series: KeypointSeries
    contacts: pd.DataFrame  # side, ic_time_s, to_time_s, contact_time_s (the truth)
    speed_m_s: float
    stride_s: float
    stance_fraction: dict[str, float]
    left_phase: float
    tilt_deg: float


def stride_time(geometry: dict[str, LegGeometry], curves: dict[str, SideCurves], speed_m_s: float,
                tilt_deg: float) -> float:
    """Stride time (s) from the kinematics: the stance toe moves back relative to the hip at belt speed.

    The toe (MT1) is the point this forefoot striker stands on from IC to TO, so its backward travel
    relative to the hip joint centre over stance, divided by belt speed × stance fraction, is the stride.
    """
    strides = []
    for side in SIDES:
        c = curves[side]
        toe = leg_points(geometry[side], c, np.array([0.0, c.to_fraction]), tilt_deg)["toe"][:, 0]
        strides.append((toe[0] - toe[1]) / (1000.0 * speed_m_s * c.to_fraction))
    return float(np.mean(strides))


def hip_height(points: dict[str, dict[str, np.ndarray]], grid: np.ndarray, stance: dict[str, tuple[float, float]],
               stride_s: float) -> np.ndarray:
    """Hip joint centre height (mm) over one stride on `grid` (fractions of the right cycle, 0..1).

    In stance the stance foot's lowest point (heel or toe) is on the ground (y = 0); between stances the body
    is ballistic, so a parabola with gravity's curvature joins the two stance ends.
    """
    height = np.full(len(grid), np.nan)
    for side, (start, end) in stance.items():
        lowest = np.minimum(points[side]["heel"][:, 1], points[side]["toe"][:, 1])
        inside = ((grid - start) % 1.0) <= (end - start)
        height[inside] = np.fmax(height[inside], -lowest[inside])  # both feet down: the lower one bears
    known = np.isfinite(height)
    starts = np.flatnonzero(known & ~np.roll(known, -1))  # last stance sample before each flight
    for i in starts:
        j = i + 1
        while not known[j % len(grid)]:
            j += 1
        t1, t2 = grid[i] * stride_s, (grid[i] + (j - i) * (grid[1] - grid[0])) * stride_s
        y1, y2 = height[i], height[j % len(grid)]
        for k in range(i + 1, j):
            t = (grid[i] + (k - i) * (grid[1] - grid[0])) * stride_s
            height[k % len(grid)] = y1 + (y2 - y1) * (t - t1) / (t2 - t1) - GRAVITY_MM_S2 / 2 * (t - t1) * (t - t2)
    return height


def build_runner(
    table: pd.DataFrame,
    static: MarkerTrial,
    speed: str,
    tilt_deg: float,
    left_ic_phase: float,
    mass_kg: float = 62.0,
    threshold_n: float = 20.0,
    duration_s: float = 30.0,
    rate: float = 150.0,
    hip: str = "gtr",
    camera: VirtualCamera = VirtualCamera(),
    person_height_m: float = 1.81,
    stride_scale: float = 1.0,
) -> RunnerTrial:
    """Keypoints of the authors' mean cycle at `speed` ("25", "35", "45") repeated for `duration_s`.

    `hip="gtr"` puts the hip keypoint on the greater trochanter (the virtual camera's choice);
    `hip="pelvis"` on the pelvis-regression hip joint centre (a sensitivity row). `stride_scale` multiplies
    the kinematic stride time (1 = as pre-registered; anything else is a sensitivity run).
    """
    if hip not in ("gtr", "pelvis"):
        raise ValueError("hip must be 'gtr' or 'pelvis'")
    speed_m_s = int(speed) / 10.0
    geometry = leg_geometry(static)
    curves = {side: side_curves(table, speed, side, mass_kg, threshold_n) for side in SIDES}
    stride = stride_scale * stride_time(geometry, curves, speed_m_s, tilt_deg)
    offset = {"right": 0.0, "left": left_ic_phase}
    # One stride on a fine grid (≈ 0.1 ms) so stance edges and the flight parabola are exact, then sampled.
    grid = np.arange(4000) / 4000
    points = {side: leg_points(geometry[side], curves[side], (grid - offset[side]) % 1.0, tilt_deg) for side in SIDES}
    stance = {side: (offset[side], offset[side] + curves[side].to_fraction) for side in SIDES}
    height = hip_height(points, grid, stance, stride)
    times = np.arange(int(round(duration_s * rate))) / rate
    phase = (times / stride) % 1.0
    lift = np.interp(phase, np.append(grid, 1.0), np.append(height, height[0]))
    centres = {}
    for side in SIDES:
        moving = leg_points(geometry[side], curves[side], (phase - offset[side]) % 1.0, tilt_deg)
        for name in ("hip", "knee", "ankle", "heel", "toe"):
            source = "hjc" if (name == "hip" and hip == "pelvis") else name
            xy = moving[source]
            z = np.full(len(times), geometry[side].lateral_mm[source])
            centres[f"{side}_{name}"] = np.stack([xy[:, 0], xy[:, 1] + lift, z], axis=-1)
    series = project_keypoints({n: centres[n] for n in MOCAP_NAMES}, rate, camera, person_height_m,
                               source=f"curve_runner:{speed}", meta={"hip_definition": hip, "stride_s": stride})
    return RunnerTrial(series, truth_contacts(curves, offset, stride, duration_s), speed_m_s, stride,
                       {side: c.to_fraction for side, c in curves.items()}, left_ic_phase, tilt_deg)


def truth_contacts(curves: dict[str, SideCurves], offset: dict[str, float], stride_s: float,
                   duration_s: float) -> pd.DataFrame:
    """Every complete contact inside the clip: IC = the cycle's row 0, TO = the force threshold crossing."""
    rows = []
    for side, c in curves.items():
        for k in range(int(duration_s / stride_s) + 1):
            ic = (k + offset[side]) * stride_s
            to = ic + c.to_fraction * stride_s
            if to < duration_s - 1e-9:
                rows.append({"side": side, "ic_time_s": ic, "to_time_s": to, "contact_time_s": to - ic})
    return pd.DataFrame(rows).sort_values("ic_time_s", ignore_index=True)
