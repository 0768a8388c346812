"""Daily, weekly and 4-weekly volume, rest days and run streaks."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kneeguard.load import daily_table, four_weekly_table, percent_change, prepare_activities, run_streaks, weekly_table
from kneeguard.load.activities import activities_frame, hr_histogram_matrix
from kneeguard.load.analysis import build_runs
from kneeguard.load.heart_rate import resolve_heart_rate
from kneeguard.load.trimp import activity_loads

AS_OF = dt.date(2024, 3, 17)  # a Sunday


def tables(records, as_of=AS_OF):
    prepared = prepare_activities(activities_frame(records), as_of)
    loads = activity_loads(prepared, hr_histogram_matrix(prepared["hr_seconds_by_bpm"].to_numpy()),
                           resolve_heart_rate(None))
    runs = build_runs(prepared, loads, prepared["is_run"].to_numpy())
    daily = daily_table(prepared, loads["load"].to_numpy(), as_of)
    return prepared, runs, daily


def run(day: str, km: float, minutes: float = 30, **extra):
    return {"start": f"{day} 07:00", "distance_m": km * 1000, "timer_s": minutes * 60, **extra}


def test_daily_covers_first_activity_to_as_of_and_counts_running_only():
    _, _, daily = tables([
        run("2024-03-11", 5), run("2024-03-11", 3, minutes=20),
        {"start": "2024-03-12 07:00", "sport": "cycling", "distance_m": 30_000, "timer_s": 3600, "rpe": 4},
        run("2024-03-14", 8),
    ])
    assert daily.index[0] == pd.Timestamp("2024-03-11") and daily.index[-1] == pd.Timestamp("2024-03-17")
    assert daily.index.name == "date"
    assert daily.loc["2024-03-11", "distance_km"] == pytest.approx(8.0)
    assert daily.loc["2024-03-11", "duration_min"] == pytest.approx(50.0)
    assert daily.loc["2024-03-11", "runs"] == 2
    # the ride is load but not running: a rest day from running
    assert daily.loc["2024-03-12", "distance_km"] == 0 and daily.loc["2024-03-12", "load"] == pytest.approx(240.0)
    assert bool(daily.loc["2024-03-12", "is_rest"])
    assert list(daily["is_rest"]) == [False, True, True, False, True, True, True]


def test_nan_distance_runs_count_as_runs_but_add_no_distance():
    _, _, daily = tables([run("2024-03-16", 5), {"start": "2024-03-17 07:00", "distance_m": np.nan, "timer_s": 1800}])
    assert daily.loc["2024-03-17", "distance_km"] == 0 and daily.loc["2024-03-17", "runs"] == 1


def test_weekly_iso_weeks_change_and_long_run_share():
    records = [run("2024-02-26", 10)]  # Monday of ISO week 9
    records += [run("2024-03-04", 10), run("2024-03-06", 10), run("2024-03-10", 20)]  # week 10: 40 km
    records += [run("2024-03-11", 10), run("2024-03-13", 10), run("2024-03-17", 32)]  # week 11: 52 km
    _, runs, daily = tables(records)
    weekly = weekly_table(daily, runs)
    assert list(weekly["iso_week"]) == ["2024-W09", "2024-W10", "2024-W11"]
    assert weekly.index[1] == pd.Timestamp("2024-03-04") and weekly["week_end"].iloc[1] == pd.Timestamp("2024-03-10")
    assert list(weekly["distance_km"]) == pytest.approx([10, 40, 52])
    assert weekly["change_pct"].iloc[1] == pytest.approx(300.0)
    assert weekly["change_pct"].iloc[2] == pytest.approx(30.0)
    assert list(weekly["runs"]) == [1, 3, 3]
    assert weekly["longest_run_km"].iloc[2] == pytest.approx(32)
    assert weekly["long_run_share"].iloc[1] == pytest.approx(0.5)
    assert weekly["duration_h"].iloc[1] == pytest.approx(1.5)
    assert weekly["complete"].all()


def test_weekly_flags_incomplete_weeks_and_record_start_mid_week():
    _, runs, daily = tables([run("2024-03-07", 5), run("2024-03-12", 20)], as_of=dt.date(2024, 3, 13))
    weekly = weekly_table(daily, runs)
    assert list(weekly["complete"]) == [False, False]  # record starts on a Thursday; as_of is a Wednesday
    assert np.isnan(weekly["change_pct"].iloc[1])  # no jump against a partial first week


def test_weekly_change_after_an_empty_week_is_undefined():
    assert np.isnan(percent_change([10, 0, 5])[2])
    assert percent_change([10, 0, 5])[1] == -100


def test_four_weekly_blocks_end_on_as_of():
    _, runs, daily = tables([run("2024-01-01", 5), run("2024-02-19", 10), run("2024-03-17", 12)])
    blocks = four_weekly_table(daily, runs)
    assert blocks["block_end"].iloc[-1] == pd.Timestamp("2024-03-17")
    assert blocks.index[-1] == pd.Timestamp("2024-02-19")
    assert blocks["distance_km"].iloc[-1] == pytest.approx(22)
    assert blocks["longest_run_km"].iloc[-1] == pytest.approx(12)
    assert blocks["runs"].sum() == 3


def test_run_streaks():
    ran = np.array([1, 1, 0, 1, 1, 1, 0, 0, 1], dtype=bool)
    assert list(run_streaks(ran)) == [1, 2, 0, 1, 2, 3, 0, 0, 1]
    assert list(run_streaks(np.ones(4, dtype=bool))) == [1, 2, 3, 4]
    assert len(run_streaks(np.zeros(0, dtype=bool))) == 0


def test_empty_tables():
    _, runs, daily = tables([])
    assert daily.empty and weekly_table(daily, runs).empty and four_weekly_table(daily, runs).empty


def test_daily_from_a_given_first_day_leaves_earlier_activities_out():
    prepared, _, _ = tables([run("2024-03-01", 50), run("2024-03-16", 5)])
    loads = np.ones(len(prepared))
    daily = daily_table(prepared, loads, AS_OF, first_day=int(prepared["day"].iloc[-1]))
    assert len(daily) == 2 and daily["distance_km"].sum() == pytest.approx(5) and daily["load"].sum() == 1
