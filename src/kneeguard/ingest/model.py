"""What every reader produces: normalised activities, whatever the file format.

Units are SI except where the name says otherwise; cadence is always in
steps/min (FIT running cadence is strides/min and is doubled by the reader).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kneeguard.errors import InvalidInput

# Time bounds every reader (FIT, GPX, TCX, Garmin summaries) and the plausibility check share.
FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.timezone.utc)  # FIT and Garmin times count from here
FIT_EPOCH_UNIX_S = int(FIT_EPOCH.timestamp())
# A point timed before 1990 comes from a device whose clock was never set: readers do not use it as a time.
EARLIEST_TIMED_POINT = dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc).timestamp()


def future_slack_s() -> float:
    """How far after now a time may lie (clock drift, time zones): the registry's `ingest.plausible.start_year`."""
    from kneeguard import evidence

    return float(evidence.value("ingest.plausible.start_year")[1]) * 86400.0


def no_usable_time(fmt: str, earliest: float) -> str:
    """Why a file with no usable time cannot be placed in a training history, from the earliest timestamp it
    holds (NaN without any): a clock never set, a clock set in the future, or no time at all."""
    if earliest < EARLIEST_TIMED_POINT:
        return (f"{fmt} has only timestamps before {1970 if earliest < 0 else 1990} (the device clock was not "
                "set); cannot place it in training history")
    if earliest > time.time() + future_slack_s():
        first = dt.datetime.fromtimestamp(earliest, dt.timezone.utc)
        return (f"{fmt} has only timestamps in the future (from {first:%Y-%m-%d}; the device clock was wrong?); "
                "cannot place it in training history")
    return f"{fmt} has no timestamps; cannot place it in training history"


if TYPE_CHECKING:
    import pandas as pd

# Sample-stream columns; a reader fills those it has and leaves the rest out.
SAMPLE_COLUMNS: dict[str, str] = {
    "time": "datetime64[ns, UTC]",
    "distance_m": "float64",
    "speed_mps": "float64",
    "heart_rate_bpm": "float64",
    "cadence_spm": "float64",
    "altitude_m": "float64",
    "lat_deg": "float64",
    "lon_deg": "float64",
    "power_w": "float64",
    "vertical_oscillation_mm": "float64",
    "ground_contact_ms": "float64",
    "stride_length_m": "float64",
    "gct_balance_left_pct": "float64",
    "vertical_ratio_pct": "float64",
}


def _no_samples() -> pd.DataFrame:
    """An empty sample stream; pandas is imported only when an activity is made (a file is read), so that
    importing the ingest package (e.g. for `kneeguard import` of an empty folder) starts fast."""
    import pandas as pd

    return pd.DataFrame()


@dataclass
class ParsedActivity:
    """One activity (one sport session of a multisport file is one activity)."""

    sport: str  # normalised lower-case: running, cycling, walking, swimming, transition, ...
    start: dt.datetime  # timezone-aware UTC
    sub_sport: str = ""
    distance_m: float | None = None
    timer_s: float | None = None
    moving_s: float | None = None
    elapsed_s: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence_spm: float | None = None
    avg_speed_mps: float | None = None
    ascent_m: float | None = None
    device: str = ""
    name: str = ""
    gear: str = ""  # e.g. Strava 'Activity Gear': used for shoe mileage
    rpe: float | None = None  # CR-10 session RPE when recorded
    session_index: int = 0  # position within its source file
    samples: pd.DataFrame = field(default_factory=_no_samples)
    # Seconds spent at each whole bpm (index = bpm, 0..255); lets load analysis
    # compute TRIMP and zones for any rest/max HR without re-reading samples.
    hr_seconds_by_bpm: list[float] | None = None
    warnings: list[str] = field(default_factory=list)
    laps: list = field(default_factory=list)  # ingest.laps.Lap, as the device recorded them (FIT, TCX)
    # Set when the samples were already written to the store's sample root and dropped from `samples`
    # (a batch worker writes them in parallel so that only the small rest travels to the one writer).
    samples_key: str | None = None


@dataclass
class ParsedFile:
    """What one source file yielded."""

    source: str  # display name: path, or archive!member
    content_hash: str  # sha256 of the (decompressed) file bytes
    format: str  # fit | gpx | tcx
    activities: list[ParsedActivity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. "truncated: kept data before byte 403456"
    skipped_reason: str | None = None  # not an activity file (monitoring, settings, course...)


class IngestError(InvalidInput):
    """A file that cannot be read; the message names the file and the problem."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
