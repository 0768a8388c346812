"""Training monotony and strain (Foster 1998): how alike the days of a week are.

    monotony = mean(daily load over 7 days, rest days = 0) / SD(daily load)
    strain   = weekly load x monotony

SD is the *population* SD (divide by 7), the convention the registry records
(`load.monotony.sd`). Monotony is clamped to 0..10 and is 10 when every day had
the same non-zero load (SD = 0); a week without any load has monotony 0
(nothing was repeated). Descriptive only: it does not predict injury.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

MONOTONY_CAP = 10.0
WINDOW_DAYS = 7


def monotony(daily_load: np.ndarray | list[float]) -> float:
    """Monotony of one window of daily loads (normally 7 values).

    >>> round(monotony([0, 20, 10, 10, 10, 10, 10]), 3)
    1.871
    """
    return float(_monotony(np.asarray(daily_load, dtype=float)[None, :])[0])


def strain(daily_load: np.ndarray | list[float]) -> float:
    """Weekly load x monotony.

    >>> round(strain([0, 20, 10, 10, 10, 10, 10]), 2)
    130.96
    """
    loads = np.asarray(daily_load, dtype=float)
    return float(loads.sum() * monotony(loads))


def _monotony(windows: np.ndarray) -> np.ndarray:
    """Row-wise monotony of an (n, days) array."""
    mean = windows.mean(axis=1)
    sd = windows.std(axis=1, ddof=0)
    # SD below a rounding-error floor counts as 0 (identical days)
    flat = sd <= 1e-12 * np.maximum(np.abs(mean), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(flat, np.where(mean > 0, MONOTONY_CAP, 0.0), mean / sd)
    return np.clip(value, 0.0, MONOTONY_CAP)


def monotony_series(daily_load: pd.Series, window: int = WINDOW_DAYS) -> pd.DataFrame:
    """Monotony, strain and weekly load for the `window` days ending on each day.

    `daily_load` must be one value per calendar day (rest days 0). Days with
    less than a full window of history are NaN.
    """
    loads = np.nan_to_num(daily_load.to_numpy(dtype=float))
    out = pd.DataFrame(
        {"weekly_load": np.nan, "monotony": np.nan, "strain": np.nan}, index=daily_load.index, dtype=float
    )
    if len(loads) < window:
        return out
    windows = sliding_window_view(loads, window)
    weekly = windows.sum(axis=1)
    value = _monotony(windows)
    out.iloc[window - 1 :, 0] = weekly
    out.iloc[window - 1 :, 1] = value
    out.iloc[window - 1 :, 2] = weekly * value
    return out
