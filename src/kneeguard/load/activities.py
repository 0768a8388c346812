"""Normalise the store's activity frame into the one clean frame every load step reads.

The store hands over one row per activity (see `INPUT_COLUMNS`); rows may be
unsorted, columns may hold NaN/None, and the frame may be empty. Everything
downstream relies on `prepare_activities` having:

- sorted rows by start time and dropped rows without a start;
- dropped activities whose *local* calendar day is after `as_of`;
- integer day numbers (`day`, days since 1970-01-01 in the athlete's time zone)
  so daily/weekly binning is plain integer arithmetic;
- `is_run`, a cleaned `distance_m` (zero or negative distances become NaN: a
  treadmill run without a foot pod records 0 m, which is "unknown", not "short");
- `duration_s`: timer time, else moving time, else elapsed time (load should
  follow time spent running, not wall-clock time including stops).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kneeguard.activity_time import DURATION_COLUMNS

# sport values that count as running. The store normalises trail and treadmill
# runs to sport 'running' with a sub_sport; the other two spellings are
# accepted in case a source passes them through unchanged.
RUNNING_SPORTS = frozenset({"running", "trail_running", "treadmill_running"})

HR_BINS = 256  # hr_seconds_by_bpm has one entry per whole bpm 0..255
NS_PER_DAY = 86_400 * 10**9
EPOCH = dt.date(1970, 1, 1)

INPUT_COLUMNS: dict[str, object] = {
    "id": "int64",
    "start": "datetime64[ns, UTC]",
    "sport": "str",
    "sub_sport": "str",
    "distance_m": "float64",
    "timer_s": "float64",
    "moving_s": "float64",
    "elapsed_s": "float64",
    "avg_hr": "float64",
    "rpe": "float64",
    "hr_seconds_by_bpm": "object",
    "shoe_id": "Int64",
    "values_excluded": "bool",  # the import left out implausible values
}


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01, the integer the load frames are binned on."""
    return (day - EPOCH).days


def day_to_date(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


def earliest_set_clock_date() -> dt.date:
    """The first day a real start can fall on: earlier FIT times count from device power-on (clock never set)."""
    from kneeguard.ingest.fit import FIT_ABSOLUTE_MIN, FIT_EPOCH_UNIX_S

    return dt.datetime.fromtimestamp(FIT_EPOCH_UNIX_S + FIT_ABSOLUTE_MIN, dt.timezone.utc).date()


def prepare_activities(activities: pd.DataFrame | None, as_of: dt.date, tz: str = "UTC") -> pd.DataFrame:
    """Sorted, cleaned copy of `activities` up to and including local day `as_of`.

    `tz` only decides which calendar day an activity belongs to (daily totals,
    rest days, weeks); the spike rule works on exact UTC start times.
    A tz-naive `start` column is taken to be UTC.
    """
    frame = _with_all_columns(activities)
    start = _utc_start(frame["start"])
    has_start = start.notna().to_numpy()
    start_ns = start.array.asi8
    if tz == "UTC":
        day = start_ns // NS_PER_DAY
    else:
        day = start.dt.tz_convert(tz).dt.tz_localize(None).array.asi8 // NS_PER_DAY
    keep = has_start & (day <= day_number(as_of))
    # one stable argsort (store order kept for equal start times) instead of sorting a frame
    order = np.flatnonzero(keep)[np.argsort(start_ns[keep], kind="stable")]

    sport = _lower_text(frame["sport"].to_numpy(dtype=object)[order])
    distance = _numbers(frame["distance_m"])[order]
    duration, source = _duration(frame)
    shoe = frame["shoe_id"].astype("Int64").array[order]
    return pd.DataFrame(
        {
            "id": frame["id"].to_numpy()[order],
            "start": start.array[order],
            "start_ns": start_ns[order],
            "day": day[order],
            "sport": sport,
            "sub_sport": _lower_text(frame["sub_sport"].to_numpy(dtype=object)[order]),
            "is_run": np.isin(sport, list(RUNNING_SPORTS)),
            # 0 m (treadmill without a foot pod) means "unknown", not "short"
            "distance_m": np.where(distance > 0, distance, np.nan),
            "duration_s": duration[order],
            "duration_source": source[order],
            "avg_hr": _numbers(frame["avg_hr"])[order],
            "rpe": _numbers(frame["rpe"])[order],
            "hr_seconds_by_bpm": frame["hr_seconds_by_bpm"].to_numpy(dtype=object)[order],
            "shoe_id": shoe,
            "values_excluded": frame["values_excluded"].astype("boolean").fillna(False).to_numpy(dtype=bool)[order],
        }
    )


def _utc_start(start: pd.Series) -> pd.Series:
    """Start times as datetime64[ns, UTC]; tz-naive values are taken to be UTC."""
    if isinstance(start.dtype, pd.DatetimeTZDtype):
        return start.dt.tz_convert("UTC").dt.as_unit("ns")
    if pd.api.types.is_datetime64_dtype(start.dtype):
        return start.dt.tz_localize("UTC").dt.as_unit("ns")
    return pd.to_datetime(start, utc=True, errors="coerce").dt.as_unit("ns")


def _numbers(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_float_dtype(column.dtype) and not isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return column.to_numpy()  # already float64/32: the common case, no parsing
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _lower_text(values: np.ndarray) -> np.ndarray:
    """Lower-case, stripped strings; None/NaN become ''. Works per distinct value (few sports)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = np.array([v.strip().lower() if isinstance(v, str) else "" for v in uniques] + [""], dtype=object)
    return cleaned[codes]  # code -1 (missing) picks the trailing ''


def _with_all_columns(activities: pd.DataFrame | None) -> pd.DataFrame:
    """The input with every contract column present (missing ones filled empty)."""
    frame = pd.DataFrame() if activities is None else activities
    missing = [name for name in INPUT_COLUMNS if name not in frame.columns]
    if not missing:
        return frame
    frame = frame.copy()
    n = len(frame)
    for name in missing:
        if name == "hr_seconds_by_bpm":
            frame[name] = pd.Series([None] * n, index=frame.index, dtype=object)
        elif name == "id":
            frame[name] = np.arange(n, dtype=np.int64)
        elif name == "start":
            frame[name] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
        elif name in ("sport", "sub_sport"):
            frame[name] = ""
        elif name == "shoe_id":
            frame[name] = pd.array([pd.NA] * n, dtype="Int64")
        elif name == "values_excluded":
            frame[name] = False
        else:
            frame[name] = np.nan
    return frame


def _duration(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of activity: timer, else moving, else elapsed (`activity_time`, the views' rule); and which one
    was used."""
    duration = np.full(len(frame), np.nan)
    source = np.full(len(frame), "", dtype=object)
    for column in DURATION_COLUMNS:
        values = _numbers(frame[column])
        fill = np.isnan(duration) & (values > 0)
        duration[fill] = values[fill]
        source[fill] = column
    return duration, source


def hr_histogram_matrix(histograms: np.ndarray) -> np.ndarray:
    """(n, 256) seconds-at-each-bpm matrix; rows without a histogram are zeros.

    Built once so Banister TRIMP, Edwards TRIMP and zone times are each a
    single matrix product instead of a Python loop over activities.
    """
    rows = [i for i, h in enumerate(histograms) if isinstance(h, (list, tuple, np.ndarray))]
    if not rows:
        return np.zeros((len(histograms), HR_BINS))
    try:
        filled = np.asarray([histograms[i] for i in rows], dtype=float)
    except ValueError:
        filled = None  # ragged: some histogram is not 256 long
    if filled is None or filled.shape[1:] != (HR_BINS,):
        filled = np.zeros((len(rows), HR_BINS))
        for k, i in enumerate(rows):  # truncate or zero-pad each row
            values = np.asarray(histograms[i], dtype=float).ravel()[:HR_BINS]
            filled[k, : len(values)] = values
    if len(rows) == len(histograms):
        matrix = filled
    else:
        matrix = np.zeros((len(histograms), HR_BINS))
        matrix[rows] = filled
    np.fmax(matrix, 0.0, out=matrix)  # NaN and negative seconds -> 0 in one pass
    broken = ~np.isfinite(matrix.sum(axis=1))  # an infinite entry: drop that histogram
    if broken.any():
        matrix[broken] = 0.0
    return matrix


def activities_frame(records: list[dict]) -> pd.DataFrame:
    """A frame in the store's input format from plain dicts, for tests, demos and notebooks.

    Keys are the `INPUT_COLUMNS`; missing ones are left empty, `id` defaults to
    the position (from 1), `sport` to 'running', and `start` may be any string
    or datetime pandas understands (naive = UTC).
    """
    rows = []
    for position, record in enumerate(records, start=1):
        row = {"id": position, "sport": "running", "sub_sport": "", "hr_seconds_by_bpm": None, "shoe_id": None}
        row.update(record)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(INPUT_COLUMNS))
    frame["id"] = frame["id"].astype(np.int64)
    frame["start"] = pd.to_datetime(frame["start"], utc=True, format="mixed").astype("datetime64[ns, UTC]")
    for name in ("distance_m", "timer_s", "moving_s", "elapsed_s", "avg_hr", "rpe"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    frame["sport"] = frame["sport"].fillna("").astype(str)
    frame["sub_sport"] = frame["sub_sport"].fillna("").astype(str)
    frame["shoe_id"] = pd.array(frame["shoe_id"].tolist(), dtype="Int64")
    frame["hr_seconds_by_bpm"] = pd.Series(list(frame["hr_seconds_by_bpm"]), dtype=object)
    return frame
