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


def pace_text(seconds_per_km: Any) -> str:
    """A pace as people read it, minutes:seconds per kilometre ('5:07 /km'); '' when unknown.

    The one formatter for pace on pages and in tables (the activity page's script mirrors it for its
    hover read-out: `paceText` in web/static/activity_charts.js).
    """
    value = finite_float(seconds_per_km)
    if value is None or value <= 0:
        return ""
    whole = round(value)
    return f"{whole // 60}:{whole % 60:02d} /km"


def speed_kmh(metres_per_second: Any) -> float | None:
    """Speed in km/h from m/s (None when unknown)."""
    value = finite_float(metres_per_second)
    return None if value is None else value * 3.6


def counted(number: float, noun: str) -> str:
    """'1 week', '2 weeks', '1.5 weeks': a count with its noun in the right number (never 'week(s)')."""
    return f"{number:g} {noun}" + ("" if number == 1 else "s")


def shown_value(value: float, limits: list[float]) -> str:
    """The one rounding of a value shown beside its flag (explanations, the summary): the fewest decimals
    (0-2) that keep it on the same side of every limit as the value itself, so a shown '10°' never sits
    beside 'flag below 10°' for a measured 9.7°."""
    def side(x: float, limit: float) -> int:
        return int(x > limit) - int(x < limit)  # int(): numpy booleans do not subtract
    value, limits = float(value), [float(lim) for lim in limits]
    for digits in (0, 1, 2):
        shown = round(value, digits)
        if all(side(shown, lim) == side(value, lim) for lim in limits):
            return f"{shown:.{digits}f}"
    return f"{value:.2f}"


def tenth_down(km: float) -> float:
    """Round down to 0.1 km (a hair of float error forgiven), so a rounded distance never exceeds its cap."""
    return math.floor(km * 10 + 1e-9) / 10


# A unit short enough to stand beside a number ('18 % leg length', '7 reps apart'); longer ones ('fraction of
# stride', '1 = foot lands across the midline') are explanations, said by the finding's text instead.
SHORT_UNIT_MAX = 13


def shown_unit(unit: str | None) -> str:
    """`unit` when it is short enough to print beside a value (`SHORT_UNIT_MAX`), else ''."""
    return unit if unit and len(unit) <= SHORT_UNIT_MAX else ""
