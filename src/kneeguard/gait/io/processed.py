"""The Fukuchi data set's time-normalised curves (`RBDSxxxprocessed.txt`).

101 rows, 0–100 % of the gait cycle, row 0 = initial contact. Knee flexion is the
Z column (`RkneeAngZ25` = right knee at 2.5 m/s). Ground-reaction columns are only
filled during stance, which tells where stance ends.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kneeguard.errors import InvalidInput
from kneeguard.gait.io.files import read_tab_table

SPEEDS = ("25", "35", "45")  # 2.5, 3.5 and 4.5 m/s


@dataclass(frozen=True)
class KneeReference:
    side: str
    speed: str
    ic_deg: float  # knee flexion at initial contact (row 0)
    peak_stance_deg: float  # largest knee flexion during stance
    peak_pct: float  # where that peak lies, % of the gait cycle
    stance_end_pct: float  # last % of the cycle with ground-reaction force


def read_processed(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    table = read_tab_table(path, "processed-curves file", "curves file")
    if "RkneeAngZ25" not in table.columns and not any(c.endswith("kneeAngZ25") for c in table.columns):
        raise InvalidInput(f"{path.name}: no knee-angle columns (e.g. RkneeAngZ25); is this a processed curves file?")
    return table.apply(pd.to_numeric, errors="coerce")


def knee_reference(source: str | Path | pd.DataFrame, speed: str = "25") -> dict[str, KneeReference]:
    """Knee flexion at IC and peak in stance for each side ("left", "right") at one speed."""
    if speed not in SPEEDS:
        raise InvalidInput(f"speed must be one of {', '.join(SPEEDS)} (tenths of m/s)")
    table = source if isinstance(source, pd.DataFrame) else read_processed(source)
    pct = table["PercGcycle"].to_numpy(dtype=float) if "PercGcycle" in table else np.arange(len(table), dtype=float)
    out = {}
    for side, s in (("right", "R"), ("left", "L")):
        column = f"{s}kneeAngZ{speed}"
        if column not in table:
            continue
        knee = table[column].to_numpy(dtype=float)
        grf = table.get(f"{s}grfY{speed}")
        if grf is not None and np.isfinite(grf.to_numpy(dtype=float)).any():
            stance_rows = np.flatnonzero(np.isfinite(grf.to_numpy(dtype=float)))
            stance_end = int(stance_rows.max())
        else:
            stance_end = int(np.searchsorted(pct, 40.0))  # typical at 2.5 m/s; used only without GRF
        peak_row = int(np.nanargmax(knee[: stance_end + 1]))
        out[side] = KneeReference(side, speed, float(knee[0]), float(knee[peak_row]),
                                  float(pct[peak_row]), float(pct[stance_end]))
    if not out:
        raise InvalidInput(f"no knee-angle columns for speed {speed}")
    return out
