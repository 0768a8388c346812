"""Plausibility limits on every imported value: one policy for FIT, GPX and TCX.

    violations(activity) -> list[str]      # empty for a clean activity
    clean_file(parsed)                     # cleans every activity in place; raises IngestError
                                           # when no activity has anything usable left

Policy (issue 14):
- streams are cleaned point by point: a value outside its limit becomes NaN, a
  sample with an impossible time is dropped; the file is never rejected for a point;
- an impossible summary (distance, durations, heart rate, cadence, speed, ascent) is
  recomputed from the cleaned samples when they give a plausible value, else left
  empty; either way the activity gets a warning naming the field;
- an activity with nothing usable left (no distance, no duration, no samples) after
  an exclusion is rejected; a file with no activity left is an IngestError.
FIT "invalid" sentinels (0xFF, 0xFFFF, 0xFFFFFFFF after scale and offset) all fall
outside these limits, so they are never stored as data. The limits and their
sources live in the evidence registry (`ingest.plausible.*`); warnings start with
EXCLUDED_PREFIX so the load analysis can say that values were left out.
"""
from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from gpxpy.geo import calculate_uphill_downhill

from kneeguard import evidence
from kneeguard.activity_time import DURATION_COLUMNS, activity_seconds
from kneeguard.ingest import hr as streams
from kneeguard.ingest.model import FIT_EPOCH, IngestError, ParsedActivity, ParsedFile, future_slack_s
from kneeguard.ingest.sports import sport_family

EXCLUDED_PREFIX = "implausible "
SPEED_FAMILIES = frozenset({"running", "walking", "cycling", "swimming"})


@dataclass(frozen=True)
class Limit:
    """Closed range [low, high] of one quantity; `label` and `unit` for messages."""

    low: float
    high: float
    label: str
    unit: str

    def holds(self, value: float) -> bool:
        return math.isfinite(value) and self.low <= value <= self.high

    def text(self) -> str:
        return f"{readable(self.low)} to {readable(self.high)} {self.unit}"


def readable(value: float) -> str:
    """A number for a message: 2,000,000 and 12.5, but 1e+308 rather than 309 digits."""
    if not math.isfinite(value) or abs(value) >= 1e9:
        return f"{value:.3g}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _registry(key: str, label: str, unit: str) -> Limit:
    low, high = evidence.value(f"ingest.plausible.{key}")
    return Limit(float(low), float(high), label, unit)


def speed_limit(sport: str | None) -> Limit:
    family = sport_family(sport)
    return _registry(f"speed_mps.{family if family in SPEED_FAMILIES else 'other'}", "speed", "m/s")


def _summary_limits(sport: str | None) -> dict[str, Limit]:
    """ParsedActivity summary field -> its limit."""
    duration = _registry("duration_s", "duration", "s")
    heart = _registry("heart_rate_bpm", "heart rate", "bpm")
    return {
        "distance_m": _registry("distance_m", "distance", "m"),
        "timer_s": duration, "moving_s": duration, "elapsed_s": duration,
        "avg_hr": heart, "max_hr": heart,
        "avg_cadence_spm": _registry("cadence_spm", "cadence", "steps/min"),
        "avg_speed_mps": speed_limit(sport),
        "ascent_m": _registry("ascent_m", "ascent", "m"),
    }


def _stream_limits(sport: str | None) -> dict[str, Limit]:
    """Sample column -> its limit. Running-dynamics ranges are wide physical bounds
    (not shown as thresholds): they only catch sentinels and corrupt values."""
    return {
        "distance_m": _registry("distance_m", "distance", "m"),
        "speed_mps": speed_limit(sport),
        "heart_rate_bpm": _registry("heart_rate_bpm", "heart rate", "bpm"),
        "cadence_spm": _registry("cadence_spm", "cadence", "steps/min"),
        "altitude_m": _registry("altitude_m", "altitude", "m"),
        "power_w": _registry("power_w", "power", "W"),
        "lat_deg": Limit(-90.0, 90.0, "latitude", "degrees"),
        "lon_deg": Limit(-180.0, 180.0, "longitude", "degrees"),
        # Runners oscillate 50-150 mm; half a metre is a jump, not a stride.
        "vertical_oscillation_mm": Limit(0.0, 500.0, "vertical oscillation", "mm"),
        # Ground contact is 150-350 ms running and under a second walking.
        "ground_contact_ms": Limit(0.0, 2000.0, "ground contact time", "ms"),
        # Sprinters' steps are about 2.7 m; FIT's 16-bit sentinel reads 65.5 m.
        "stride_length_m": Limit(0.0, 5.0, "stride length", "m"),
        "gct_balance_left_pct": Limit(0.0, 100.0, "ground contact balance", "%"),
        "vertical_ratio_pct": Limit(0.0, 100.0, "vertical ratio", "%"),
    }


def time_limits(now: float | None = None) -> tuple[float, float]:
    """(earliest, latest) plausible activity time, Unix seconds."""
    first_year = evidence.value("ingest.plausible.start_year")[0]
    earliest = max(FIT_EPOCH, dt.datetime(int(first_year), 1, 1, tzinfo=dt.timezone.utc))
    return earliest.timestamp(), (time.time() if now is None else now) + future_slack_s()


def _start_of(activity) -> dt.datetime | None:
    start = getattr(activity, "start", None) or getattr(activity, "start_utc", None)
    if isinstance(start, dt.datetime) and start.tzinfo is None:
        start = start.replace(tzinfo=dt.timezone.utc)
    return start


def _number(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _best_duration(activity) -> float | None:
    """The activity's duration by the one rule every view uses (`activity_time`)."""
    return activity_seconds({name: _number(getattr(activity, name, None)) for name in DURATIONS})[0]


def _implied_speed_problem(activity, distance: float | None = None) -> str | None:
    """Why the activity's distance (or `distance`, a candidate for it) is impossible for its duration, or None."""
    distance = _number(getattr(activity, "distance_m", None)) if distance is None else distance
    duration = _best_duration(activity)
    if distance is None or duration is None or not math.isfinite(distance):
        return None
    limit = speed_limit(getattr(activity, "sport", ""))
    speed = distance / duration
    if speed <= limit.high:
        return None
    return (f"distance_m {readable(distance)} m in {readable(duration)} s is {readable(speed)} m/s, "
            f"faster than {readable(limit.high)} m/s")


def violations(activity) -> list[str]:
    """Every value of `activity` outside its limit (a ParsedActivity or a stored
    Activity row); an empty list means the activity is clean."""
    found: list[str] = []
    sport = getattr(activity, "sport", "")
    start = _start_of(activity)
    earliest, latest = time_limits()
    if start is not None and not earliest <= start.timestamp() <= latest:
        found.append(f"start {start.isoformat()} is outside the plausible dates")
    for name, limit in _summary_limits(sport).items():
        value = _number(getattr(activity, name, None))
        if value is not None and not limit.holds(value):
            found.append(f"{name} {readable(value)} is outside {limit.text()}")
    speed_problem = _implied_speed_problem(activity)
    if speed_problem:
        found.append(speed_problem)
    samples = getattr(activity, "samples", None)
    if isinstance(samples, pd.DataFrame) and len(samples):
        for column, limit in _stream_limits(sport).items():
            if column in samples.columns:
                values = samples[column].to_numpy(dtype=float)
                bad = np.isfinite(values) & ~((values >= limit.low) & (values <= limit.high))
                bad |= np.isinf(values)
                if bad.any():
                    found.append(f"{int(bad.sum())} {column} samples outside {limit.text()}")
        if "time" in samples.columns:
            seconds = streams.unix_seconds(samples["time"])
            outside = (seconds < earliest) | (seconds > latest)
            if outside.any():
                found.append(f"{int(outside.sum())} samples dated outside the plausible dates")
    histogram = getattr(activity, "hr_seconds_by_bpm", None)
    if histogram is not None:
        heart = _summary_limits(sport)["avg_hr"]
        seconds = np.asarray(histogram, dtype=float)
        outside = np.ones(seconds.size, dtype=bool)
        outside[int(heart.low): int(heart.high) + 1] = False
        if np.nansum(np.abs(seconds[outside])) > 0:
            found.append(f"heart-rate histogram has time outside {heart.text()}")
    return found


def clean_file(parsed: ParsedFile) -> None:
    """Clean every activity of `parsed` in place; drop those with nothing usable left."""
    kept = []
    for activity in parsed.activities:
        problem = clean_activity(activity)
        if problem is None:
            kept.append(activity)
        elif len(parsed.activities) > 1:
            parsed.warnings.append(f"session {activity.session_index} left out: {problem}")
    if parsed.activities and not kept:
        raise IngestError(parsed.source, problem)
    parsed.activities = kept


def clean_activity(activity: ParsedActivity, now: float | None = None) -> str | None:
    """Clean one activity in place; returns why it must be rejected, or None."""
    earliest, latest = time_limits(now)
    start = activity.start.timestamp()
    if not earliest <= start <= latest:
        return (f"start time {activity.start.isoformat()} is not a plausible date "
                f"(device clock wrong?)")
    warnings_before = len(activity.warnings)
    _clean_samples(activity, earliest, latest)
    _clean_histogram(activity)
    _clean_summaries(activity)
    excluded = len(activity.warnings) > warnings_before
    nothing_left = (activity.distance_m is None and _best_duration(activity) is None
                    and not len(activity.samples))
    if excluded and nothing_left:
        return "no plausible distance, duration or samples left after excluding impossible values"
    return None


def _clean_samples(activity: ParsedActivity, earliest: float, latest: float) -> None:
    samples = activity.samples
    if not len(samples):
        return
    if "time" in samples.columns:
        seconds = streams.unix_seconds(samples["time"])
        outside = (seconds < earliest) | (seconds > latest)
        if outside.any():
            samples = samples.loc[~outside].reset_index(drop=True)
            activity.warnings.append(f"{EXCLUDED_PREFIX}time: dropped {int(outside.sum())} "
                                     "samples dated outside the plausible dates")
    for column, limit in _stream_limits(activity.sport).items():
        if column not in samples.columns:
            continue
        values = samples[column].to_numpy(dtype=float, copy=True)
        bad = ~np.isnan(values) & ~((values >= limit.low) & (values <= limit.high))
        if not bad.any():
            continue
        values[bad] = np.nan
        if np.isnan(values).all():
            samples = samples.drop(columns=column)
        else:
            samples[column] = values
        activity.warnings.append(f"{EXCLUDED_PREFIX}{limit.label}: excluded {int(bad.sum())} "
                                 f"samples outside {limit.text()}")
    activity.samples = samples


def _clean_histogram(activity: ParsedActivity) -> None:
    if activity.hr_seconds_by_bpm is None:
        return
    heart = _summary_limits(activity.sport)["avg_hr"]
    seconds = np.nan_to_num(np.asarray(activity.hr_seconds_by_bpm, dtype=float), posinf=0.0, neginf=0.0)
    inside = np.zeros(seconds.size, dtype=bool)
    inside[int(heart.low): int(heart.high) + 1] = True
    removed = float(np.abs(seconds[~inside]).sum())
    seconds[~inside] = 0.0
    seconds = np.fmax(seconds, 0.0)
    activity.hr_seconds_by_bpm = seconds.tolist() if seconds.sum() > 0 else None
    if removed > 0 and not any(w.startswith(f"{EXCLUDED_PREFIX}heart rate") for w in activity.warnings):
        activity.warnings.append(f"{EXCLUDED_PREFIX}heart rate: excluded {readable(removed)} s "
                                 f"outside {heart.text()}")


def _from_samples(activity: ParsedActivity, name: str) -> float | None:
    """What the cleaned samples say a summary field is, or None."""
    samples = activity.samples
    if not len(samples) or "time" not in samples.columns:
        return None
    times = streams.unix_seconds(samples["time"])

    def column(key: str) -> np.ndarray | None:
        return samples[key].to_numpy(dtype=float) if key in samples.columns else None

    if name == "distance_m":
        return streams.finite_max(column("distance_m"))
    if name in ("timer_s", "elapsed_s"):
        return float(times[-1] - times[0]) if times.size > 1 else None
    if name == "moving_s":
        return streams.moving_seconds(times, column("speed_mps"))
    if name == "avg_hr":
        return streams.time_weighted_mean(times, column("heart_rate_bpm"))
    if name == "max_hr":
        return streams.finite_max(column("heart_rate_bpm"))
    if name == "avg_cadence_spm":
        return streams.time_weighted_mean(times, column("cadence_spm"))
    if name == "ascent_m":
        altitude = column("altitude_m")
        altitude = altitude[np.isfinite(altitude)] if altitude is not None else np.empty(0)
        return float(calculate_uphill_downhill(altitude.tolist())[0]) if altitude.size > 1 else None
    if name == "avg_speed_mps":
        distance, duration = activity.distance_m, _best_duration(activity)
        return distance / duration if distance is not None and duration else None
    return None


def _fill_zero_durations(activity: ParsedActivity, limits: dict[str, Limit]) -> None:
    """A distance covered in 0 s is impossible: each duration given as 0 is recomputed from the samples' time
    span; when none is left above 0, the distance cannot be told from a corrupt one and is left empty."""
    distance = _number(activity.distance_m)
    zero = [name for name in DURATIONS if _number(getattr(activity, name)) == 0]
    if not zero or distance is None or not distance > 0:
        return
    for name in zero:
        value = _from_samples(activity, name)
        if value is not None and value > 0 and limits[name].holds(value):
            setattr(activity, name, value)
            activity.warnings.append(f"{EXCLUDED_PREFIX}{name}: 0 s for {readable(distance)} m; "
                                     f"recomputed from the samples as {readable(value)}")
    for name in zero:  # still 0 (a speed stream of zeros gives 0 s moving for an 11 km run): unknown, not 0
        if _number(getattr(activity, name)) == 0:
            setattr(activity, name, None)
            activity.warnings.append(f"{EXCLUDED_PREFIX}{name}: 0 s for {readable(distance)} m; left empty")
    if _best_duration(activity) is None:
        activity.distance_m = None
        activity.warnings.append(f"{EXCLUDED_PREFIX}distance_m: {readable(distance)} m recorded in 0 s "
                                 "(no time passed in the file); left empty")


def _cap_moving_time(activity: ParsedActivity) -> None:
    """Moving time cannot exceed the elapsed time: a device's moving time a few seconds over it (rounded
    separately, a research engineer found 68.5 s against 64.5 s) is capped at the elapsed time, said."""
    moving, elapsed = _number(activity.moving_s), _number(activity.elapsed_s)
    if moving is not None and elapsed is not None and elapsed > 0 and moving > elapsed:
        activity.moving_s = elapsed
        activity.warnings.append(f"{EXCLUDED_PREFIX}moving_s: {readable(moving)} s is longer than the elapsed "
                                 f"{readable(elapsed)} s; capped at it")


def _replace(activity: ParsedActivity, name: str, why: str, limit: Limit,
             accept: Callable[[float], bool] | None = None) -> None:
    """Recompute `name` from the samples when they give a plausible value (within `limit`, and `accept`ed: a
    distance must also fit the duration), else empty it; the warning says which."""
    value = _from_samples(activity, name)
    if value is not None and limit.holds(value) and (accept is None or accept(value)):
        setattr(activity, name, value)
        outcome = f"recomputed from the samples as {readable(value)}"
    else:
        setattr(activity, name, None)
        # "recomputed as X" beside an empty value misled (the samples' distance was as impossible)
        outcome = "left empty" + (f" (the samples give {readable(value)}, as implausible)"
                                  if value is not None and limit.holds(value) else "")
    activity.warnings.append(f"{EXCLUDED_PREFIX}{name}: {why}; {outcome}")


DURATIONS = DURATION_COLUMNS


def _clean_summaries(activity: ParsedActivity) -> None:
    limits = _summary_limits(activity.sport)
    inputs_before = [_number(getattr(activity, name)) for name in ("distance_m", *DURATIONS)]
    for name, limit in limits.items():
        if name == "avg_speed_mps":
            continue  # after distance and durations, which it derives from
        value = _number(getattr(activity, name))
        if value is not None and not limit.holds(value):
            _replace(activity, name, f"{readable(value)} is outside {limit.text()}", limit)
    _fill_zero_durations(activity, limits)
    _cap_moving_time(activity)
    problem = _implied_speed_problem(activity)
    if problem:
        _replace(activity, "distance_m", problem, limits["distance_m"],
                 accept=lambda distance: _implied_speed_problem(activity, distance) is None)
    if [_number(getattr(activity, name)) for name in ("distance_m", *DURATIONS)] != inputs_before \
            and activity.avg_speed_mps is not None:
        # the average speed the file gave was derived from a distance or time now replaced (a sentinel timer)
        duration = _best_duration(activity)
        activity.avg_speed_mps = activity.distance_m / duration if activity.distance_m is not None and duration else None
    speed = _number(activity.avg_speed_mps)
    if speed is not None and not limits["avg_speed_mps"].holds(speed):
        _replace(activity, "avg_speed_mps", f"{readable(speed)} is outside {limits['avg_speed_mps'].text()}",
                 limits["avg_speed_mps"])
