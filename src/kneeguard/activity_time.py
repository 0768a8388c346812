"""An activity's duration: one rule for every view and analysis.

The watch's timer (pauses left out) when the file has one; else the moving time (GPX and Strava exports carry
no timer: a coach saw 'Moving time —' and no pace on every GPX run); else the elapsed time.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

DURATION_COLUMNS = ("timer_s", "moving_s", "elapsed_s")  # in the order they are preferred
LABELS = {"timer_s": "Moving time", "moving_s": "Moving time", "elapsed_s": "Elapsed time"}


def activity_seconds(activity: Mapping[str, Any]) -> tuple[float | None, str]:
    """(seconds, the column it came from) by DURATION_COLUMNS; (None, '') when none is a positive number."""
    for column in DURATION_COLUMNS:
        value = activity.get(column)
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
            return float(value), column
    return None, ""


def duration_label(column: str) -> str:
    return LABELS.get(column, "Moving time")
