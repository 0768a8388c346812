"""Laps as the device recorded them (FIT `lap` messages, TCX `<Lap>` elements).

A lap is the device's own summary of a stretch the runner marked (the lap button, an auto-lap every
kilometre or mile, a workout step): its timer time, distance and average heart rate, as the watch
showed them. The activity page lists them when a file has two or more; otherwise it computes
per-kilometre splits from the distance stream (load/splits.py). Stored as JSON on the activity.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from kneeguard.numbers import finite_float

MAX_LAPS = 1000  # an ultra with auto-lap every km has a few hundred; more is a broken file


@dataclass(frozen=True)
class Lap:
    start: dt.datetime | None  # UTC
    timer_s: float | None
    distance_m: float | None
    avg_hr: float | None

    @property
    def pace_s_per_km(self) -> float | None:
        if not self.timer_s or not self.distance_m or self.timer_s <= 0 or self.distance_m <= 0:
            return None
        return self.timer_s / self.distance_m * 1000.0

    def to_dict(self) -> dict:
        return {"start": None if self.start is None else self.start.isoformat(), "timer_s": self.timer_s,
                "distance_m": self.distance_m, "avg_hr": self.avg_hr}

    @classmethod
    def from_dict(cls, data: dict) -> Lap:
        return cls(_moment(data.get("start")), finite_float(data.get("timer_s")),
                   finite_float(data.get("distance_m")), finite_float(data.get("avg_hr")))


def _moment(text) -> dt.datetime | None:
    """A stored ISO 8601 UTC time; None for anything else (a damaged column never breaks a page)."""
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def make_lap(start: dt.datetime | None, timer_s, distance_m, avg_hr) -> Lap:
    """A lap with its numbers checked: negative or non-finite ones, and 0 bpm (no strap), become None."""
    timer, distance, heart = finite_float(timer_s), finite_float(distance_m), finite_float(avg_hr)
    return Lap(start, timer if timer is not None and timer >= 0 else None,
               distance if distance is not None and distance >= 0 else None,
               heart if heart is not None and 0 < heart < 250 else None)


def laps_json(laps: list[Lap] | None) -> str | None:
    """The stored form: None without laps worth listing (fewer than two say nothing a summary does not)."""
    if not laps or len(laps) < 2:
        return None
    return json.dumps([lap.to_dict() for lap in laps[:MAX_LAPS]], allow_nan=False)


def laps_from_json(text: str | None) -> list[Lap]:
    if not text:
        return []
    try:
        rows = json.loads(text)
    except ValueError:
        return []
    return [Lap.from_dict(row) for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def within(laps: list[Lap], start: dt.datetime, end: dt.datetime | None) -> list[Lap]:
    """The laps that begin inside one session (a multisport file lists every session's laps together)."""
    slack = dt.timedelta(seconds=1)
    return [lap for lap in laps if lap.start is None or
            (lap.start >= start - slack and (end is None or lap.start < end - slack))]
