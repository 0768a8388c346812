"""Small number helpers shared across layers."""
from __future__ import annotations

import math
from typing import Any


def finite_float(value: Any) -> float | None:
    """`value` as a finite float, or None (missing, text, NaN, infinity, or a bool)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def mean_of_present(values, axis: int = 0):
    """NaN-ignoring mean along `axis`; NaN (without numpy's warning) where every value is missing."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    present = np.isfinite(values)
    count = present.sum(axis=axis)
    total = np.where(present, values, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)
