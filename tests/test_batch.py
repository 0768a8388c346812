"""`kneeguard batch`: the task functions and the resume rules, run in this process (`--workers 0`: the same task
functions without a cluster). The real multi-process cluster, with a worker killed mid-run, is
tests/test_batch_cluster.py."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from kneeguard.batch.load_dataset import athlete_file
from kneeguard.batch.manifest import ManifestError, read_manifest
from kneeguard.cli import app
from kneeguard.store import open_store, records
from kneeguard.store.models import Activity, GaitSession, ImportedFile

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "kneeguard" / "sample" / "files"
KEYPOINTS = DATA / "gait" / "male_side.mediapipe.json"
runner = CliRunner()


def _manifest(tmp_path: Path, rows: list[tuple[str, str]], name: str = "manifest.csv") -> Path:
    path = tmp_path / name
    path.write_text("athlete,path\n" + "".join(f"{a},{p}\n" for a, p in rows), encoding="utf-8")
    return path


def _cli(*args: str) -> tuple[int, object]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result


def test_manifest_rows_relative_paths_and_errors(tmp_path: Path):
    path = tmp_path / "m.csv"
    path.write_text("Athlete, Path ,note\nana,runs/a.fit,x\n\nben,/abs/b.fit,\n", encoding="utf-8")
    rows = read_manifest(path)
    assert [(r.athlete, r.path, r.line) for r in rows] == [("ana", tmp_path / "runs/a.fit", 2),
                                                           ("ben", Path("/abs/b.fit"), 4)]
    path.write_text("athlete,file\nana,a.fit\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="missing: path"):
        read_manifest(path)
    path.write_text("athlete,path\n,a.fit\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="line 2"):
        read_manifest(path)


def test_batch_import_stores_each_file_once_and_a_rerun_does_nothing_new(tmp_path: Path):
    home = tmp_path / "home"
    (tmp_path / "broken.fit").write_bytes(b"\x0e\x10not a fit file at all")
    manifest = _manifest(tmp_path, [
        ("ana", str(SAMPLES / "activity-small-fenix2-run.fit")),
        ("ana", str(SAMPLES / "activity-small-fenix2-run.fit")),  # listed twice: stored once
        ("ben", str(SAMPLES)),                                     # a folder: every activity file in it
        ("ben", "broken.fit"),                                     # relative to the manifest
        ("ben", "missing.fit"),
    ])
    code, result = _cli("batch", "import", str(manifest), "--home", str(home), "--workers", "0", "--json")
    assert code == 1, result.output  # some files failed: exit 1, but the batch finished
    outcomes = json.loads(result.stdout)
    errors = [o for o in outcomes if o["status"] == "error"]
    assert sorted(Path(o["file"]).name for o in errors) == ["broken.fit", "missing.fit"]
    assert all(o["error"] for o in errors)
    with open_store(home=home) as store, store.session() as session:
        n_activities = session.scalar(select(func.count(Activity.id)))
        n_files = session.scalar(select(func.count(ImportedFile.id)))
    n_fit = len(list(SAMPLES.glob("*.fit")))
    assert n_activities == 1 + n_fit and n_files == 1 + n_fit

    code, again = _cli("batch", "import", str(manifest), "--home", str(home), "--workers", "0", "--json")
    second = json.loads(again.stdout)
    assert {o["status"] for o in second} == {"duplicate", "error"}  # nothing new; the bad files say so again
    assert sum(o["activities"] for o in second) == 0


def test_storage_root_takes_an_fsspec_url(tmp_path: Path):
    import fsspec

    manifest = _manifest(tmp_path, [("ana", str(SAMPLES / "garmin-fenix-5-run.fit"))])
    root = "memory://kneeguard-test-root"
    code, result = _cli("batch", "import", str(manifest), "--home", str(tmp_path / "home"), "--workers", "0",
                        "--storage-root", root)
    assert code == 0, result.output
    fs = fsspec.filesystem("memory")
    assert fs.glob("/kneeguard-test-root/samples/*/*.parquet")
    assert not list((tmp_path / "home" / "samples").rglob("*.parquet"))
    from kneeguard.store.queries import load_samples

    with open_store(home=tmp_path / "home", storage_root=root) as store, store.session() as session:
        activity_id = session.scalar(select(Activity.id))
    assert len(load_samples(store, activity_id)) > 10
    fs.rm("/kneeguard-test-root", recursive=True)


def test_batch_load_writes_one_file_per_athlete_and_table_and_resumes(tmp_path: Path):
    home, out = tmp_path / "home", tmp_path / "dataset"
    manifest = _manifest(tmp_path, [("ana", str(SAMPLES / "activity-small-fenix2-run.fit")),
                                    ("ben b/c", str(SAMPLES / "garmin-fenix-5-run.fit"))])
    assert _cli("batch", "import", str(manifest), "--home", str(home), "--workers", "0")[0] == 0
    args = ("batch", "load", "--out", str(out), "--home", str(home), "--workers", "0", "--as-of", "2024-01-01",
            "--json")
    code, result = _cli(*args)
    assert code == 0, result.output
    assert {r["status"] for r in json.loads(result.stdout)} == {"written"}

    findings = ds.dataset(out / "findings", partitioning="hive").to_table().to_pandas()
    assert set(findings["athlete"]) == {"ana", "ben b/c"}  # the name, a column of every file
    assert {"code", "value", "threshold", "date"} <= set(findings.columns)
    daily = pd.read_parquet(out / "daily")
    assert {"date", "distance_km", "load", "athlete"} <= set(daily.columns)
    assert daily.groupby("athlete")["distance_km"].sum().gt(0).all()
    assert len(pd.read_parquet(out / "weekly"))

    code, again = _cli(*args)
    assert {r["status"] for r in json.loads(again.stdout)} == {"unchanged"}
    athlete_file(out, "weekly", "ana").unlink()  # a missing file is redone
    code, third = _cli(*args)
    assert {r["athlete"]: r["status"] for r in json.loads(third.stdout)} == {"ana": "written",
                                                                            "ben b/c": "unchanged"}


def test_batch_gait_stores_one_session_per_input_and_reports_a_broken_file(tmp_path: Path):
    home = tmp_path / "home"
    shutil.copy(KEYPOINTS, tmp_path / "run.json")
    (tmp_path / "broken.mp4").write_bytes(b"not a video")
    manifest = _manifest(tmp_path, [("ana", "run.json"), ("ana", "broken.mp4"), ("ana", "run.json")],
                         name="gait.csv")
    args = ("batch", "gait", "--manifest", str(manifest), "--home", str(home), "--workers", "0",
            "--outputs", "none", "--json")
    code, result = _cli(*args)
    assert code == 1
    outcomes = json.loads(result.stdout)
    assert sorted(o["status"] for o in outcomes) == ["error", "stored", "unchanged"]
    [broken] = [o for o in outcomes if o["status"] == "error"]
    assert "broken.mp4" in broken["detail"]
    [stored] = [o for o in outcomes if o["status"] == "stored"]
    assert stored["steps"] > 10
    code, again = _cli(*args)
    assert sorted(o["status"] for o in json.loads(again.stdout)) == ["error", "unchanged", "unchanged"]
    with open_store(home=home) as store, store.session() as session:
        assert session.scalar(select(func.count(GaitSession.id))) == 1


def test_the_database_refuses_a_second_session_with_the_same_fingerprint(tmp_path: Path):
    with open_store(home=tmp_path) as store:
        with store.write() as session:
            records.save_gait_session(session, "ana", {"n_steps": 1}, dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                                      input_hash="f" * 64)
            records.save_gait_session(session, "ana", {"n_steps": 1})  # no fingerprint: never collides
            records.save_gait_session(session, "ana", {"n_steps": 1})
        with pytest.raises(IntegrityError), store.write() as session:
            records.save_gait_session(session, "ana", {"n_steps": 2}, input_hash="f" * 64)


def test_the_scheduler_address_must_be_an_address(monkeypatch):
    from kneeguard.batch.engine import SCHEDULER_ENV, scheduler_address
    from kneeguard.errors import InvalidInput

    monkeypatch.setenv(SCHEDULER_ENV, "tcp://10.0.0.5:8786")
    assert scheduler_address(None) == "tcp://10.0.0.5:8786"
    assert scheduler_address("tcp://127.0.0.1:9000") == "tcp://127.0.0.1:9000"
    with pytest.raises(InvalidInput):
        scheduler_address("localhost")


def test_ctrl_c_stops_the_batch_cleanly_and_a_rerun_does_the_rest(tmp_path: Path, monkeypatch):
    from kneeguard.batch import imports

    home = tmp_path / "home"
    manifest = _manifest(tmp_path, [("ana", str(SAMPLES / "garmin-fenix-5-run.fit")),
                                    ("ana", str(SAMPLES / "activity-small-fenix2-run.fit"))])
    real, calls = imports.decode_file, []

    def interrupted(task, *args):
        calls.append(task)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(task, *args)

    monkeypatch.setattr(imports, "decode_file", interrupted)
    code, result = _cli("batch", "import", str(manifest), "--home", str(home), "--workers", "0")
    assert code == 130 and "stopped" in result.output
    monkeypatch.setattr(imports, "decode_file", real)
    code, again = _cli("batch", "import", str(manifest), "--home", str(home), "--workers", "0", "--json")
    assert sorted(o["status"] for o in json.loads(again.stdout)) == ["duplicate", "imported"]


def test_a_local_cluster_leaves_this_process_environment_as_it_was(monkeypatch):
    """The nannies put their workers' thread caps (OMP_NUM_THREADS=1) into the starting process's environment;
    a gait analysis later in this process would then run one pose model instead of two."""
    from kneeguard.batch.engine import connect

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    with connect(workers=1) as client:
        assert client is not None
        assert "OMP_NUM_THREADS" not in __import__("os").environ


@pytest.mark.parametrize("order", [["2020-06-01-16-52-40.fit", "activity_5039744860.gpx"],
                                   ["activity_5039744860.gpx", "2020-06-01-16-52-40.fit"]])
def test_batch_import_writes_samples_on_the_worker_and_still_finds_a_twin_by_its_track(tmp_path: Path, order):
    """With one writer, the workers write the sample streams and send only the rest: what travels is small, and
    the writer reads a stream back only to compare a twin's track (the real FIT and GPX of one outing)."""
    from kneeguard.batch.imports import ImportTask, StoreAccess, decode_file
    from kneeguard.store.importer import DecodedFile
    from kneeguard.store.queries import load_samples

    files = [DATA / "activities" / "sweatpy" / name for name in order]
    with open_store(home=tmp_path / "probe") as store:
        access = StoreAccess(store.url, str(store.home), store.storage_root)
        [decoded] = decode_file(ImportTask("ana", 1, str(files[0]), files[0].name, files[0].stat().st_size), access,
                                False)
        assert isinstance(decoded, DecodedFile)
        [shipped] = decoded.parsed.activities
        assert shipped.samples.empty and shipped.samples_key is not None
        assert len(pd.read_parquet(Path(store.samples_root) / shipped.samples_key)) > 50

    manifest = _manifest(tmp_path, [("ana", str(path)) for path in files])
    code, result = _cli("batch", "import", str(manifest), "--home", str(tmp_path / "home"), "--workers", "0",
                        "--json")
    assert code == 0, result.output
    outcomes = json.loads(result.stdout)
    assert any("same activity as" in w for w in outcomes[-1]["warnings"]), outcomes
    with open_store(home=tmp_path / "home") as store, store.session() as session:
        [row] = session.scalars(select(Activity)).all()
        assert Path(row.source_name).name == "2020-06-01-16-52-40.fit"  # the richer copy (device summary)
        assert len(load_samples(store, row.id)) > 50


def _dies_on_poison(item: str) -> str:
    import os

    if item == "poison":
        os._exit(3)  # the worker process dies, as with a decoder crash
    return item.upper()


def test_a_group_whose_worker_dies_is_split_so_the_crashing_item_fails_alone(monkeypatch):
    """Several files travel in one Dask task; when that task keeps killing its workers, its files are tried one
    per task, so only the crashing one becomes an error line (a real LocalCluster, the worker really dies)."""
    from kneeguard.batch import engine

    assert engine.items_per_task(2000, 2) == engine.MAX_ITEMS_PER_TASK
    assert engine.items_per_task(40, 2) == 2 and engine.items_per_task(3, 2) == 1
    monkeypatch.setattr(engine, "ALLOWED_FAILURES", 1)
    items = ["a", "b", "poison", "c", "d", "e"]
    with engine.connect(workers=2) as client:
        groups = engine.group_items(items, 3, alone=lambda item: item == "e")
        assert groups == [("a", "b", "poison"), ("e",), ("c", "d")]
        results = dict(engine.run_tasks(client, _dies_on_poison, items, show=False, groups=groups))
    assert {k: v for k, v in results.items() if k != "poison"} == {"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"}
    assert isinstance(results["poison"], engine.TaskFailure) and "died" in results["poison"].problem


def test_the_cluster_takes_the_biggest_inputs_first_from_one_stat_per_file(tmp_path: Path, monkeypatch):
    """Longest-processing-time first: the last tasks are the small files, so no core idles long at the end;
    files of one size keep their manifest order. The batch reads each file's size once, when planning, and
    carries it in the task: the ordering and the grouping stat nothing (the candidate search's own stats,
    such as pathlib's resolve(), are counted apart)."""
    import os

    from kneeguard.batch.engine import group_items
    from kneeguard.batch.imports import is_big, largest_first, plan_tasks
    from kneeguard.batch.manifest import ManifestRow
    from kneeguard.ingest.sources import candidate_files

    sizes = {"a.fit": 10, "b.gpx": 3000, "c.fit": 10, "d.tcx": 500}
    folder = tmp_path / "files"
    folder.mkdir()
    for name, size in sizes.items():
        (folder / name).write_bytes(b"x" * size)
    stats: dict[str, int] = {}
    real_stat = os.stat

    def counting_stat(path, *args, **kwargs):
        if Path(path).parent == folder:
            stats[Path(path).name] = stats.get(Path(path).name, 0) + 1
        return real_stat(path, *args, **kwargs)

    def stats_of(step) -> dict[str, int]:
        stats.clear()
        monkeypatch.setattr(os, "stat", counting_stat)
        try:
            step()
        finally:
            monkeypatch.setattr(os, "stat", real_stat)
        return {name: stats.get(name, 0) for name in sizes}

    with open_store(home=tmp_path / "home") as store:
        searching = stats_of(lambda: list(candidate_files([folder])))
        planned: dict = {}
        planning = stats_of(lambda: planned.update(zip(("tasks", "problems"),
                                                       plan_tasks(store, [ManifestRow(2, "ana", folder)]))))
        ordering = stats_of(lambda: planned.update(groups=group_items(largest_first(planned["tasks"]), 2, is_big)))
    assert not planned["problems"]
    ordered = [task for group in planned["groups"] for task in group]
    assert [t.display for t in ordered] == [str(folder / n) for n in ("b.gpx", "d.tcx", "a.fit", "c.fit")]
    assert [t.size_bytes for t in ordered] == [3000, 500, 10, 10]
    assert planning == {name: searching[name] + 1 for name in sizes}
    assert ordering == {name: 0 for name in sizes}
