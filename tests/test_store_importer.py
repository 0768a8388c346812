"""The import service: duplicates, cross-export de-dup, errors, atomicity."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from kneeguard.ingest.model import IngestError
from kneeguard.store import import_sources, load_samples, open_store
from kneeguard.store import samples as samples_io
from kneeguard.store.duplicates import is_same_activity
from kneeguard.store.importer import FileOutcome
from kneeguard.store.models import Activity, Athlete, ImportedFile
from tests.test_store_support import (
    Decoder, FakeSource, FakeSourceError, activity, at,
)

T0 = at(2024, 5, 1, 6, 30, 0)


def count(store, model=Activity, **where) -> int:
    with store.session() as s:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return s.scalar(query)


def test_import_then_reimport_is_duplicate_without_decoding(store):
    dec = Decoder()
    src = dec.add(b"run1", activity(T0))
    [first] = import_sources(store, [src], "ana", decoder=dec)
    assert (first.status, first.activities, first.error) == ("imported", 1, None)
    [again] = import_sources(store, [src], "ana", decoder=dec)
    assert again.status == "duplicate" and again.activities == 0
    assert dec.calls == 1  # recognised by raw hash, not decoded again
    assert "already seen" in again.warnings[0]
    assert count(store) == 1 and count(store, ImportedFile) == 1


def test_default_athlete_is_created(store):
    dec = Decoder()
    import_sources(store, [dec.add(b"r", activity(T0))], None, decoder=dec)
    with store.session() as s:
        assert s.scalars(select(Athlete.name)).all() == ["me"]


def test_same_activity_from_another_export_is_duplicate(store):
    dec = Decoder()
    fit = dec.add(b"device-fit", activity(T0, distance_m=10_000.0))
    gpx = dec.add(b"strava-gpx", activity(T0 + dt.timedelta(seconds=40), sport="generic",
                                           distance_m=10_250.0, samples=False))
    other = dec.add(b"next-day", activity(T0 + dt.timedelta(days=1)))
    outcomes = import_sources(store, [fit, gpx, other], "ana", decoder=dec)
    assert [o.status for o in outcomes] == ["imported", "duplicate", "imported"]
    assert "same activity as #" in outcomes[1].warnings[0]
    assert count(store) == 2
    with store.session() as s:  # the first-imported copy is the one kept
        kept = s.scalar(select(Activity).where(Activity.start_utc == T0))
        assert kept.source_name == "device-fit.fit" and kept.samples_key is not None


@pytest.mark.parametrize("change", [
    {"start": T0 + dt.timedelta(seconds=61)},
    {"sport": "cycling"},
])
def test_near_but_different_activity_is_kept(store, change):
    dec = Decoder()
    first = dec.add(b"a", activity(T0, distance_m=10_000.0))
    second = dec.add(b"b", activity(**{"start": T0, "distance_m": 10_000.0, **change}))
    outcomes = import_sources(store, [first, second], "ana", decoder=dec)
    assert [o.status for o in outcomes] == ["imported", "imported"]


def test_dedup_rule():
    assert is_same_activity(T0, "running", None, T0, "running", 3000.0)  # missing span
    assert is_same_activity(T0, "", 100.0, T0, "cycling", 102.0)  # unknown sport
    assert is_same_activity(T0, "hiking", 0.0, T0, "walking", 3000.0)  # same family, zero span
    assert not is_same_activity(T0, "running", 100.0, T0, "swimming", 100.0)
    assert not is_same_activity(T0, "running", 100.0, T0 + dt.timedelta(seconds=60.5), "running", 100.0)
    # the first run ended (after 30 s) before the second began: two activities
    assert not is_same_activity(T0, "running", 30.0, T0 + dt.timedelta(seconds=45), "running", 3000.0)


def test_partly_duplicate_multisport_file(store):
    dec = Decoder()
    run = dec.add(b"run-only", activity(T0 + dt.timedelta(hours=1), distance_m=5000.0))
    multi = dec.add(b"triathlon",
                    activity(T0, sport="cycling", distance_m=40_000.0, session_index=0),
                    activity(T0 + dt.timedelta(hours=1, seconds=5), distance_m=5020.0, session_index=1))
    outcomes = import_sources(store, [run, multi], "ana", decoder=dec)
    assert [(o.status, o.activities) for o in outcomes] == [("imported", 1), ("imported", 1)]
    assert any(w.startswith("session 1: same activity") for w in outcomes[1].warnings)
    assert count(store) == 2


def test_gzipped_copy_of_same_file_is_duplicate(store):
    """Different raw bytes, same decoded content: caught at the activity level."""
    dec = Decoder()
    plain = dec.add(b"run", activity(T0))
    zipped = FakeSource("run.fit.gz", gzip.compress(b"run"))
    dec.files[zipped.data] = dec.files[b"run"]

    def decode(name, data):  # the real decoder hashes decompressed bytes
        parsed = dec(name, data)
        parsed.content_hash = dec(name, b"run").content_hash
        return parsed

    outcomes = import_sources(store, [plain, zipped], "ana", decoder=decode)
    assert [o.status for o in outcomes] == ["imported", "duplicate"]
    assert count(store) == 1 and count(store, ImportedFile) == 2


def test_bad_files_never_abort_the_batch(store):
    dec = Decoder()

    class Unreadable(FakeSource):
        def read(self):
            raise PermissionError("permission denied")

    class Vanished(FakeSource):
        def read(self):
            raise IngestError(self.name, "archive member vanished")

    sources = [
        FakeSourceError("broken.zip", "not a zip file"),
        FakeSource("garbage.fit", b"garbage"),
        FakeSource("bug.fit", b"boom"),
        Unreadable("locked.fit", b""),
        dec.add(b"monitor", skipped="monitoring file, not an activity"),
        dec.add(b"good", activity(T0)),
        Vanished("x.zip!a.fit", b""),
    ]
    seen: list[FileOutcome] = []
    outcomes = import_sources(store, sources, "ana", on_file=seen.append, decoder=dec)
    assert seen == outcomes
    assert [o.status for o in outcomes] == ["error", "error", "error", "error", "skipped", "imported", "error"]
    assert outcomes[6].error == "archive member vanished"  # the outcome names the file already
    assert outcomes[0].error == "not a zip file"
    assert outcomes[1].error == "not a FIT, GPX or TCX file"
    assert outcomes[2].error == "internal error while reading: ZeroDivisionError: division by zero"
    assert "permission denied" in outcomes[3].error
    assert outcomes[4].error == "monitoring file, not an activity"
    # Skipped files are remembered; errors are retried next time.
    again = import_sources(store, sources[1:5], "ana", decoder=dec)
    assert [o.status for o in again] == ["error", "error", "error", "duplicate"]
    assert count(store) == 1


def test_failure_mid_file_leaves_no_rows(store, monkeypatch):
    dec = Decoder()
    multi = dec.add(b"multi", activity(T0, session_index=0),
                    activity(T0 + dt.timedelta(hours=2), session_index=1))
    real_write = samples_io.write_samples
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(samples_io, "write_samples", flaky)
    [outcome] = import_sources(store, [multi], "ana", decoder=dec)
    assert outcome.status == "error"
    assert outcome.error == "internal error while storing: OSError: disk full"
    assert count(store) == 0 and count(store, ImportedFile) == 0
    # Fixed, the same file imports fully; the orphaned sample file is reused.
    monkeypatch.setattr(samples_io, "write_samples", real_write)
    [retry] = import_sources(store, [multi], "ana", decoder=dec)
    assert (retry.status, retry.activities) == ("imported", 2)


def test_same_file_for_two_athletes(store):
    dec = Decoder()
    src = dec.add(b"shared", activity(T0))
    for name in ("ana", "ben"):
        [outcome] = import_sources(store, [src], name, decoder=dec)
        assert outcome.status == "imported"
    assert count(store) == 2
    with store.session() as s:
        ids = s.scalars(select(Activity.id)).all()
    for activity_id in ids:
        assert len(load_samples(store, activity_id)) == 5


def test_metadata_and_fields_stored(store):
    dec = Decoder()
    hist = np.zeros(256)
    hist[150] = 1800.5
    parsed = activity(T0, sport="generic", gear="file gear", name="Morning", hr_seconds_by_bpm=list(hist),
                      warnings=["pauses removed"])
    src = dec.add(b"meta", parsed)
    src.metadata = {"gear": "Pegasus 40", "name": "Long run", "rpe": "6", "sport": "Run"}
    [outcome] = import_sources(store, [src], "ana", decoder=dec)
    assert outcome.warnings == ["pauses removed"]
    with store.session() as s:
        row = s.scalars(select(Activity)).one()
    assert (row.sport, row.gear, row.name, row.rpe) == ("running", "Pegasus 40", "Long run", 6.0)
    assert json.loads(row.warnings) == ["pauses removed"]
    back = np.frombuffer(row.hr_histogram, dtype="<f4")
    assert back.shape == (256,) and back[150] == pytest.approx(1800.5)
    assert row.start_utc == T0


def test_metadata_fills_missing_distance_and_passes_warnings(store):
    dec = Decoder()
    src = dec.add(b"treadmill", activity(T0, distance_m=None))
    src.metadata = {"distance_m": 8000.0, "warnings": ["dropped unreadable 'Elapsed Time'"]}
    [outcome] = import_sources(store, [src], "ana", decoder=dec)
    assert outcome.warnings == ["dropped unreadable 'Elapsed Time'"]
    with store.session() as s:
        assert s.scalar(select(Activity.distance_m)) == 8000.0


def test_bad_metadata_rpe_is_a_warning(store):
    dec = Decoder()
    src = dec.add(b"rpe", activity(T0, rpe=3.0))
    src.metadata = {"rpe": "hard"}
    [outcome] = import_sources(store, [src], "ana", decoder=dec)
    assert outcome.status == "imported"
    assert "ignored RPE 'hard'" in outcome.warnings[0]


@pytest.mark.parametrize("same_file", [False, True])
def test_concurrent_imports_of_one_activity_keep_one(store, same_file):
    """Two imports race with the same run (two exports, or one file twice): the
    write lock (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL) and
    the unique keys let exactly one win."""
    dec = Decoder()
    fit = dec.add(b"fit", activity(T0, distance_m=10_000.0))
    gpx = fit if same_file else dec.add(b"gpx", activity(T0 + dt.timedelta(seconds=3), distance_m=10_050.0))
    both_decoded = threading.Barrier(2, timeout=10)

    def decode(name, data):
        parsed = dec(name, data)
        both_decoded.wait()  # both reach the store step together
        return parsed

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda src: import_sources(store, [src], "ana", decoder=decode)[0], [fit, gpx]))
    assert sorted(o.status for o in outcomes) == ["duplicate", "imported"], outcomes
    assert count(store) == 1 and count(store, ImportedFile) == 1 + (not same_file)


KILL_SCRIPT = textwrap.dedent("""
    import datetime as dt, os, signal, sys
    from kneeguard.store import import_sources, open_store
    from kneeguard.store import samples as samples_io
    from tests.test_store_support import Decoder, activity, at
    store = open_store(home=sys.argv[1])
    dec = Decoder()
    src = dec.add(b"multi", activity(at(2024, 1, 1, 8), session_index=0),
                  activity(at(2024, 1, 1, 10), session_index=1))
    real, calls = samples_io.write_samples, []
    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGKILL)  # killed half-way through the file
        return real(*args, **kwargs)
    samples_io.write_samples = dying
    import_sources(store, [src], "ana", decoder=dec)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_killed_import_leaves_nothing(tmp_path):
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(tmp_path)], env=env, cwd=root,
                          capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    with open_store(home=tmp_path) as store:
        assert count(store) == 0 and count(store, ImportedFile) == 0
        assert count(store, Athlete) == 1  # committed before the file started


DATA = Path(__file__).parent / "data" / "activities" / "sweatpy"


def test_real_decoder_fit_and_strava_gpx_of_same_ride(tmp_path):
    readers = pytest.importorskip("kneeguard.ingest.readers")
    if not hasattr(readers, "read_bytes"):
        pytest.skip("kneeguard.ingest.readers.read_bytes is not written yet")
    files = ["4801048867.fit", "4801048867_strava.gpx", "4801048867.fit"]
    sources = [FakeSource(name, (DATA / name).read_bytes()) for name in files]
    with open_store(home=tmp_path) as store:
        outcomes = import_sources(store, sources, "ana")
        assert [o.status for o in outcomes] == ["imported", "duplicate", "duplicate"], outcomes
        assert count(store) == 1
        with store.session() as s:
            row = s.scalars(select(Activity)).one()
        assert row.start_utc == at(2020, 4, 18, 11, 10, 44)
        assert len(load_samples(store, row.id)) > 1000
