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
