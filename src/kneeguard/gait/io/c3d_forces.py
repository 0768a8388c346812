"""Ground-reaction force from a C3D file, read by the standard's FORCE_PLATFORM group.

The C3D standard (c3d.org, "The C3D File Format User Guide") describes each plate in the
FORCE_PLATFORM group: `USED` plates, their `TYPE`, the analog `CHANNEL`s (1-based) that carry
them, the plate's `CORNERS` in the lab and its sensor `ORIGIN`, and for type 4 a 6×6
`CAL_MATRIX`. Channel labels are never read to find the forces: labs name them freely
(`Fz1`, `F1Z`, `Force.Fz1` …), the group says which channel is which.

Conventions used here (those of the standard):
* ANALOG values are `(raw − OFFSET) · SCALE · GEN_SCALE` (the `c3d` package applies them, and
  reads `ANALOG:FORMAT` UNSIGNED offsets as unsigned).
* Plate axes from the corners (numbered so that corner 1 lies in the plate's +x +y quadrant):
  x̂ = corner1 − corner2, ŷ = corner1 − corner4, ẑ = x̂ × ŷ (points into the plate).
* `ORIGIN` is the vector from the plate's sensor origin to the centre of its working surface, in
  plate axes (its z is negative: the sensor origin lies below the surface, ẑ points down); moments
  are about the sensor origin. The Fukuchi lab's treadmill (RBDS001static.c3d) reads so: ORIGIN
  (−243, 900, −15) puts the origin under one corner, 15 mm below the belt.
* Plate channels give the load the runner puts on the plate; the ground reaction is its opposite.
  Several plates (a treadmill with one plate per belt, or plates side by side) are summed as
  wrenches in the lab frame; the centre of pressure is where the summed line of action pierces
  the plates' surface.
* The lab's vertical is the lab axis closest to the plates' normal, positive upwards (Z-up and
  Y-up labs both keep their vertical axis pointing up).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kneeguard.errors import InvalidInput
from kneeguard.gait.io.files import C3D_READ_ERRORS, unreadable_c3d

CHANNELS_PER_TYPE = {1: 6, 2: 6, 3: 8, 4: 6}
POSITION_TO_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0}
COP_MIN_VERTICAL_N = 20.0  # below this the centre of pressure is noise over a near-zero force


@dataclass(frozen=True)
class ForcePlate:
    """One plate as the FORCE_PLATFORM group describes it; positions in mm, lab frame."""

    number: int  # 1-based, as in the file
    type: int  # 1–4
    channels: tuple[int, ...]  # 0-based analog channel indices, in the type's channel order
    corners: np.ndarray  # (4, 3)
    origin: np.ndarray  # (3,) sensor origin → surface centre, plate axes
    cal_matrix: np.ndarray | None  # (6, 6) for type 4

    @property
    def axes(self) -> np.ndarray:
        """Rotation plate → lab: columns x̂, ŷ, ẑ of the plate in lab coordinates."""
        x = self.corners[0] - self.corners[1]
        x = x / np.linalg.norm(x)
        z = np.cross(x, self.corners[0] - self.corners[3])
        z = z / np.linalg.norm(z)
        return np.column_stack([x, np.cross(z, x), z])  # ŷ re-orthogonalised against measuring error

    @property
    def surface_centre(self) -> np.ndarray:
        return self.corners.mean(axis=0)

    @property
    def sensor_origin(self) -> np.ndarray:
        return self.surface_centre - self.axes @ self.origin


@dataclass(frozen=True)
class GroundReaction:
    """Summed ground-reaction force of all plates, lab frame; samples at `rate` Hz."""

    time_s: np.ndarray  # (n,)
    force_n: np.ndarray  # (n, 3), force of the ground on the runner
    cop_mm: np.ndarray  # (n, 3), NaN while the vertical force is below COP_MIN_VERTICAL_N
    vertical_axis: int  # lab axis index (0 = X, 1 = Y, 2 = Z) that points up
    rate: float
    plates: tuple[ForcePlate, ...]
    source: str

    @property
    def vertical_n(self) -> np.ndarray:
        return self.force_n[:, self.vertical_axis]


def read_ground_reaction(path: str | Path) -> GroundReaction:
    """All plates of a .c3d file, in newtons and millimetres in the lab frame (InvalidInput names the file)."""
    import c3d

    path = Path(path)
    chunks = []
    try:
        with path.open("rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no analog data" and block-padding notes are normal
            reader = c3d.Reader(handle)
            rate = float(reader.analog_rate or 0.0)
            n_analog = int(reader.analog_used or 0)
            plates = _plates(reader, path.name, n_analog)
            units = _analog_units(reader, n_analog)
            for _, _, analog in reader.read_frames():
                chunks.append(np.asarray(analog, dtype=float))
    except InvalidInput:
        raise
    except (*C3D_READ_ERRORS, TypeError) as exc:
        raise unreadable_c3d(path, exc) from exc
    if not chunks or rate <= 0 or chunks[0].size == 0:
        raise InvalidInput(f"{path.name}: FORCE_PLATFORM describes plates but the file holds no analog samples")
    signals = np.concatenate(chunks, axis=1)  # (channels, samples)
    force = np.zeros((signals.shape[1], 3))
    moment = np.zeros_like(force)  # about the lab origin, N·mm
    for plate in plates:
        plate_force, plate_moment = _plate_wrench(plate, signals, units)
        rot = plate.axes
        load = plate_force @ rot.T  # the runner's load on the plate, lab frame
        force += load
        moment += plate_moment @ rot.T + np.cross(plate.sensor_origin, load)
    vertical_axis = int(np.argmax(np.abs(np.mean([p.axes[:, 2] for p in plates], axis=0))))
    reaction, moment = -force, -moment
    if np.percentile(reaction[:, vertical_axis], 1) < -np.percentile(reaction[:, vertical_axis], 99):
        # Loads point up: the plates store the reaction itself (some amplifiers invert the sign).
        reaction, moment = -reaction, -moment
    surface = np.mean([p.surface_centre for p in plates], axis=0)
    cop = _centre_of_pressure(reaction, moment, vertical_axis, surface[vertical_axis])
    time_s = np.arange(signals.shape[1]) / rate
    return GroundReaction(time_s, reaction, cop, vertical_axis, rate, tuple(plates), path.name)


def _plates(reader, name: str, n_analog: int) -> list[ForcePlate]:
    used_param = reader.get("FORCE_PLATFORM:USED")
    if reader.get("FORCE_PLATFORM") is None or used_param is None:
        raise InvalidInput(f"{name}: the C3D file has no force-plate channels (no FORCE_PLATFORM group); "
                           "give the forces with --forces")
    used = int(used_param.int16_value)
    if used < 1:
        raise InvalidInput(f"{name}: the C3D file has no force-plate channels (FORCE_PLATFORM:USED is 0); "
                           "give the forces with --forces")
    if n_analog == 0:
        raise InvalidInput(f"{name}: the C3D file has no force-plate channels (FORCE_PLATFORM describes {used} "
                           "plate(s) but the file holds no analog data); give the forces with --forces")
    types = _param(reader, name, "TYPE", lambda p: p.int16_array.reshape(-1))
    channel = _param(reader, name, "CHANNEL", lambda p: np.atleast_2d(p.int16_array))
    corners = _param(reader, name, "CORNERS", lambda p: p.float_array.reshape(-1, 4, 3))
    origin = _param(reader, name, "ORIGIN", lambda p: p.float_array.reshape(-1, 3))
    to_mm = _position_scale(reader)
    plates = []
    for k in range(used):
        if k >= len(types) or k >= len(channel) or k >= len(corners) or k >= len(origin):
            raise InvalidInput(f"{name}: FORCE_PLATFORM:USED is {used} but TYPE/CHANNEL/CORNERS/ORIGIN "
                               f"describe fewer plates")
        plate_type = int(types[k])
        if plate_type not in CHANNELS_PER_TYPE:
            raise InvalidInput(f"{name}: force plate {k + 1} has TYPE {plate_type}; types 1–4 are supported")
        need = CHANNELS_PER_TYPE[plate_type]
        numbers = [int(c) for c in channel[k][:need]]
        if len(numbers) < need or any(c < 1 or c > n_analog for c in numbers):
            raise InvalidInput(f"{name}: force plate {k + 1} (type {plate_type}) needs {need} channels; "
                               f"FORCE_PLATFORM:CHANNEL gives {numbers}, but the file has {n_analog} analog channels")
        cal = None
        if plate_type == 4:
            cal = _param(reader, name, "CAL_MATRIX", lambda p: p.float_array.reshape(-1, 6, 6))
            if k >= len(cal):
                raise InvalidInput(f"{name}: force plate {k + 1} is type 4 but CAL_MATRIX has no matrix for it")
            cal = cal[k].T  # stored by column (MATRIX_STORE "BYCOLUMN"): element (row, column) is [column, row] here
        plate_corners = corners[k] * to_mm
        if np.linalg.matrix_rank(plate_corners - plate_corners.mean(axis=0), tol=1e-6) < 2:
            raise InvalidInput(f"{name}: FORCE_PLATFORM:CORNERS of plate {k + 1} do not span a surface")
        plates.append(ForcePlate(k + 1, plate_type, tuple(c - 1 for c in numbers), plate_corners,
                                 origin[k] * to_mm, cal))
    return plates


def _param(reader, name: str, key: str, convert):
    param = reader.get(f"FORCE_PLATFORM:{key}")
    if param is None or param.num_elements == 0:
        raise InvalidInput(f"{name}: FORCE_PLATFORM:{key} is missing; the plates cannot be read by the C3D standard")
    return convert(param)


def _position_scale(reader) -> float:
    units = reader.get("POINT:UNITS")
    unit = units.string_value.strip().lower() if units is not None else "mm"
    return POSITION_TO_MM.get(unit, 1.0)


def _analog_units(reader, n_analog: int) -> list[str]:
    units = reader.get("ANALOG:UNITS")
    if units is None or n_analog == 0:
        return [""] * n_analog
    values = [str(u).strip().lower() for u in np.atleast_1d(units.string_array)]
    return (values + [""] * n_analog)[:n_analog]


def _moment_to_nmm(units: list[str], channels: tuple[int, ...]) -> np.ndarray:
    """Per-channel factor to N·mm for moment channels stored in N·m (units 'nm')."""
    return np.array([1000.0 if units[c] in ("nm", "n.m", "n*m") else 1.0 for c in channels])


def _plate_wrench(plate: ForcePlate, signals: np.ndarray, units: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Force (N) and moment about the sensor origin (N·mm), plate axes, (samples, 3) each."""
    raw = signals[list(plate.channels)].T  # (samples, channels)
    if plate.type == 4:
        raw = raw @ plate.cal_matrix.T
    if plate.type == 4:  # calibrated outputs are N and N·mm, whatever the raw channels' units
        return raw[:, :3], raw[:, 3:6]
    if plate.type == 2:
        return raw[:, :3], raw[:, 3:6] * _moment_to_nmm(units, plate.channels[3:6])
    if plate.type == 1:  # Fx Fy Fz, centre of pressure Px Py (from the surface centre) and Mz
        force = raw[:, :3]
        surface_point = np.column_stack([raw[:, 3], raw[:, 4], np.zeros(len(raw))]) + plate.origin
        return force, np.cross(surface_point, force) + np.column_stack([np.zeros((len(raw), 2)), raw[:, 5]])
    # type 3 (Kistler): fx12 fx34 fy14 fy23 fz1 fz2 fz3 fz4; ORIGIN holds the sensor offsets a, b, az0
    fx12, fx34, fy14, fy23, fz1, fz2, fz3, fz4 = raw.T
    a, b = plate.origin[0], plate.origin[1]
    force = np.column_stack([fx12 + fx34, fy14 + fy23, fz1 + fz2 + fz3 + fz4])
    moment = np.column_stack([b * (fz1 + fz2 - fz3 - fz4), a * (-fz1 + fz2 + fz3 - fz4),
                              b * (-fx12 + fx34) + a * (fy14 - fy23)])
    # Those moments are about the centre of the sensor plane, (a, b, 0) from the sensor origin used here
    offset = plate.origin - np.array([0.0, 0.0, plate.origin[2]])
    return force, moment + np.cross(offset, force)


def _centre_of_pressure(force: np.ndarray, moment: np.ndarray, vertical_axis: int, surface_height: float) -> np.ndarray:
    """Point r of the plane (vertical = surface_height) about which the wrench has no horizontal moment.

    With m the moment about the lab origin, the moment about r is m − r × f; its horizontal
    components vanish at the centre of pressure (only the free moment about the vertical is left).
    """
    cop = np.full_like(force, np.nan)
    loaded = force[:, vertical_axis] > COP_MIN_VERTICAL_N
    f, m = force[loaded], moment[loaded]
    horizontal = [axis for axis in range(3) if axis != vertical_axis]
    skew = np.zeros((len(f), 3, 3))  # skew(f) · r = f × r = −(r × f)
    skew[:, 0, 1], skew[:, 0, 2], skew[:, 1, 2] = -f[:, 2], f[:, 1], -f[:, 0]
    skew -= np.transpose(skew, (0, 2, 1))
    rows = skew[:, horizontal]  # horizontal components of f × r: −m_h = (f × r)_h
    rhs = -m[:, horizontal] - rows[:, :, vertical_axis] * surface_height
    solved = np.linalg.solve(rows[:, :, horizontal], rhs[:, :, None])[:, :, 0]
    point = np.empty_like(f)
    point[:, horizontal] = solved
    point[:, vertical_axis] = surface_height
    cop[loaded] = point
    return cop
