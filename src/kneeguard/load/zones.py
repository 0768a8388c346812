"""Intensity distribution: the share of running time in each heart-rate zone.

Zones are the registry's %HRmax edges (`load.zones`, 50-60-70-80-90-100 %, the
same as Edwards' TRIMP): 'z1' = 50-60 % ... 'z5' = 90 % and above (time above
the entered maximum lands in z5 - a hint that the maximum is set too low);
'below_z1' is under 50 % (warm-up, walking breaks, standing).
Computed from the per-activity heart-rate histograms as one matrix product.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.load.trimp import zone_index_by_bpm

ZONE_LABELS = ("below_z1", "z1", "z2", "z3", "z4", "z5")
WINDOW_DAYS = 28  # the window shown: four weeks, the span of a training block


def zone_seconds(hr_matrix: np.ndarray, hr_max: float, zone_edges: list[float] | None = None) -> np.ndarray:
    """(n, 6) seconds in each zone for an (n, 256) seconds-at-each-bpm matrix."""
    zone = zone_index_by_bpm(hr_max, zone_edges)
    one_hot = np.zeros((len(zone), len(ZONE_LABELS)))
    one_hot[np.arange(len(zone)), zone] = 1.0
    return np.asarray(hr_matrix, dtype=float) @ one_hot


def zone_distribution(hr_matrix: np.ndarray, hr_max: float, zone_edges: list[float] | None = None) -> pd.Series:
    """Fraction of all heart-rate time per zone (sums to 1; all NaN without heart-rate data)."""
    seconds = zone_seconds(hr_matrix, hr_max, zone_edges).sum(axis=0)
    total = seconds.sum()
    fractions = seconds / total if total > 0 else np.full(len(ZONE_LABELS), np.nan)
    return pd.Series(fractions, index=list(ZONE_LABELS), name="fraction")


def zone_bounds_bpm(hr_max: float, zone_edges: list[float] | None = None) -> list[tuple[float | None, float | None]]:
    """(lowest, highest) bpm of each of `ZONE_LABELS`, from the same edges `zone_seconds` bins with.

    None is open-ended: below zone 1 has no lower bound, zone 5 no upper one (time above the entered
    maximum counts there too).
    """
    edges = [float(e) * hr_max for e in (zone_edges if zone_edges is not None else evidence.value("load.zones"))]
    bounds: list[tuple[float | None, float | None]] = [(None, edges[0])]
    bounds += [(low, high) for low, high in zip(edges[:-2], edges[1:-1], strict=True)]
    bounds.append((edges[-2], None))
    return bounds
