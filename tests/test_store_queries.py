"""Read side: the load-engine frame (columns, dtypes, speed), listings, samples."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert

from kneeguard.store import (
    UnknownActivity, activities_frame, athletes, import_sources, list_activities, load_samples, shoes,
)
from kneeguard.store.importer import histogram_blob
from kneeguard.store.models import Activity
from kneeguard.store.queries import FRAME_COLUMNS
from tests.test_store_support import Decoder, activity, at

EXPECTED_COLUMNS = ["id", "start", "sport", "sub_sport", "distance_m", "timer_s", "moving_s", "elapsed_s",
                    "avg_hr", "rpe", "hr_seconds_by_bpm", "shoe_id", "values_excluded"]


def bulk_days(store, athlete: str, days: int, start: dt.datetime) -> int:
    blob = histogram_blob(np.arange(256.0))
    with store.begin() as s:
        owner = athletes.get_or_create(s, athlete)
        rows = [dict(athlete_id=owner.id, sport="running" if i % 7 else "cycling", sub_sport="",
                     start_utc=start + dt.timedelta(days=i, seconds=i), distance_m=8000.0 + i,
                     timer_s=2400.0, moving_s=2300.0, elapsed_s=2500.0, avg_hr=None if i % 5 == 0 else 140.0,
                     rpe=4.0 if i % 3 == 0 else None, source_name="bulk", content_hash=f"{i:064x}",
                     session_index=0, hr_histogram=blob if i % 2 else None, gear="", device="", name="",
                     warnings="[]", imported_at=start)
                for i in range(days)]
        s.execute(insert(Activity), rows)
        shoes.add(s, owner, "Daily", default=True, created_on=(start + dt.timedelta(days=100)).date())
        return owner.id


def test_frame_columns_and_dtypes(store):
    athlete_id = bulk_days(store, "ana", 30, at(2024, 1, 1, 6))
    with store.session() as s:
        frame = activities_frame(s, athlete_id)
    assert list(frame.columns) == EXPECTED_COLUMNS == list(FRAME_COLUMNS)
    assert len(frame) == 30
    assert str(frame["start"].dtype) == "datetime64[ns, UTC]"
    assert frame["id"].dtype == np.int64
    for column in ("distance_m", "timer_s", "moving_s", "elapsed_s", "avg_hr", "rpe"):
        assert frame[column].dtype == np.float64, column
    assert frame["avg_hr"].isna().sum() == 6 and frame["rpe"].notna().sum() == 10
    assert frame["sport"].dtype == pd.Series(["x"]).dtype  # pandas' default string dtype
    assert frame["sport"].tolist()[:2] == ["cycling", "running"]
    assert str(frame["shoe_id"].dtype) == "Int64"
    assert frame["shoe_id"].isna().all()  # default shoe added after these days
    hist = frame["hr_seconds_by_bpm"]
    assert hist.dtype == object and hist.iloc[0] is None
    assert isinstance(hist.iloc[1], np.ndarray) and hist.iloc[1].shape == (256,)
    assert hist.iloc[1][200] == 200.0
    assert frame["start"].is_monotonic_increasing
    assert frame["start"].iloc[1] == pd.Timestamp("2024-01-02 06:00:01", tz="UTC")


def test_frame_until_and_empty(store):
    athlete_id = bulk_days(store, "ana", 10, at(2024, 1, 1, 23, 59))
    with store.session() as s:
        assert len(activities_frame(s, athlete_id, until=dt.date(2024, 1, 3))) == 3
        empty = activities_frame(s, athletes.get_or_create(s, "nobody").id)
    assert list(empty.columns) == EXPECTED_COLUMNS and empty.empty
    assert str(empty["start"].dtype) == "datetime64[ns, UTC]"
    assert str(empty["shoe_id"].dtype) == "Int64"


def test_ten_years_load_completely(store):
    # Its speed is measured in benchmarks/bench_load.py, not here (timed unit tests are flaky).
    athlete_id = bulk_days(store, "ana", 3650, at(2015, 1, 1, 6))
    with store.session() as s:
        frame = activities_frame(s, athlete_id)
    assert len(frame) == 3650
    assert frame["shoe_id"].notna().sum() > 3000


def test_list_activities_and_samples(store):
    dec = Decoder()
    src = dec.add(b"run", activity(at(2024, 5, 1, 6, 30), gear="Peg", avg_cadence_spm=172.0, device="fr965"))
    import_sources(store, [src], "ana", decoder=dec)
    with store.begin() as s:
        shoes.add(s, "ana", "peg")
    with store.session() as s:
        [row] = list_activities(s, "ana")
        assert list_activities(s) == [row]
    assert set(row) == {"id", "athlete", "sport", "sub_sport", "start", "distance_m", "timer_s", "elapsed_s",
                        "moving_s", "avg_hr", "avg_cadence_spm", "device", "source", "gear", "shoe", "shoe_explicit",
                        "title", "excluded", "edited_at"}
    assert row["start"] == "2024-05-01T06:30:00+00:00"
    assert (row["athlete"], row["gear"], row["shoe"], row["source"]) == ("ana", "Peg", "peg", "run.fit")
    assert (row["avg_cadence_spm"], row["device"]) == (172.0, "fr965")
    frame = load_samples(store, row["id"])
    assert list(frame.columns) == ["time", "distance_m", "heart_rate_bpm"]
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"
    with pytest.raises(UnknownActivity):
        load_samples(store, 12345)


def test_activity_without_samples(store):
    dec = Decoder()
    import_sources(store, [dec.add(b"bare", activity(at(2024, 5, 1), samples=False))], "ana", decoder=dec)
    with store.session() as s:
        [row] = list_activities(s)
    assert load_samples(store, row["id"]).empty
