"""Running volume by day, ISO week and 4-week block; rest days, run streaks and long-run share.

Distance, duration and run counts are *running* only (the knee's exposure);
`load` is every sport's TRIMP (the body's cardiovascular load). A rest day is a
day without a run: cross-training counts as rest from running.
All binning is integer arithmetic on day numbers (days since 1970-01-01).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kneeguard.load.activities import day_number

DAILY_COLUMNS = ("distance_km", "duration_min", "load", "runs", "is_rest", "load_estimated")
WEEKLY_COLUMNS = (
    "iso_week", "week_end", "complete", "distance_km", "duration_h", "runs", "load",
    "change_pct", "longest_run_km", "long_run_share",
)
FOUR_WEEKLY_COLUMNS = ("block_end", "distance_km", "duration_h", "runs", "load", "change_pct", "longest_run_km")
_MONDAY_OFFSET = 3  # 1970-01-01 was a Thursday: (day + 3) // 7 numbers Monday-based weeks
BLOCK_DAYS = 28  # the four-weekly table's block: four whole weeks, counted back from the analysis day


def daily_table(
    prepared: pd.DataFrame,
    loads: np.ndarray,
    as_of,
    first_day: int | None = None,
    estimated: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per calendar day from the first activity (or `first_day`) to `as_of`.

    Index: tz-naive DatetimeIndex named 'date'. Columns: distance_km, duration_min
    (running), load (all sports), runs, is_rest, load_estimated (True where some
    of the day's load is the duration-based estimate; `estimated` flags those
    activities).
    """
    last = day_number(as_of)
    days = prepared["day"].to_numpy(dtype=np.int64)
    if first_day is None:
        first_day = int(days.min()) if len(days) else last + 1
    n_days = max(last - first_day + 1, 0)
    offset = days - first_day
    inside = (offset >= 0) & (offset < n_days)  # activities outside the requested days are left out
    is_run = prepared["is_run"].to_numpy(dtype=bool) & inside
    offset = np.where(inside, offset, 0)
    run_offset = offset[is_run]

    def total(weights: np.ndarray, at: np.ndarray = run_offset) -> np.ndarray:
        return np.bincount(at, weights=np.nan_to_num(weights), minlength=n_days)[:n_days]

    runs = np.bincount(run_offset, minlength=n_days)[:n_days]
    index = pd.DatetimeIndex(
        (np.arange(n_days, dtype=np.int64) + first_day).astype("datetime64[D]").astype("datetime64[ns]"), name="date"
    )
    return pd.DataFrame(
        {
            "distance_km": total(prepared["distance_m"].to_numpy(dtype=float)[is_run]) / 1000.0,
            "duration_min": total(prepared["duration_s"].to_numpy(dtype=float)[is_run]) / 60.0,
            "load": total(np.where(inside, np.asarray(loads, dtype=float), 0.0), offset),
            "runs": runs.astype(np.int64),
            "is_rest": runs == 0,
            "load_estimated": total(np.where(inside, np.asarray(estimated, dtype=float), 0.0), offset) > 0
            if estimated is not None else np.zeros(n_days, dtype=bool),
        },
        index=index,
    )


def _week_number(day: np.ndarray) -> np.ndarray:
    return (day + _MONDAY_OFFSET) // 7


def weekly_table(daily: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """ISO weeks (Monday to Sunday) covering `daily`; the last one may be incomplete.

    Index: the week's Monday ('week_start'). `change_pct` compares with the
    previous week (NaN when that week had no distance or began before the
    record); `complete` is False for a week cut by the start of the record or by
    the analysis day; `long_run_share` is the week's longest run over its distance.
    """
    if daily.empty:
        return pd.DataFrame(columns=list(WEEKLY_COLUMNS), index=pd.DatetimeIndex([], name="week_start"))
    day = _days_of(daily.index)
    week = _week_number(day)
    first_week = int(week[0])
    slot = week - first_week
    n = int(slot[-1]) + 1
    distance = np.bincount(slot, weights=daily["distance_km"].to_numpy(), minlength=n)
    longest = _group_max(runs, lambda d: _week_number(d) - first_week, n)
    monday = (np.arange(n, dtype=np.int64) + first_week) * 7 - _MONDAY_OFFSET
    change = percent_change(distance)
    change[1:][monday[:-1] < day[0]] = np.nan  # the record began mid-way through the previous week
    frame = pd.DataFrame(
        {
            "iso_week": [f"{y}-W{w:02d}" for y, w in _iso_labels(monday)],
            "week_end": _to_index(monday + 6),
            "complete": (monday >= day[0]) & (monday + 6 <= day[-1]),
            "distance_km": distance,
            "duration_h": np.bincount(slot, weights=daily["duration_min"].to_numpy(), minlength=n) / 60.0,
            "runs": np.bincount(slot, weights=daily["runs"].to_numpy(), minlength=n).astype(np.int64),
            "load": np.bincount(slot, weights=daily["load"].to_numpy(), minlength=n),
            "change_pct": change,
            "longest_run_km": longest,
            "long_run_share": _share(longest, distance),
        },
        index=_to_index(monday, "week_start"),
    )
    return frame


def four_weekly_table(daily: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """BLOCK_DAYS (28-day) blocks counted back from the analysis day, so the newest block is complete.

    Index: the block's first day ('block_start'). A first block that reaches
    before the record holds only the days the record has.
    """
    if daily.empty:
        return pd.DataFrame(columns=list(FOUR_WEEKLY_COLUMNS), index=pd.DatetimeIndex([], name="block_start"))
    day = _days_of(daily.index)
    last = int(day[-1])
    back = (last - day) // BLOCK_DAYS  # 0 = newest block
    n = int(back[0]) + 1
    slot = n - 1 - back

    def block_of(run_days: np.ndarray) -> np.ndarray:
        return n - 1 - (last - run_days) // BLOCK_DAYS

    distance = np.bincount(slot, weights=daily["distance_km"].to_numpy(), minlength=n)
    block_end = last - BLOCK_DAYS * (n - 1 - np.arange(n, dtype=np.int64))
    change = percent_change(distance)
    change[1:][block_end[:-1] - (BLOCK_DAYS - 1) < day[0]] = np.nan  # the record began inside the previous block
    return pd.DataFrame(
        {
            "block_end": _to_index(block_end),
            "distance_km": distance,
            "duration_h": np.bincount(slot, weights=daily["duration_min"].to_numpy(), minlength=n) / 60.0,
            "runs": np.bincount(slot, weights=daily["runs"].to_numpy(), minlength=n).astype(np.int64),
            "load": np.bincount(slot, weights=daily["load"].to_numpy(), minlength=n),
            "change_pct": change,
            "longest_run_km": _group_max(runs, block_of, n),
        },
        index=_to_index(block_end - 27, "block_start"),
    )


def percent_change(values: np.ndarray) -> np.ndarray:
    """Change from the previous entry in percent; NaN for the first entry and after a zero."""
    values = np.asarray(values, dtype=float)
    out = np.full(len(values), np.nan)
    if len(values) > 1:
        prev = values[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[1:] = np.where(prev > 0, (values[1:] - prev) / prev * 100.0, np.nan)
    return out


def run_streaks(ran: np.ndarray) -> np.ndarray:
    """Consecutive days with a run ending on each day (0 on rest days)."""
    ran = np.asarray(ran, dtype=bool)
    count = np.cumsum(ran)
    # subtract the running count at the most recent rest day
    last_rest_count = np.maximum.accumulate(np.where(~ran, count, 0))
    return (count - last_rest_count).astype(np.int64)


def rest_days(daily: pd.DataFrame, days: int) -> int:
    """Days without a run among the last `days` days of `daily`."""
    return int(daily["is_rest"].to_numpy()[-days:].sum())


def _group_max(runs: pd.DataFrame, slot_of, n: int) -> np.ndarray:
    """Longest run distance (km) in each of n slots; NaN where the slot has no distance."""
    out = np.full(n, -np.inf)
    if len(runs):
        distance = runs["distance_m"].to_numpy(dtype=float) / 1000.0
        known = ~np.isnan(distance)
        slots = slot_of(runs["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)[known])
        inside = (slots >= 0) & (slots < n)
        np.maximum.at(out, slots[inside], distance[known][inside])
    return np.where(np.isfinite(out), out, np.nan)


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, part / whole, np.nan)


def _days_of(index: pd.DatetimeIndex) -> np.ndarray:
    return index.to_numpy(dtype="datetime64[D]").astype(np.int64)


def _to_index(days: np.ndarray, name: str | None = None) -> pd.DatetimeIndex:
    stamps = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]")
    return pd.DatetimeIndex(stamps, name=name)


def _iso_labels(mondays: np.ndarray) -> list[tuple[int, int]]:
    """(ISO year, ISO week) of each Monday day number: the week's Thursday decides both."""
    thursday = (np.asarray(mondays, dtype=np.int64) + 3).astype("datetime64[D]")
    year_start = thursday.astype("datetime64[Y]")
    week = (thursday - year_start.astype("datetime64[D]")).astype(np.int64) // 7 + 1
    return list(zip((year_start.astype(np.int64) + 1970).tolist(), week.tolist()))
