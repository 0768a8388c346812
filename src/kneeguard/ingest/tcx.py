"""TCX reader on xml.etree: one ParsedActivity per <Activity>.

tcxreader was not used: it ignores the device-written lap summaries
(TotalTimeSeconds, AverageHeartRateBpm), drops laps without track points and
keeps only the last activity's sport. Totals here come from the laps, the
device's own numbers: distance and timer are lap sums, average HR is
lap-time-weighted. Garmin's running cadence (<RunCadence>, and <Cadence> under
a running activity) counts one foot, so foot sports are doubled to steps/min.
"""
from __future__ import annotations

import datetime as dt
import time
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
from gpxpy.geo import calculate_uphill_downhill

from kneeguard.ingest import hr as streams
from kneeguard.ingest.laps import make_lap
from kneeguard.ingest.model import (EARLIEST_TIMED_POINT, IngestError, ParsedActivity, ParsedFile, future_slack_s,
                                    no_usable_time)

SPORTS = {"running": "running", "biking": "cycling", "other": "other"}
FOOT_SPORTS = frozenset({"running", "walking", "hiking"})
MAX_FORWARD_JUMP_S = 86400.0
# Times before this are placeholders (e.g. 1901 or 1970 from an unset clock).
# Trackpoint fields: output key -> path of local names below <Trackpoint>.
POINT_PATHS = {
    "distance_m": ("DistanceMeters",),
    "altitude_m": ("AltitudeMeters",),
    "lat_deg": ("Position", "LatitudeDegrees"),
    "lon_deg": ("Position", "LongitudeDegrees"),
    "heart_rate_bpm": ("HeartRateBpm", "Value"),
    "cadence": ("Cadence",),
    "run_cadence": ("Extensions", "TPX", "RunCadence"),
    "speed_mps": ("Extensions", "TPX", "Speed"),
    "power_w": ("Extensions", "TPX", "Watts"),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, *path: str) -> ET.Element | None:
    """First descendant along `path` of local names, whatever the namespace."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def _number(element: ET.Element | None, *path: str) -> float | None:
    found = _child(element, *path)
    if found is None or found.text is None:
        return None
    try:
        value = float(found.text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _time(text: str | None) -> dt.datetime | None:
    """A plausible UTC time, or None (placeholder years and future dates are not)."""
    if not text:
        return None
    try:
        stamp = pd.to_datetime(text.strip(), utc=True, errors="coerce", format="ISO8601")
    except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError):
        return None
    if pd.isna(stamp) or not EARLIEST_TIMED_POINT <= stamp.timestamp() <= time.time() + future_slack_s():
        return None
    return stamp.to_pydatetime()


def read_tcx(name: str, data: bytes, content_hash: str) -> ParsedFile:
    """Decode TCX bytes; raises IngestError on malformed XML."""
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, LookupError) as exc:  # LookupError: unknown declared encoding
        raise IngestError(name, f"TCX is not well-formed XML ({exc})") from exc
    parsed = ParsedFile(source=name, content_hash=content_hash, format="tcx")
    activities = [e for e in root.iter() if _local(e.tag) == "Activity"]
    for element in activities:
        activity = _activity(element, len(parsed.activities))
        if activity is not None:
            parsed.activities.append(activity)
    if not parsed.activities:
        if activities:
            raise IngestError(name, no_usable_time("TCX", _earliest_stamp(root)))
        parsed.skipped_reason = "TCX has no activity (course or workout file), not an activity"
    return parsed


def _earliest_stamp(root: ET.Element) -> float:
    """The earliest time the file writes (an activity's Id, a lap's StartTime, a point's Time), plausible or
    not, in Unix seconds; NaN without any: to say why none could be used."""
    stamps = [pd.to_datetime(e.text.strip(), utc=True, errors="coerce", format="ISO8601")
              for e in root.iter() if _local(e.tag) in ("Id", "Time") and e.text]
    stamps += [pd.to_datetime(e.get("StartTime", "").strip(), utc=True, errors="coerce", format="ISO8601")
               for e in root.iter() if _local(e.tag) == "Lap" and e.get("StartTime")]
    seconds = [s.timestamp() for s in stamps if not pd.isna(s)]
    return min(seconds) if seconds else float("nan")


def _points(element: ET.Element) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    stamps, columns = [], {key: [] for key in POINT_PATHS}
    for point in element.iter():
        if _local(point.tag) != "Trackpoint":
            continue
        time_element = _child(point, "Time")
        stamps.append(time_element.text.strip() if time_element is not None and time_element.text else None)
        for key, path in POINT_PATHS.items():
            value = _number(point, *path)
            columns[key].append(np.nan if value is None else value)
    return _unix_times(stamps), {key: np.asarray(values, dtype=float) for key, values in columns.items()}


def _unix_times(stamps: list[str | None]) -> np.ndarray:
    """Unix seconds per stamp; NaN for a missing, malformed or out-of-range one (year 1
    or 9999 lies outside pandas' nanosecond range): that point is dropped, not the file."""
    try:
        parsed = pd.DatetimeIndex(pd.to_datetime(
            pd.Series(stamps, dtype=object), utc=True, errors="coerce", format="ISO8601"))
    except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError):
        return np.array([_one_time(stamp) for stamp in stamps], dtype=float)
    times = parsed.as_unit("us").asi8 / 1e6  # microseconds reach years 1 to 9999
    times[parsed.isna()] = np.nan
    return times


def _one_time(stamp: str | None) -> float:
    try:
        moment = pd.Timestamp(stamp)
        return moment.tz_localize("UTC").timestamp() if moment.tzinfo is None else moment.timestamp()
    except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError, TypeError):
        return np.nan


def _lap_totals(element: ET.Element) -> dict:
    laps = [lap for lap in element if _local(lap.tag) == "Lap"]
    seconds = [_number(lap, "TotalTimeSeconds") for lap in laps]
    distances = [_number(lap, "DistanceMeters") for lap in laps]
    heart = [_number(lap, "AverageHeartRateBpm", "Value") for lap in laps]
    max_heart = [_number(lap, "MaximumHeartRateBpm", "Value") for lap in laps]
    cadence = [_number(lap, "Extensions", "LX", "AvgRunCadence") or _number(lap, "Cadence")
               for lap in laps]
    return {
        "laps": laps,
        "recorded": [make_lap(_time(lap.get("StartTime")), s, d, h)
                     for lap, s, d, h in zip(laps, seconds, distances, heart, strict=True)],
        "timer": sum(s for s in seconds if s) if any(seconds) else None,
        "distance": sum(distances) if distances and None not in distances else None,
        "hr": _weighted(heart, seconds),
        "max_hr": max((h for h in max_heart if h), default=None),
        "cadence": _weighted(cadence, seconds),
    }


def _weighted(values: list, weights: list) -> float | None:
    pairs = [(v, w or 0.0) for v, w in zip(values, weights) if v]
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    if total <= 0:
        return float(np.mean([v for v, _ in pairs]))
    return sum(v * w for v, w in pairs) / total


def _activity(element: ET.Element, index: int) -> ParsedActivity | None:
    declared = element.get("Sport", "").strip().lower()
    sport = SPORTS.get(declared, declared or "unknown")
    foot = sport in FOOT_SPORTS
    warnings: list[str] = []
    laps = _lap_totals(element)
    times, columns = _points(element)
    identifier = _child(element, "Id")
    start = _time(identifier.text if identifier is not None else None)
    if start is None and laps["laps"]:
        start = _time(laps["laps"][0].get("StartTime"))
    valid = (times >= EARLIEST_TIMED_POINT) & (times <= time.time() + future_slack_s())
    rows = np.flatnonzero(valid)
    if start is None and rows.size:
        start = dt.datetime.fromtimestamp(float(times[rows[0]]), dt.timezone.utc)
    if start is None:
        return None
    if rows.size:
        anchor = min(start.timestamp(), float(times[rows[0]]))
        rows = rows[streams.forward_indices(times[rows], anchor, MAX_FORWARD_JUMP_S)]
    if rows.size < len(times):
        warnings.append(f"{len(times) - rows.size} trackpoints without a usable, forward-going "
                        "time are left out of the samples")
    sample_times = times[rows]
    values = {key: column[rows] for key, column in columns.items()}
    heart = values["heart_rate_bpm"]
    heart[(heart <= 0) | (heart >= 250)] = np.nan
    per_foot = values.pop("run_cadence")
    cadence = values.pop("cadence")
    if foot:
        per_foot = np.where(np.isfinite(per_foot), per_foot, cadence) * 2.0
        per_foot[per_foot <= 0] = np.nan
        values["cadence_spm"] = per_foot
    distance = laps["distance"]
    if distance is None:
        recorded = values["distance_m"]
        distance = float(np.nanmax(recorded)) if np.isfinite(recorded).any() else None
        warnings.append("laps lack DistanceMeters: distance taken from trackpoints"
                        if distance is not None else "no distance in laps or trackpoints")
    elapsed = None
    if sample_times.size:
        elapsed = max(float(sample_times[-1] - start.timestamp()), 0.0)
    timer = laps["timer"]
    avg_cadence = None
    if foot:
        avg_cadence = laps["cadence"] * 2.0 if laps["cadence"] else streams.time_weighted_mean(
            sample_times, values["cadence_spm"])
    creator = _child(element, "Creator", "Name")
    return ParsedActivity(
        sport=sport,
        start=start,
        distance_m=distance,
        timer_s=timer,
        moving_s=streams.moving_seconds(sample_times, _speed(sample_times, values)),
        elapsed_s=elapsed,
        avg_hr=laps["hr"] or streams.time_weighted_mean(sample_times, heart),
        max_hr=laps["max_hr"] or streams.finite_max(heart),
        avg_cadence_spm=avg_cadence,
        avg_speed_mps=distance / timer if distance is not None and timer else None,
        ascent_m=_ascent(values["altitude_m"]),
        device=(creator.text or "").strip() if creator is not None else "",
        session_index=index,
        samples=streams.samples_frame(sample_times, values),
        hr_seconds_by_bpm=streams.hr_seconds_by_bpm(sample_times, heart),
        warnings=warnings,
        laps=laps["recorded"],
    )


def _speed(times: np.ndarray, values: dict) -> np.ndarray | None:
    """Recorded speed, else speed derived from cumulative distance."""
    speed = values["speed_mps"]
    if np.isfinite(speed).any() or times.size < 2:
        return speed
    distance = values["distance_m"]
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.diff(distance) / np.diff(times)
    values["speed_mps"] = np.concatenate([[np.nan], np.where(np.isfinite(derived), derived, np.nan)])
    return values["speed_mps"]


def _ascent(altitude: np.ndarray) -> float | None:
    """Climb from trackpoint altitudes, smoothed the way gpxpy does for GPX."""
    recorded = altitude[np.isfinite(altitude)]
    if recorded.size < 2:
        return None
    return float(calculate_uphill_downhill(recorded.tolist())[0])
