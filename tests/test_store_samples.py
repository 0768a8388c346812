"""Parquet sample streams: round-trip, atomic write, safe keys."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kneeguard.ingest.model import SAMPLE_COLUMNS
from kneeguard.store import samples

HASH = "ab" * 32


def full_frame(n: int = 50) -> pd.DataFrame:
    start = dt.datetime(2023, 6, 1, 5, 4, 3, 250_000, tzinfo=dt.timezone.utc)
    times = pd.date_range(start, periods=n, freq="250ms").astype("datetime64[ns, UTC]")
    frame = pd.DataFrame({"time": times})
    rng = np.random.default_rng(1)
    for column, dtype in SAMPLE_COLUMNS.items():
        if column != "time":
            frame[column] = rng.normal(100, 20, n).astype(dtype)
    frame.loc[3, "heart_rate_bpm"] = np.nan
    return frame


def test_round_trip_all_columns(tmp_path):
    frame = full_frame()
    key = samples.write_samples(tmp_path, HASH, 2, frame)
    assert key == f"ab/{HASH}-2.parquet"
    back = samples.read_samples(tmp_path, key)
    pd.testing.assert_frame_equal(back, frame)
    assert str(back["time"].dtype) == "datetime64[ns, UTC]"


def test_write_is_atomic_and_idempotent(tmp_path, monkeypatch):
    frame = full_frame()
    key = samples.write_samples(tmp_path, HASH, 0, frame)
    assert samples.write_samples(tmp_path, HASH, 0, frame) == key
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [f"{HASH}-0.parquet"]

    # A writer dying mid-file leaves the old file intact and no temp file.
    def broken(table, where, **kwargs):
        where.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(samples.pq, "write_table", broken)
    with pytest.raises(OSError, match="disk full"):
        samples.write_samples(tmp_path, HASH, 0, frame.head(3))
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [f"{HASH}-0.parquet"]
    monkeypatch.undo()
    pd.testing.assert_frame_equal(samples.read_samples(tmp_path, key), frame)


def test_time_resolution_normalised_to_ns(tmp_path):
    """pandas 3 makes microsecond timestamps by default; the contract is ns."""
    start = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
    times = pd.date_range(start, periods=3, freq="1s", unit="us")
    frame = pd.DataFrame({"time": times, "cadence_spm": [170, 171, 172]})
    back = samples.read_samples(tmp_path, samples.write_samples(tmp_path, HASH, 0, frame))
    assert str(back["time"].dtype) == "datetime64[ns, UTC]"
    assert str(back["cadence_spm"].dtype) == "float64"
    assert back["time"].iloc[2] == pd.Timestamp(start) + pd.Timedelta(seconds=2)


def test_empty_frame_writes_nothing(tmp_path):
    assert samples.write_samples(tmp_path, HASH, 0, pd.DataFrame()) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", ["../../etc/passwd", "a/b", "", "x" * 200])
def test_unsafe_hash_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        samples.write_samples(tmp_path, bad, 0, full_frame(3))


def test_key_outside_root_refused(tmp_path):
    with pytest.raises(ValueError, match="outside"):
        samples.read_samples(tmp_path, "../x.parquet")


def test_missing_file_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        samples.read_samples(tmp_path, f"ab/{HASH}-9.parquet")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=True, width=64)),
                min_size=1, max_size=40))
def test_any_floats_round_trip(tmp_path_factory, values):
    root = tmp_path_factory.mktemp("hyp")
    start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    frame = pd.DataFrame({
        "time": pd.date_range(start, periods=len(values), freq="1s", unit="ns"),
        "speed_mps": np.array([np.nan if v is None else v for v in values], dtype="float64"),
    })
    back = samples.read_samples(root, samples.write_samples(root, HASH, 1, frame))
    pd.testing.assert_frame_equal(back, frame)


def test_an_fsspec_url_root_round_trips_and_refuses_keys_that_leave_it():
    import fsspec

    root = "memory://kneeguard-samples-test"
    frame = full_frame(20)
    key = samples.write_samples(root, HASH, 3, frame)
    assert key == samples.samples_key(HASH, 3)
    pd.testing.assert_frame_equal(samples.read_samples(root, key), frame)
    with pytest.raises(ValueError):
        samples.read_samples(root, "../elsewhere.parquet")
    with pytest.raises(FileNotFoundError, match="missing"):
        samples.read_samples(root, f"ab/{HASH}-9.parquet")
    assert not samples.is_url("/plain/folder") and samples.is_url(root)
    fsspec.filesystem("memory").rm("/kneeguard-samples-test", recursive=True)


def test_contract_frames_go_straight_to_arrow_with_what_from_pandas_stores(tmp_path):
    """The direct numpy -> Arrow path (issue 18) stores the same columns, types, values and nulls (NaN) as
    pandas' converter, leaves out only pandas' own metadata, and reads back identical."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = full_frame().iloc[5:]  # a sliced frame: the index is not 0..n, and is not stored either way
    frame.loc[frame.index[:4], "lat_deg"] = np.nan
    direct = samples.arrow_table(frame)
    reference = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    assert direct.equals(reference) and direct.schema.metadata is None
    assert direct.column("lat_deg").null_count == 4 and direct.column("heart_rate_bpm").null_count == 0
    key = samples.write_samples(tmp_path, HASH, 0, frame)
    assert pq.read_table(tmp_path / key).column("lat_deg").null_count == 4
    back = samples.read_samples(tmp_path, key)
    pd.testing.assert_frame_equal(back, frame.reset_index(drop=True), check_exact=True)


def test_other_frames_are_normalised_first(tmp_path):
    """A column outside the contract, or a contract column in another dtype, takes the general path."""
    frame = full_frame(5)
    frame["cadence_spm"] = [170, 171, 172, 173, 174]  # int64, not float64
    frame["extra"] = ["a", "b", "c", "d", "e"]
    table = samples.arrow_table(frame)
    assert str(table.schema.field("cadence_spm").type) == "double"
    back = samples.read_samples(tmp_path, samples.write_samples(tmp_path, HASH, 0, frame))
    assert back["cadence_spm"].tolist() == [170.0, 171.0, 172.0, 173.0, 174.0]
    assert back["extra"].tolist() == ["a", "b", "c", "d", "e"]
