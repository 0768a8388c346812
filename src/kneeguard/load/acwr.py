"""Acute:chronic workload ratio - context only, never a risk score.

EWMA (Williams et al., BJSM 2017): EWMA_t = lambda * L_t + (1 - lambda) * EWMA_{t-1},
lambda = 2/(N+1), N = 7 (acute) and 28 (chronic), seeded with the first day's
load, iterated per calendar day (rest days = 0). ACWR = acute / chronic.

Rolling variants are here for comparison and tests: coupled
mean(L[t-6..t]) / mean(L[t-27..t]) and uncoupled (Windt & Gabbett 2019)
mean(L[t-6..t]) / mean(L[t-27..t-7]). 21 days at 30 then 7 at 50 give
EWMA 1.250, coupled 1.429, uncoupled 1.667.

Why context only: the ratio is mathematically coupled (Lolli 2019), its
team-sport thresholds were discretised post hoc (Impellizzeri 2020, 2021), and
in 5,205 runners the 7:21-day ratio had an *inverse* dose-response (Frandsen 2025).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard import evidence


def acwr_spans() -> tuple[int, int]:
    acute, chronic = evidence.value("load.acwr.spans")
    return int(acute), int(chronic)


def williams_ewma(daily_load: pd.Series | np.ndarray, span_days: int) -> np.ndarray:
    """Williams' EWMA with lambda = 2/(N+1), seeded with the first value."""
    # pandas ewm(span=N, adjust=False) is exactly this recursion with y_0 = x_0
    loads = pd.Series(np.nan_to_num(np.asarray(daily_load, dtype=float)))
    return loads.ewm(span=span_days, adjust=False).mean().to_numpy()


def ewma_acwr(daily_load: pd.Series, acute_days: int | None = None, chronic_days: int | None = None) -> pd.DataFrame:
    """acute, chronic and acwr (NaN while chronic is 0) for each day of `daily_load`."""
    default_acute, default_chronic = acwr_spans()
    acute = williams_ewma(daily_load, acute_days or default_acute)
    chronic = williams_ewma(daily_load, chronic_days or default_chronic)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(chronic > 0, acute / chronic, np.nan)
    return pd.DataFrame({"acute": acute, "chronic": chronic, "acwr": ratio}, index=daily_load.index)


def rolling_acwr(
    daily_load: pd.Series, acute_days: int | None = None, chronic_days: int | None = None, coupled: bool = True
) -> pd.Series:
    """Rolling-average ACWR; NaN until a full chronic window exists."""
    default_acute, default_chronic = acwr_spans()
    acute_days, chronic_days = acute_days or default_acute, chronic_days or default_chronic
    loads = pd.Series(np.nan_to_num(daily_load.to_numpy(dtype=float)), index=daily_load.index)
    acute = loads.rolling(acute_days).mean()
    if coupled:
        chronic = loads.rolling(chronic_days).mean()
    else:
        # the chronic window stops where the acute one starts
        chronic = loads.shift(acute_days).rolling(chronic_days - acute_days).mean()
    ratio = acute / chronic.where(chronic > 0)
    return ratio.rename("acwr_coupled" if coupled else "acwr_uncoupled")
