"""OpenSim .trc marker files for 2D keypoints (Sports2D/Pose2Sim style).

Image y points down, OpenSim Y points up, so Y = −y; Z is 0 for 2D keypoints.
Missing points are left blank, which OpenSim reads as missing markers.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from kneeguard.errors import InvalidInput
from kneeguard.gait.io.files import existing_file
from kneeguard.gait.keypoints import KeypointSeries

# Winter's segment proportions of stature: thigh (hip→knee) 0.245, leg (knee→ankle) 0.246.
_LEG_FRACTION = 0.245 + 0.246


def estimate_metres_per_px(series: KeypointSeries, person_height_m: float) -> float:
    """Scale from the median hip→knee→ankle length against the runner's height (side view)."""
    lengths = []
    for side in ("left", "right"):
        hip, knee, ankle = (series.point(f"{side}_{j}") for j in ("hip", "knee", "ankle"))
        lengths.append(np.linalg.norm(hip - knee, axis=1) + np.linalg.norm(knee - ankle, axis=1))
    leg_px = np.nanmedian(np.concatenate(lengths))
    if not np.isfinite(leg_px) or leg_px <= 0:
        raise InvalidInput("cannot scale to metres: hips, knees and ankles are missing")
    return person_height_m * _LEG_FRACTION / float(leg_px)


def write_trc(
    series: KeypointSeries, path: str | Path, units: str | None = None, metres_per_px: float | None = None
) -> Path:
    """Write the series as .trc; units "px" or "m" (default: the series' own units).

    Converting px → m needs `metres_per_px` (see `estimate_metres_per_px`).
    """
    path = Path(path)
    units = units or series.units
    if units not in ("px", "m"):
        raise ValueError("trc units must be 'px' or 'm'")
    xy = series.xy.copy()
    if units != series.units:
        if series.units == "px" and metres_per_px:
            xy *= metres_per_px
        elif series.units == "m" and metres_per_px:
            xy /= metres_per_px
        else:
            raise ValueError(f"converting {series.units} to {units} needs metres_per_px")
    names = list(series.names)
    n = series.n_frames
    header = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{series.fps:.6g}\t{series.fps:.6g}\t{n}\t{len(names)}\t{units}\t{series.fps:.6g}\t1\t{n}",
        "Frame#\tTime\t" + "\t".join(f"{name}\t\t" for name in names),
        "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, len(names) + 1)),
        "",
    ]
    fmt = "{:.3f}" if units == "px" else "{:.6f}"
    lines = []
    for f in range(n):
        cells = [str(f + 1), f"{f / series.fps:.6f}"]
        for k in range(len(names)):
            x, y = xy[f, k]
            if np.isfinite(x) and np.isfinite(y):
                cells += [fmt.format(x), fmt.format(-y), fmt.format(0.0)]
            else:
                cells += ["", "", ""]
        lines.append("\t".join(cells))
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    return path


def read_trc(path: str | Path, fps: float | None = None) -> KeypointSeries:
    """Read a .trc back into image coordinates (y down); Z is dropped."""
    path = Path(path)
    existing_file(path, "trc file")
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) < 5 or not lines[0].startswith("PathFileType"):
        raise InvalidInput(f"{path.name}: not a .trc file (no PathFileType header)")
    keys = lines[1].split("\t")
    values = lines[2].split("\t")
    info = dict(zip((k.strip() for k in keys), (v.strip() for v in values)))
    try:
        rate = fps or float(info["DataRate"])
        n_markers = int(info["NumMarkers"])
    except (KeyError, ValueError) as exc:
        raise InvalidInput(f"{path.name}: bad .trc header ({exc})") from exc
    units = info.get("Units", "m").lower()
    if units == "mm":  # OpenSim mocap files are often in mm; keypoint series speak metres
        scale, units = 0.001, "m"
    else:
        scale = 1.0
    names = [c.strip() for c in lines[3].split("\t")[2:] if c.strip()][:n_markers]
    if len(names) != n_markers:
        raise InvalidInput(f"{path.name}: header names {len(names)} markers, NumMarkers says {n_markers}")
    rows = [line.split("\t") for line in lines[5:] if line.strip()]
    xy = np.full((len(rows), n_markers, 2), np.nan)
    for f, cells in enumerate(rows):
        for k in range(n_markers):
            x, y = _cell(cells, 2 + 3 * k), _cell(cells, 3 + 3 * k)
            xy[f, k] = (x * scale, -y * scale)
    if not rows:
        raise InvalidInput(f"{path.name}: no data rows")
    return KeypointSeries(
        names=names, xy=xy, visibility=np.isfinite(xy).all(axis=2).astype(float), fps=rate,
        units=units if units in ("px", "m") else "m", source=f"trc:{path.name}",
    )


def _cell(cells: list[str], i: int) -> float:
    if i >= len(cells) or not cells[i].strip():
        return np.nan
    try:
        return float(cells[i])
    except ValueError:
        return np.nan
