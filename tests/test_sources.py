"""Finding activity files in folders and single paths."""
from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

from kneeguard.ingest.archives import ZipLimits
from kneeguard.ingest.model import IngestError
from kneeguard.ingest.sources import (
    Source,
    SourceError,
    count_sources,
    is_activity_name,
    iter_sources,
)
from tests.archive_builders import DATA, build_strava_export

RUN_FIT = DATA / "fitparse" / "garmin-fenix-5-run.fit"
GPX = DATA / "gpxpy" / "track-with-empty-segment.gpx"
TCX = DATA / "sweatpy" / "activity_5039744860.tcx"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A messy activity folder:

    root/
      b_run.FIT                 upper-case suffix
      a/z.gpx
      a/nested/deeper/t.tcx.gz
      a/notes.txt               ignored
      .hidden.fit               ignored (hidden)
      .git/x.fit                ignored (hidden folder)
      __MACOSX/._b_run.FIT      ignored
      c.fit.GZ
      d.gz                      ignored (not an activity suffix)
      export.zip                a Strava export, expanded
    """
    root = tmp_path / "root"
    (root / "a" / "nested" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "__MACOSX").mkdir()
    shutil.copy(RUN_FIT, root / "b_run.FIT")
    shutil.copy(GPX, root / "a" / "z.gpx")
    (root / "a" / "nested" / "deeper" / "t.tcx.gz").write_bytes(gzip.compress(TCX.read_bytes()))
    (root / "a" / "notes.txt").write_text("hello")
    shutil.copy(RUN_FIT, root / ".hidden.fit")
    shutil.copy(RUN_FIT, root / ".git" / "x.fit")
    (root / "__MACOSX" / "._b_run.FIT").write_bytes(b"junk")
    (root / "c.fit.GZ").write_bytes(gzip.compress(RUN_FIT.read_bytes()))
    (root / "d.gz").write_bytes(gzip.compress(b"x"))
    build_strava_export(root / "export.zip", [(RUN_FIT, {"gear": "Shoe"})])
    return root


def test_folder_is_searched_recursively_in_sorted_order(tree: Path):
    items = list(iter_sources([tree]))
    assert all(isinstance(item, Source) for item in items)
    assert [item.name for item in items] == [
        str(tree / "a" / "nested" / "deeper" / "t.tcx.gz"),
        str(tree / "a" / "z.gpx"),
        str(tree / "b_run.FIT"),
        str(tree / "c.fit.GZ"),
        str(tree / "export.zip") + "!activities/1000000001.fit",
    ]
    assert items[2].read() == RUN_FIT.read_bytes() and items[2].size == RUN_FIT.stat().st_size
    assert gzip.decompress(items[3].read()) == RUN_FIT.read_bytes()  # gzip left to the decoder
    assert items[2].metadata == {} and items[4].metadata["gear"] == "Shoe"
    assert count_sources([tree]) == len(items)


def test_explicit_files_are_always_yielded(tree: Path):
    notes = tree / "a" / "notes.txt"
    hidden = tree / ".hidden.fit"
    items = list(iter_sources([notes, str(hidden)]))
    assert [item.name for item in items] == [str(notes), str(hidden)]
    assert items[0].read() == b"hello"


def test_single_path_argument_and_duplicates(tree: Path):
    gpx = tree / "a" / "z.gpx"
    assert [i.name for i in iter_sources(str(gpx))] == [str(gpx)]
    items = list(iter_sources([gpx, tree / "a", tree / "a" / ".." / "a" / "z.gpx"]))
    assert [i.name for i in items] == [str(gpx), str(tree / "a" / "nested" / "deeper" / "t.tcx.gz")]


def test_missing_path_is_an_error_not_an_exception(tmp_path: Path):
    items = list(iter_sources([tmp_path / "nope", tmp_path / "nope.zip"]))
    assert [(i.name, i.problem) for i in items] == [
        (str(tmp_path / "nope"), "no such file or directory"),
        (str(tmp_path / "nope.zip"), "no such file or directory"),
    ]
    assert count_sources([tmp_path / "nope"]) == 1


def test_zip_without_suffix_is_recognised_when_given_explicitly(tmp_path: Path):
    export = build_strava_export(tmp_path / "export.zip", [(RUN_FIT, {})])
    renamed = tmp_path / "download"
    export.rename(renamed)
    [item] = list(iter_sources([renamed]))
    assert item.name == f"{renamed}!activities/1000000001.fit"


def test_symlinks(tmp_path: Path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "broken.fit").symlink_to(tmp_path / "gone.fit")
    (root / "link.gpx").symlink_to(GPX)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(RUN_FIT, outside / "o.fit")
    (root / "dirlink").symlink_to(outside, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    items = list(iter_sources([root]))
    assert [(type(i).__name__, i.name) for i in items] == [
        ("SourceError", str(root / "broken.fit")), ("Source", str(root / "link.gpx"))]
    assert items[0].problem == "broken symbolic link"
    assert items[1].read() == GPX.read_bytes()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_not_read(tmp_path: Path):
    fifo = tmp_path / "pipe.fit"
    os.mkfifo(fifo)
    assert [(i.name, i.problem) for i in iter_sources([fifo])] == [(str(fifo), "not a regular file or directory")]
    assert list(iter_sources([tmp_path])) == [SourceError(str(fifo), "not a regular file")]


def test_unreadable_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    locked_dir = tmp_path / "locked"
    locked_dir.mkdir()
    shutil.copy(RUN_FIT, tmp_path / "locked.fit")
    real_scandir, real_open = os.scandir, open

    def scandir(path):
        if Path(path) == locked_dir:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def fake_open(path, *args, **kwargs):
        if Path(path) == tmp_path / "locked.fit":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr("builtins.open", fake_open)
    items = list(iter_sources([tmp_path]))
    assert [(i.name, i.problem) for i in items] == [
        (str(locked_dir), "permission denied"), (str(tmp_path / "locked.fit"), "permission denied")]


def test_file_vanishing_before_read_raises_ingest_error(tmp_path: Path):
    path = tmp_path / "x.fit"
    shutil.copy(RUN_FIT, path)
    [source] = list(iter_sources([path]))
    path.unlink()
    with pytest.raises(IngestError) as caught:
        source.read()
    assert caught.value.source == str(path) and caught.value.problem == "no such file or directory"


def test_plain_file_size_cap(tmp_path: Path):
    path = tmp_path / "big.gpx"
    shutil.copy(TCX, path)
    [item] = list(iter_sources([path], limits=ZipLimits(max_member_bytes=1000)))
    assert isinstance(item, SourceError) and item.problem.startswith("file too large")


@pytest.mark.parametrize("name, expected", [
    ("a.fit", True), ("A.FIT", True), ("a.gpx.gz", True), ("a.TCX.GZ", True), ("a.gz", False),
    ("a.zip", False), ("a.fit.zip", False), ("fit", False), ("a.csv", False),
])
def test_is_activity_name(name, expected):
    assert is_activity_name(name) is expected
