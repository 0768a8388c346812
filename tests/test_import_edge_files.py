"""Import edge cases a bad-input review found: a symlink loop, a file name that is not valid UTF-8, a read-only
store, decode workers outliving a killed import, and temporary sample files left by one."""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import sqlite3
import sys

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from kneeguard.cli import app
from kneeguard.text import storable
from tests.ingest_support import DATA

RUN = DATA / "fitparse" / "activity-small-fenix2-run.fit"
runner = CliRunner()


def test_a_symlink_loop_is_one_error_line_beside_the_good_file(tmp_path, monkeypatch):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.fit").write_bytes(RUN.read_bytes())
    (folder / "loop1.fit").symlink_to(folder / "loop2.fit")
    (folder / "loop2.fit").symlink_to(folder / "loop1.fit")
    monkeypatch.chdir(tmp_path)  # the table shows paths relative to here: resolving a loop raised RuntimeError
    result = runner.invoke(app, ["import", "d", "--home", str(tmp_path / "home")])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "imported: 1" in result.output
    assert "symbolic links" in result.output


@pytest.mark.skipif(sys.platform != "linux", reason="a file name of arbitrary bytes")
def test_a_file_name_that_is_not_utf8_is_imported_and_stored(tmp_path):
    folder = tmp_path / "latin1"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.fit")).write_bytes(RUN.read_bytes())
    result = runner.invoke(app, ["import", str(folder), "--home", str(tmp_path / "home"), "--json"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "home" / "kneeguard.db") as db:
        [(name,)] = db.execute("select source_name from activities").fetchall()
    assert name.endswith("caf\ufffd.fit")


def test_storable_text():
    assert storable("café") == "café" and storable("caf\udce9") == "caf\ufffd" and "\ufffd" in storable("a\ud800")


def test_a_read_only_store_stops_the_import_in_one_line(tmp_path, monkeypatch):
    from kneeguard.store import importer

    def refuse(*args, **kwargs):
        raise OperationalError("INSERT INTO activities ...", {}, sqlite3.OperationalError(
            "attempt to write a readonly database"))
    monkeypatch.setattr(importer, "_store_parsed", refuse)
    result = runner.invoke(app, ["import", str(RUN), str(DATA / "sweatpy"), "--home", str(tmp_path / "home")])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if "read-only" in line]
    assert len(lines) == 1 and "INSERT" not in result.output, result.output


def _death_signal(queue) -> None:
    from kneeguard.store.decode_ahead import _die_with_parent

    _die_with_parent(os.getppid())
    value = ctypes.c_int()
    ctypes.CDLL(None, use_errno=True).prctl(2, ctypes.byref(value))  # 2 = PR_GET_PDEATHSIG
    queue.put(value.value)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_decode_worker_is_killed_with_the_import():
    """A killed import left its two forked workers blocked on a pipe for good (~120 MB each)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_death_signal, args=(queue,))
    child.start()
    child.join(10)
    assert queue.get(timeout=5) == 9  # SIGKILL


def test_a_temporary_sample_file_of_a_killed_import_is_removed(tmp_path):
    from kneeguard.store.samples import samples_key, write_samples

    key = samples_key("ab" * 32, 0)
    target = tmp_path / key
    target.parent.mkdir(parents=True)
    dead = 2 ** 22 + 12345  # above Linux's default pid_max: never a running process
    stale = target.with_name(f".{target.name}.{dead}.0123abcd.tmp")
    stale.write_bytes(b"half a parquet file")
    frame = pd.DataFrame({"time": pd.to_datetime([0, 1], unit="s", utc=True), "heart_rate_bpm": [100.0, 101.0]})
    write_samples(tmp_path, "ab" * 32, 0, frame)
    assert target.exists() and not stale.exists()




@pytest.mark.parametrize("name", ["sweatpy/activity_5039744860.gpx", "sweatpy/activity_5039744860.tcx"])
def test_a_file_dated_in_the_future_says_so(name):
    """It said 'has no timestamps' (a review read that as a parser bug)."""
    import re

    from kneeguard.ingest.model import IngestError
    from kneeguard.ingest.readers import read_bytes

    data = re.sub(rb"20(\d\d)-(\d\d)-(\d\d)T", rb"2090-\2-\3T", (DATA / name).read_bytes())
    with pytest.raises(IngestError, match=r"only timestamps in the future \(from 2090-.*device clock was wrong"):
        read_bytes(name, data)
