"""The `kneeguard batch load` dataset as readers see it: one schema per table whatever an athlete's data (runs, only
a ride, nothing, no findings), athlete names that look like numbers kept exactly, the counts of a re-run, the
agreement with `kneeguard load --json` after its rounding, and the workers' paths made absolute."""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import dask.dataframe as dd
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kneeguard.batch import load as batch_load
from kneeguard.batch.load_dataset import SCHEMAS, TABLES, athlete_file
from kneeguard.cli import app
from kneeguard.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "kneeguard" / "sample" / "files"
RIDE = ROOT / "tests" / "data" / "activities" / "fitparse" / "garmin-edge-820-bike.fit"
RUNS = [SAMPLES / "activity-small-fenix2-run.fit", SAMPLES / "garmin-fenix-5-run.fit"]
AS_OF = "2024-01-01"
runner = CliRunner()


def _cli(*args: str):
    result = runner.invoke(app, list(args))
    return result.exit_code, result


def _import(tmp_path: Path, home: Path, rows: list[tuple[str, Path]]) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("athlete,path\n" + "".join(f'"{a}",{p}\n' for a, p in rows), encoding="utf-8")
    code, result = _cli("batch", "import", str(manifest), "--home", str(home), "--workers", "0")
    assert code == 0, result.output


def _load(home: Path, out: Path) -> list[dict]:
    code, result = _cli("batch", "load", "--out", str(out), "--home", str(home), "--workers", "0", "--as-of", AS_OF,
                        "--json")
    assert code == 0, result.output
    return json.loads(result.stdout)


def _readers(folder: Path) -> dict[str, pd.DataFrame]:
    """The table read whole by the plain calls docs/batch.md shows."""
    return {"pandas": pd.read_parquet(folder),
            "pyarrow.dataset": ds.dataset(folder).to_table().to_pandas(),
            "pyarrow.dataset hive": ds.dataset(folder, partitioning="hive").to_table().to_pandas(),
            "dask": dd.read_parquet(str(folder)).compute()}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> tuple[Path, Path, list[dict]]:
    """runner: two runs; cyclist: only a ride (no runs); newcomer: no activity at all (empty daily and weekly);
    quiet: runs, but its findings file is written with no finding (the analysis always finds something on these
    files, so the report is trimmed on its way to the writer)."""
    tmp_path = tmp_path_factory.mktemp("dataset")
    home, out = tmp_path / "home", tmp_path / "out"
    _import(tmp_path, home, [("runner", RUNS[0]), ("runner", RUNS[1]), ("cyclist", RIDE), ("quiet", RUNS[1])])
    with open_store(home=home) as store, store.write() as session:
        from kneeguard.store import athletes

        athletes.get_or_create(session, "newcomer")
    real = batch_load.write_report

    def without_findings_for_quiet(out_dir, athlete, report):
        real(out_dir, athlete, dataclasses.replace(report, findings=[]) if athlete == "quiet" else report)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch_load, "write_report", without_findings_for_quiet)
        outcomes = _load(home, out)
    return home, out, outcomes


def test_every_file_has_its_table_schema_whatever_the_athlete_data(dataset):
    _home, out, outcomes = dataset
    assert {o["athlete"]: o["status"] for o in outcomes} == dict.fromkeys(
        ["cyclist", "newcomer", "quiet", "runner"], "written")
    for table in TABLES:
        for athlete in ("cyclist", "newcomer", "quiet", "runner"):
            schema = pq.read_schema(athlete_file(out, table, athlete))
            assert schema.remove_metadata().equals(SCHEMAS[table]), (table, athlete, schema)
    assert pq.read_metadata(athlete_file(out, "findings", "quiet")).num_rows == 0
    assert pq.read_metadata(athlete_file(out, "weekly", "newcomer")).num_rows == 0


@pytest.mark.parametrize("table", TABLES)
def test_pandas_pyarrow_and_dask_read_each_table_whole_with_its_types(dataset, table):
    _home, out, _outcomes = dataset
    for reader, frame in _readers(out / table).items():
        assert list(frame.columns) == SCHEMAS[table].names, reader
        for field in SCHEMAS[table]:
            column, kind = frame[field.name], str(field.type)
            if kind == "string":
                assert pd.api.types.is_string_dtype(column), (reader, field.name, column.dtype)
                assert all(isinstance(v, str) for v in column.dropna()), (reader, field.name)
            elif kind == "double":
                assert column.dtype == "float64", (reader, field.name, column.dtype)
            elif kind == "int64":
                assert column.dtype == "int64", (reader, field.name, column.dtype)
            elif kind == "bool":
                assert column.dtype == "bool", (reader, field.name, column.dtype)
            else:
                assert pd.api.types.is_datetime64_dtype(column), (reader, field.name, column.dtype)
        if table == "daily":
            by_athlete = frame.groupby("athlete")
            assert by_athlete["runs"].sum().to_dict() == {"cyclist": 0, "quiet": 1, "runner": 2}
            assert by_athlete["load"].sum()["cyclist"] > 0  # the ride's load: a number, not text
            assert by_athlete["distance_km"].sum()["runner"] > 9
        if table == "weekly":
            assert set(frame["athlete"]) == {"cyclist", "quiet", "runner"}  # the newcomer has no week
            assert frame.loc[frame["athlete"] == "runner", "distance_km"].sum() > 9
        if table == "findings":
            assert set(frame["athlete"]) == {"cyclist", "newcomer", "runner"}  # quiet: an empty file
            assert set(frame.loc[frame["athlete"] == "newcomer", "code"]) == {"load.no_data"}
            assert frame.loc[frame["athlete"] == "runner", "value"].notna().any()


def test_a_rerun_reports_the_counts_of_the_files_it_keeps(dataset, tmp_path: Path):
    home, out, first = dataset
    again = _load(home, out)
    assert {o["athlete"]: o["status"] for o in again} == {o["athlete"]: "unchanged" for o in first}
    assert [(o["athlete"], o["runs"], o["findings"]) for o in again] == [
        (o["athlete"], o["runs"], o["findings"]) for o in first]
    runner_counts = next(o for o in again if o["athlete"] == "runner")
    assert runner_counts["runs"] == 2 and runner_counts["findings"] == pq.read_metadata(
        athlete_file(out, "findings", "runner")).num_rows > 0


def test_the_dataset_keeps_full_precision_and_agrees_with_load_json_after_its_rounding(dataset):
    """`kneeguard load --json` rounds table numbers to 6 decimals and a finding's measured value and threshold
    to 4 (kneeguard.jsonable.plain, findings.FINDING_DIGITS); the dataset stores them unrounded."""
    home, out, _outcomes = dataset
    code, result = _cli("load", "--athlete", "runner", "--as-of", AS_OF, "--home", str(home), "--json")
    assert code == 0, result.output
    report = json.loads(result.stdout)
    for table, key, columns in (("daily", "date", ["distance_km", "duration_min", "load"]),
                                ("weekly", "week_start", ["distance_km", "duration_h", "load", "change_pct",
                                                          "longest_run_km", "long_run_share"])):
        stored = pd.read_parquet(athlete_file(out, table, "runner"))
        shown = pd.DataFrame(report[table])
        assert len(stored) == len(shown) > 0
        assert list(stored[key].dt.strftime("%Y-%m-%d")) == list(shown[key])
        for column in columns:
            for exact, rounded in zip(stored[column], shown[column]):
                if pd.isna(exact):
                    assert rounded is None or pd.isna(rounded)
                else:
                    assert round(exact, 6) == rounded, (table, column, exact, rounded)
    loads = pd.read_parquet(athlete_file(out, "daily", "runner"))["load"]
    assert (loads != loads.round(6)).any()  # stored unrounded

    stored = pd.read_parquet(athlete_file(out, "findings", "runner"))
    shown = {(f["code"], f["date"]): f for f in report["findings"]}
    assert len(stored) == len(shown)
    for row in stored.itertuples():
        finding = shown[(row.code, row.date.strftime("%Y-%m-%d"))]
        for exact, rounded in ((row.value, finding["measured"]), (row.threshold, finding["threshold"])):
            assert (rounded is None) if pd.isna(exact) else round(exact, 4) == rounded


NAMES = ["007", "12", "0012", "ben b/c", "zoë müller", "_under", ".dot", "a=b"]


def test_athlete_names_come_back_exactly_as_strings(tmp_path: Path):
    """Folders named athlete=007, athlete=12, athlete=0012 were read as the integers 7, 12, 12; the names now
    travel in the files, so every plain reader returns them as written."""
    home, out = tmp_path / "home", tmp_path / "out"
    _import(tmp_path, home, [(name, RUNS[0]) for name in NAMES])
    _load(home, out)
    for table in TABLES:
        for reader, frame in _readers(out / table).items():
            assert sorted(set(frame["athlete"])) == sorted(NAMES), (table, reader)
            assert all(type(v) is str for v in frame["athlete"]), (table, reader)
            sizes = frame.groupby("athlete").size()
            assert sizes.nunique() == 1, (table, reader, sizes)  # the same file each: nothing merged
    filtered = pd.read_parquet(out / "daily", filters=[("athlete", "==", "007")])
    assert set(filtered["athlete"]) == {"007"} and len(filtered)


def test_a_dataset_of_the_old_layout_is_replaced_not_mixed(dataset, tmp_path: Path):
    home, current, _outcomes = dataset
    out = tmp_path / "out"
    legacy = out / "daily" / "athlete=runner"
    legacy.mkdir(parents=True)
    pq.write_table(pq.read_table(athlete_file(current, "daily", "runner")).drop_columns(["athlete"]),
                   legacy / "part-0.parquet")
    (out / "_fingerprints.json").write_text(json.dumps({"runner": "0" * 64}), encoding="utf-8")
    assert {o["status"] for o in _load(home, out)} == {"written"}
    assert not legacy.exists()
    assert set(pd.read_parquet(out / "daily")["athlete"]) == {"cyclist", "quiet", "runner"}


def test_the_workers_get_absolute_paths_from_a_relative_home(tmp_path: Path, monkeypatch):
    """A worker started elsewhere (`--scheduler`) has its own working folder: given a relative home the client
    must send absolute paths, or the worker writes its sample streams under its own folder."""
    from kneeguard.batch.imports import ImportTask, absolute_db_url, decode_file, store_access
    from kneeguard.store.importer import DecodedFile

    client_dir, worker_dir = tmp_path / "client", tmp_path / "worker"
    client_dir.mkdir()
    worker_dir.mkdir()
    monkeypatch.chdir(client_dir)
    with open_store(home="hs", storage_root="roots/shared") as store:
        access = store_access(store)
    assert access.home == str(client_dir / "hs")
    assert access.storage_root == str(client_dir / "roots" / "shared")
    assert access.db_url == f"sqlite:///{client_dir / 'hs' / 'kneeguard.db'}"
    assert absolute_db_url("sqlite:///rel/k.db") == f"sqlite:///{client_dir / 'rel' / 'k.db'}"
    assert absolute_db_url("postgresql+psycopg://u:pw@db/k") == "postgresql+psycopg://u:pw@db/k"
    assert absolute_db_url("sqlite://") == "sqlite://"

    monkeypatch.chdir(worker_dir)  # now as the worker: the task runs in another folder
    [decoded] = decode_file(ImportTask("ana", 1, str(RUNS[0]), RUNS[0].name, RUNS[0].stat().st_size), access, False)
    assert isinstance(decoded, DecodedFile)
    assert list((client_dir / "roots" / "shared" / "samples").rglob("*.parquet"))
    assert not [p for p in worker_dir.rglob("*") if p.is_file()]


def test_batch_load_and_gait_send_absolute_paths(tmp_path: Path, monkeypatch):
    from kneeguard.batch import gait
    from kneeguard.batch.manifest import ManifestRow

    monkeypatch.chdir(tmp_path)
    seen = {}

    def recording(client, function, items, *args, **kwargs):
        seen[function.__name__] = args
        return iter(())

    monkeypatch.setattr(batch_load, "run_tasks", recording)
    monkeypatch.setattr(gait, "run_tasks", recording)
    (tmp_path / "clip.json").write_text("{}", encoding="utf-8")
    with open_store(home="hs") as store:
        with store.write() as session:
            from kneeguard.store import athletes

            athletes.get_or_create(session, "ana")
        list(batch_load.run_load(None, store, Path("out"), pd.Timestamp(AS_OF).date(), show=False))
        tasks, _done = gait.plan_tasks(store, [ManifestRow(0, "ana", Path("clip.json"))], "none")
        list(gait.run_gait(None, store, [ManifestRow(0, "ana", Path("clip.json"))], outputs="none", show=False))
    access, out, _day = seen["analyse_athlete"]
    assert access.home == str(tmp_path / "hs") and out == str(tmp_path / "out")
    assert seen["analyse_input"][0] == str(tmp_path / "hs")
    assert [t.path for t in tasks] == [str(tmp_path / "clip.json")]
    assert os.path.isabs(access.db_url.removeprefix("sqlite:///"))


def test_the_batch_import_table_names_each_files_athlete(monkeypatch):
    from io import StringIO

    from rich.console import Console

    from kneeguard.cli import import_cmd
    from kneeguard.store.importer import FileOutcome

    outcomes = [FileOutcome("a.fit", "imported", activities=1), FileOutcome("a.fit", "error", error="truncated")]
    buffer = StringIO()
    monkeypatch.setattr(import_cmd, "console", Console(file=buffer, width=120))
    import_cmd.print_outcomes(outcomes, {"imported": 1, "duplicate": 0, "skipped": 0, "error": 1},
                              athletes=["007", "ben [b]"])
    text = buffer.getvalue()
    assert "athlete" in text.splitlines()[2]
    lines = [line for line in text.splitlines() if "a.fit" in line]
    assert "007" in lines[0] and "imported" in lines[0]
    assert "ben [b]" in lines[1] and "truncated" in lines[1]  # a name is never taken as markup
    assert "new activities: 1" in text


def test_the_local_cluster_starts_quietly_when_port_8787_is_taken():
    """The docs say no dashboard; the scheduler's HTTP server still took 8787 and warned when it was in use."""
    import socket
    import warnings

    from kneeguard.batch.engine import connect

    taken = socket.socket()
    try:
        try:
            taken.bind(("127.0.0.1", 8787))
        except OSError:  # already taken by something else: the case under test all the same
            pass
        taken.listen()
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            with connect(workers=1) as client:
                assert client.submit(sum, [1, 2]).result() == 3
        assert not [w for w in seen if "already in use" in str(w.message)]
    finally:
        taken.close()
