"""Cross-format, cross-device de-duplication: is an incoming activity one already stored?

Two activities of one athlete are the same outing when
  - their starts are within DUPLICATE_WINDOW_S,
  - their sport families match, or either sport is unknown/generic,
  - their time spans overlap by at least MIN_SPAN_OVERLAP of the shorter one
    (a span that is not known does not count against), and
  - where both have positions, their tracks agree: at moments both recorded,
    the median distance between them is under TRACK_MATCH_M.
Distance is deliberately not compared: a GPX track measured point to point can
differ from the device's wheel or foot-pod distance by a third (the sweatpy
2020-06-01 ride: 35 %), and a corrupted copy would defeat any ratio.

The copy kept is the fuller one: a copy cut short (a truncated file, a watch that stopped
early) loses to one covering the outing (`cut_short`); otherwise the richer one (`Richness`):
samples, then heart rate, then a device summary (timer time, which GPX lacks); on a tie the
one stored first.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kneeguard.ingest.hr import unix_seconds
from kneeguard.ingest.sports import UNKNOWN_SPORTS, sport_family

DUPLICATE_WINDOW_S = 60.0
# Two recordings of one outing overlap almost entirely; half the shorter span
# allows one device to be started late or stopped early.
MIN_SPAN_OVERLAP = 0.5
# GPS tracks of one outing are metres apart; two runs on different streets are not.
TRACK_MATCH_M = 250.0
TRACK_PROBES = 25
# A copy is cut short when it spans less of the outing than its twin by more than this share of the
# longer span and by more than the start window (one device started a minute late is not cut short).
# A kneeguard design value: a truncated FIT keeps the minutes before the cut, often a small part.
CUT_SHORT_SHARE = 0.1
EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True, order=True)
class Richness:
    """How much a copy of an activity holds; compares field by field, richer is greater."""

    has_samples: bool
    has_heart_rate: bool
    has_device_summary: bool

    def describe(self) -> str:
        parts = [label for flag, label in ((self.has_samples, "samples"),
                                           (self.has_heart_rate, "heart rate"),
                                           (self.has_device_summary, "device summary")) if flag]
        return ", ".join(parts) or "summary only"


def span_s(*durations: float | None) -> float | None:
    """The longest positive duration given (elapsed covers pauses), or None."""
    known = [d for d in durations if d is not None and math.isfinite(d) and d > 0]
    return max(known) if known else None


def cut_short(span: float | None, other_span: float | None) -> bool:
    """Whether a copy spanning `span` seconds covers clearly less of the outing than one spanning `other_span`."""
    if not span or not other_span:
        return False
    return other_span - span > max(DUPLICATE_WINDOW_S, CUT_SHORT_SHARE * other_span)


def keeps_incoming(ours: Richness, our_span: float | None, theirs: Richness, their_span: float | None) -> bool:
    """Whether the incoming copy replaces its stored twin: the stored one is cut short, or neither is and the
    incoming one is richer (on a tie the stored one stays)."""
    if cut_short(their_span, our_span):
        return True
    return not cut_short(our_span, their_span) and ours > theirs


def is_same_activity(a_start: dt.datetime, a_sport: str, a_span: float | None,
                     b_start: dt.datetime, b_sport: str, b_span: float | None) -> bool:
    """The start, sport and time-span part of the rule (see module docstring)."""
    if abs((a_start - b_start).total_seconds()) > DUPLICATE_WINDOW_S:
        return False
    fa, fb = sport_family(a_sport), sport_family(b_sport)
    if fa not in UNKNOWN_SPORTS and fb not in UNKNOWN_SPORTS and fa != fb:
        return False
    if not a_span or not b_span:
        return True
    a0, b0 = a_start.timestamp(), b_start.timestamp()
    overlap = min(a0 + a_span, b0 + b_span) - max(a0, b0)
    return overlap >= MIN_SPAN_OVERLAP * min(a_span, b_span)


def _track(samples: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    if samples is None or not len(samples) or not {"time", "lat_deg", "lon_deg"} <= set(samples.columns):
        return None
    times = unix_seconds(samples["time"])
    lat, lon = samples["lat_deg"].to_numpy(dtype=float), samples["lon_deg"].to_numpy(dtype=float)
    ok = np.isfinite(times) & np.isfinite(lat) & np.isfinite(lon)
    if ok.sum() < 2:
        return None
    order = np.argsort(times[ok], kind="stable")
    return times[ok][order], lat[ok][order], lon[ok][order]


def tracks_agree(a: pd.DataFrame | None, b: pd.DataFrame | None) -> bool:
    """False only when both have positions at common moments and they lie apart."""
    first, second = _track(a), _track(b)
    if first is None or second is None:
        return True
    low, high = max(first[0][0], second[0][0]), min(first[0][-1], second[0][-1])
    if high <= low:
        return True  # no common moment: the time-span rule has already decided
    probes = np.linspace(low, high, TRACK_PROBES)
    lat1, lon1 = (np.radians(np.interp(probes, first[0], v)) for v in first[1:])
    lat2, lon2 = (np.radians(np.interp(probes, second[0], v)) for v in second[1:])
    haversine = (np.sin((lat2 - lat1) / 2) ** 2
                 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    apart = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(haversine, 0.0, 1.0)))
    return float(np.median(apart)) <= TRACK_MATCH_M
