"""OpenSim .mot motion files for joint-angle time series (degrees)."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from kneeguard.errors import InvalidInput


def write_mot(
    path: str | Path, times: np.ndarray, angles: Mapping[str, np.ndarray] | pd.DataFrame,
    name: str | None = None, in_degrees: bool = True,
) -> Path:
    """Write `time` plus one column per angle; NaN is written as `nan` (OpenSim reads it)."""
    path = Path(path)
    table = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in dict(angles).items()})
    times = np.asarray(times, dtype=float)
    if len(table) != len(times):
        raise ValueError(f"{len(times)} times but {len(table)} angle samples")
    if "time" in table.columns:
        raise ValueError("'time' is reserved for the time column")
    columns = ["time", *table.columns]
    header = [
        name or path.stem, "version=1", f"nRows={len(times)}", f"nColumns={len(columns)}",
        f"inDegrees={'yes' if in_degrees else 'no'}", "endheader", "\t".join(columns),
    ]
    data = np.column_stack([times, table.to_numpy()]) if len(table.columns) else times[:, None]
    lines = ["\t".join(f"{v:.6f}" if np.isfinite(v) else "nan" for v in row) for row in data]
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    return path


def read_mot(path: str | Path) -> pd.DataFrame:
    """Read a .mot/.sto file (header up to `endheader`) into a DataFrame with a `time` column."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    try:
        end = next(i for i, line in enumerate(lines) if line.strip().lower() == "endheader")
    except StopIteration as exc:
        raise InvalidInput(f"{path.name}: no 'endheader' line; not a .mot file") from exc
    columns = lines[end + 1].split("\t")
    rows = [[float(v) for v in line.split("\t")] for line in lines[end + 2:] if line.strip()]
    table = pd.DataFrame(rows, columns=columns)
    table.attrs["in_degrees"] = any(line.strip().lower() == "indegrees=yes" for line in lines[:end])
    return table
