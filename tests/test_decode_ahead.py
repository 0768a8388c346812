"""Decoding ahead in worker processes changes nothing but speed: same outcomes, same order, same rows."""
from __future__ import annotations

import gc
import shutil
from pathlib import Path

from sqlalchemy import select

from kneeguard.ingest.sources import iter_sources
from kneeguard.store import import_sources, open_store
from kneeguard.store.decode_ahead import MIN_FILES, workers_for
from kneeguard.store.models import Activity

ACTIVITIES = Path(__file__).parent / "data" / "activities"
FILES = ["fitparse/garmin-fenix-5-run.fit", "fitparse/garmin-fenix-5-walk.fit", "fitparse/Activity.fit",
         "fitparse/activity-filecrc.fit", "fitparse/activity-unexpected-eof.fit", "fitparse/MonitoringFile.fit",
         "fitparse/strava-android-app-201.10-b1218918.fit", "sweatpy/2020-06-01-16-52-40.fit",
         "sweatpy/activity_5039744860.gpx", "tcxreader/" + sorted(p.name for p in (ACTIVITIES / "tcxreader").glob("*.tcx"))[0]]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for index, name in enumerate(FILES):
        shutil.copyfile(ACTIVITIES / name, folder / f"{index:02d}-{Path(name).name}")
    shutil.copyfile(ACTIVITIES / FILES[0], folder / "99-same-bytes-again.fit")  # a duplicate within the batch
    (folder / "50-not-an-activity.fit").write_bytes(b"not a FIT file at all")
    return folder


def _import(tmp_path: Path, folder: Path, workers: int, home: str):
    store = open_store(home=tmp_path / home)
    outcomes = import_sources(store, iter_sources([folder]), decode_workers=workers)
    with store.session() as session:
        rows = [(a.source_name, a.start_utc, a.sport, a.distance_m, a.avg_hr, a.samples_key)
                for a in session.scalars(select(Activity).order_by(Activity.id))]
    again = import_sources(store, iter_sources([folder]), decode_workers=workers)
    store.close()
    return [(o.file, o.status, o.activities, o.error, o.warnings) for o in outcomes], rows, again


def test_workers_give_the_same_outcomes_in_the_same_order(tmp_path: Path):
    folder = _folder(tmp_path)
    inline, inline_rows, _ = _import(tmp_path, folder, 0, "inline")
    ahead, ahead_rows, again = _import(tmp_path, folder, 2, "ahead")
    assert gc.get_freeze_count() == 0  # the pre-fork freeze is undone when the import ends
    assert [o[:4] for o in ahead] == [o[:4] for o in inline]
    assert [o[4][:1] for o in ahead] == [o[4][:1] for o in inline]  # warnings name the same twin
    assert ahead_rows == inline_rows
    assert {o.status for o in again} <= {"duplicate", "error"}  # re-import: nothing decoded or stored twice
    statuses = [o[1] for o in ahead]
    assert "duplicate" in statuses and "error" in statuses and "imported" in statuses


def test_small_imports_decode_inline():
    assert workers_for(MIN_FILES - 1, 16) == 0
    assert workers_for(MIN_FILES, 1) == 0
    assert workers_for(MIN_FILES, 2) == 2
