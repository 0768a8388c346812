"""Fitness, fatigue and form (the performance-management chart) from daily load.

One convention, chosen to match GoldenCheetah's PMC and intervals.icu:

    fitness_t = fitness_{t-1} + alpha_C * (load_t - fitness_{t-1}),  alpha = 1 - exp(-1/N), N = 42
    fatigue_t = same with N = 7
    form_t    = fitness_{t-1} - fatigue_{t-1}     (shown the next day; form on day 0 is 0)

Both start from 0 the day before the first day of `daily_load`, so fitness needs
about six weeks of history before it means much. A single load of 1000 gives
fitness 23.5 and fatigue 133.1 on that day. `ramp_7d` is the change in fitness
over the last 7 days. Descriptive: neither number predicts injury.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kneeguard import evidence


def decay_alpha(time_constant_days: float) -> float:
    """alpha = 1 - exp(-1/N): the fraction of the gap to today's load closed per day."""
    return 1.0 - math.exp(-1.0 / time_constant_days)


def exponential_load(daily_load: np.ndarray, alpha: float) -> np.ndarray:
    """x_t = x_{t-1} + alpha (L_t - x_{t-1}) with x_{-1} = 0, computed by pandas' C ewm."""
    seeded = np.concatenate(([0.0], np.nan_to_num(np.asarray(daily_load, dtype=float))))
    # adjust=False makes ewm the plain recursion; the leading 0 is the zero start
    return pd.Series(seeded).ewm(alpha=alpha, adjust=False).mean().to_numpy()[1:]


def performance_chart(
    daily_load: pd.Series, fitness_days: float | None = None, fatigue_days: float | None = None
) -> pd.DataFrame:
    """fitness, fatigue, form and ramp_7d for each day of `daily_load` (one value per calendar day)."""
    fitness_days = fitness_days or float(evidence.value("load.pmc.ctl_days"))
    fatigue_days = fatigue_days or float(evidence.value("load.pmc.atl_days"))
    loads = daily_load.to_numpy(dtype=float)
    fitness = exponential_load(loads, decay_alpha(fitness_days))
    fatigue = exponential_load(loads, decay_alpha(fatigue_days))
    form = np.concatenate(([0.0], (fitness - fatigue)[:-1])) if len(loads) else np.zeros(0)
    ramp = np.full(len(loads), np.nan)
    ramp[7:] = fitness[7:] - fitness[:-7]
    return pd.DataFrame({"fitness": fitness, "fatigue": fatigue, "form": form, "ramp_7d": ramp}, index=daily_load.index)
