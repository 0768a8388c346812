"""Per-step plausibility: steps no running body can take are marked and left out of the summaries.

A step time outside the running cadence range (`gait.running.min_cadence`..`gait.running.max_cadence`:
a contact split in two or one missed) or a foot landing far behind the hip
(`gait.plausible.min_overstride_pct_leg`: the pose model drew the other foot) is a measurement
artefact, not the runner. Such steps stay in the step tables and plots, marked with the reason
in the `excluded` column; every median, per-side value and cadence is computed without them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard import evidence

EXCLUDED = "excluded"  # step-table column: why the step is left out of the summaries ("" when kept)


def implausible_reasons(steps: pd.DataFrame) -> pd.Series:
    """Per step, why it is physiologically implausible ("" when it is plausible)."""
    reasons = [[] for _ in range(len(steps))]
    if "step_time_s" in steps:
        fastest, slowest = (evidence.value("gait.running.max_cadence"), evidence.value("gait.running.min_cadence"))
        for i, t in enumerate(steps["step_time_s"].to_numpy(float)):
            if np.isfinite(t) and t > 0 and not slowest <= 60.0 / t <= fastest:
                reasons[i].append(f"step time {t * 1000:.0f} ms = {60.0 / t:.0f} steps/min is outside running "
                                  f"({slowest:.0f}-{fastest:.0f}): a contact was split or missed")
    if "overstride_pct_leg" in steps:
        behind = evidence.value("gait.plausible.min_overstride_pct_leg")
        for i, pct in enumerate(steps["overstride_pct_leg"].to_numpy(float)):
            if np.isfinite(pct) and pct < behind:
                reasons[i].append(f"foot landed {-pct:.0f} % of leg length behind the hip (a running foot lands "
                                  "ahead of or under it): the other foot was tracked")
    return pd.Series(["; ".join(r) for r in reasons], index=steps.index, dtype=object)


def mark_implausible(steps: pd.DataFrame) -> pd.DataFrame:
    """The step table with the `excluded` column filled in."""
    return steps.assign(**{EXCLUDED: implausible_reasons(steps)})


def plausible(steps: pd.DataFrame) -> pd.DataFrame:
    """Only the steps the summaries use."""
    if EXCLUDED not in steps:
        return steps
    return steps[steps[EXCLUDED].fillna("").astype(str) == ""]
