"""What the activity page shows besides the charts: splits, heart-rate zones, summary pace, file name."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from kneeguard.activity_time import activity_seconds
from kneeguard.ingest.sports import shows_pace
from kneeguard.numbers import finite_float, pace_text, speed_kmh

# A file the web app received before revision 0006 was stored under its job folder with an index
# prefix ("<home>/jobs/<job id>/0003_run.fit"); the name the person knows is what follows the prefix.
_OLD_UPLOAD = re.compile(r"(?:^|[\\/])jobs[\\/][0-9a-f]{32}[\\/]\d{4}_(?P<name>[^\\/]+)$")


@dataclass(frozen=True)
class SplitRow:
    """A row of the splits or laps table (the same columns for both)."""

    number: int
    km: float
    seconds: float
    pace: str  # "5:07 /km" for runs and walks
    speed_kmh: float | None  # for the other sports
    avg_hr: float | None


@dataclass(frozen=True)
class ZoneRow:
    label: str
    low_bpm: float | None  # None: open below
    high_bpm: float | None  # None: open above
    seconds: float
    share: float  # of all heart-rate time, 0..1


@dataclass(frozen=True)
class Zones:
    rows: list[ZoneRow]
    hr_max: float
    note: str  # why these bounds (the profile's maximum, or the default and how to set it)


def source_label(source_name: str | None) -> str:
    """The file name the person imported, never a folder on this or the server's disk.

    An export member keeps its place in the archive ("export.zip › activities/123.fit.gz").
    """
    outer, _, member = (source_name or "").partition("!")
    old = _OLD_UPLOAD.search(outer)
    base = old.group("name") if old else re.split(r"[\\/]", outer)[-1]
    return f"{base} › {member}" if member else base


def summary_pace(activity: dict) -> tuple[str, str]:
    """("Pace", "5:07 /km") for runs and walks, ("Speed", "24.3 km/h") otherwise; '' when unknown."""
    distance, seconds = finite_float(activity.get("distance_m")), activity_seconds(activity)[0]
    if not distance or not seconds or distance <= 0 or seconds <= 0:
        return ("Pace" if shows_pace(activity.get("sport")) else "Speed"), ""
    if shows_pace(activity.get("sport")):
        return "Pace", pace_text(seconds / distance * 1000.0)
    return "Speed", f"{speed_kmh(distance / seconds):.1f} km/h"


def split_rows(samples: pd.DataFrame, sport: str) -> list[SplitRow]:
    from kneeguard.load.splits import km_splits

    pace = shows_pace(sport)
    return [SplitRow(s.number, s.distance_m / 1000.0, s.duration_s, pace_text(s.pace_s_per_km) if pace else "",
                     None if pace or not s.duration_s else speed_kmh(s.distance_m / s.duration_s), s.avg_hr)
            for s in km_splits(samples)]


def lap_rows(laps: list, sport: str) -> list[SplitRow]:
    """The device's laps (ingest/laps.py) as table rows; [] when the file had fewer than two."""
    if len(laps) < 2:
        return []
    pace = shows_pace(sport)
    rows = []
    for number, lap in enumerate(laps, start=1):
        distance, seconds = lap.distance_m or 0.0, lap.timer_s or 0.0
        rows.append(SplitRow(number, distance / 1000.0, seconds, pace_text(lap.pace_s_per_km) if pace else "",
                             None if pace or not seconds or not distance else speed_kmh(distance / seconds), lap.avg_hr))
    return rows


def heart_rate_zones(histogram, profile) -> Zones | None:
    """Time in the load analysis's zones (load/zones.py) at the athlete's maximum heart rate."""
    import numpy as np

    from kneeguard.load.heart_rate import resolve_heart_rate
    from kneeguard.load.zones import ZONE_LABELS, zone_bounds_bpm, zone_seconds

    if histogram is None:
        return None
    settings = resolve_heart_rate(profile)
    seconds = zone_seconds(np.asarray(histogram, dtype=float)[None, :], settings.hr_max)[0]
    total = float(seconds.sum())
    if total <= 0:
        return None
    names = {"below_z1": "Below zone 1"} | {f"z{i}": f"Zone {i}" for i in range(1, 6)}
    rows = [ZoneRow(names[label], low, high, float(s), float(s) / total)
            for label, (low, high), s in zip(ZONE_LABELS, zone_bounds_bpm(settings.hr_max), seconds, strict=True)]
    default_used = finite_float(getattr(profile, "hr_max", None)) != settings.hr_max  # the registry's default
    note = (f"Zones from your maximum heart rate of {settings.hr_max:g} bpm (profile)." if not default_used else
            f"Zones from a default maximum of {settings.hr_max:g} bpm: enter yours on the profile page.")
    return Zones(rows, settings.hr_max, note)
