"""The one conversion to plain JSON values: NaN -> None, numpy -> Python, dates -> ISO strings.

Every stage that hands results to JSON (load and gait reports, Findings, stored
documents, `--json` output) uses `plain`; nothing else rounds or converts.
"""
from __future__ import annotations

import datetime as dt
import math
import sys
from typing import Any


def plain(value: Any, digits: int | None = 6) -> Any:
    """Recursively turn numpy/pandas scalars, dates and containers into JSON-safe values.

    Floats are rounded to `digits` decimals (None: kept exact); NaN, NaT and infinities become None.
    numpy and pandas are only consulted when already imported, so light
    commands do not pay for importing them.
    """
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return value if digits is None else round(value, digits)
    if isinstance(value, dict):
        return {str(k): plain(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, digits) for v in value]
    pd = sys.modules.get("pandas")
    if pd is not None:
        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            if pd.isna(value):
                return None
            return value.date().isoformat() if value == value.normalize() and value.tz is None else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.ndarray):
            return [plain(v, digits) for v in value.tolist()]
        if isinstance(value, np.generic):
            return plain(value.item(), digits)
    return str(value)


def frame_records(frame) -> list[dict[str, Any]]:
    """Rows of a DataFrame (or Series) as plain dicts, the index included as a column."""
    import pandas as pd

    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return [plain(row) for row in frame.to_dict("records")]
