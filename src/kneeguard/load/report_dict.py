"""JSON-friendly conversion of load results: NaN -> None, numpy -> Python, dates -> ISO strings."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd


def plain(value: Any) -> Any:
    """Recursively turn numpy/pandas scalars, dates and containers into JSON-safe values."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        return value.date().isoformat() if value == value.normalize() and value.tz is None else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 6)
    return str(value)


def frame_records(frame: pd.DataFrame | pd.Series) -> list[dict[str, Any]]:
    """Rows as dicts, the index included as a column (named after the index or 'index')."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return [plain(row) for row in frame.to_dict("records")]
