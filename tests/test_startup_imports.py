"""Light commands start fast (issue 18): which libraries a fresh `kneeguard` process imports for them.

A module-set test, not a timed one: each case runs the CLI in a new interpreter and reports which of the heavy
libraries ended up in `sys.modules`. `benchmarks/bench_startup.py` measures the time.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Libraries that only the commands doing the work need (analysis, video, web, PDF, file decoding).
HEAVY = ("pandas", "numpy", "pyarrow", "matplotlib", "scipy", "cv2", "mediapipe", "fastapi", "uvicorn",
         "weasyprint", "jinja2", "fitdecode", "gpxpy", "dask", "distributed")
STORE = ("sqlalchemy", "alembic")
# kneeguard's own engines that a light command must not load either (they read registries and rule files).
ENGINES = ("kneeguard.clinic.assess", "kneeguard.advice.context", "kneeguard.advice.engine", "kneeguard.load",
           "kneeguard.gait.summary", "kneeguard.report", "kneeguard.web")


def imported_after(args: list[str], *, via_main: bool = False, exit_codes: tuple[int, ...] = (0,)) -> set[str]:
    """The top-level packages, and kneeguard's modules, in `sys.modules` after `kneeguard ARGS` ran in a fresh
    interpreter: through the full app (`kneeguard.cli.app`), or as the `kneeguard` command runs (`main()`, which
    loads only the command's own module)."""
    if via_main:
        run = f"    from kneeguard.cli import main\n    sys.argv = ['kneeguard', *{args!r}]\n    main()\n"
    else:
        run = f"    from kneeguard.cli import app\n    app({args!r}, standalone_mode=True)\n"
    script = (
        "import json, sys\n"
        "try:\n" + run
        + "except SystemExit as exc:\n"
        f"    assert (exc.code or 0) in {exit_codes!r}, exc.code\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules}\n"
        "                        | {name for name in sys.modules if name.startswith('kneeguard.')})))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_imports_no_heavy_library_and_no_store():
    loaded = imported_after(["--help"])
    assert loaded.isdisjoint(HEAVY + STORE + ENGINES), sorted(loaded & set(HEAVY + STORE + ENGINES))


def test_a_subcommand_help_imports_no_heavy_library():
    for args in (["plan", "tick", "--help"], ["gait", "--help"], ["report", "--help"], ["serve", "--help"],
                 ["batch", "--help"], ["batch", "import", "--help"]):
        loaded = imported_after(args)
        assert loaded.isdisjoint(HEAVY + STORE), (args, sorted(loaded & set(HEAVY + STORE)))


def test_import_of_an_empty_folder_opens_no_store(tmp_path: Path):
    """Nothing to read: the command says so without loading SQLAlchemy or creating a store."""
    empty, home = tmp_path / "empty", tmp_path / "home"
    empty.mkdir()
    loaded = imported_after(["import", str(empty), "--home", str(home)], via_main=True)
    assert loaded.isdisjoint(HEAVY + STORE + ENGINES), sorted(loaded & set(HEAVY + STORE + ENGINES))
    assert not home.exists()


def test_import_of_a_file_needs_the_store_and_alembic_only_when_new(tmp_path: Path):
    """SQLAlchemy opens the store (and makes the athlete); alembic only when the store is new or behind."""
    folder, home = tmp_path / "runs", tmp_path / "home"
    folder.mkdir()
    (folder / "broken.fit").write_bytes(b"not a fit file")  # one error line: exit code 1
    args = ["import", str(folder), "--home", str(home)]
    first = imported_after(args, exit_codes=(1,))
    assert {"sqlalchemy", "alembic"} <= first
    again = imported_after(args, exit_codes=(1,))
    assert "sqlalchemy" in again and "alembic" not in again
    assert again.isdisjoint(ENGINES), sorted(again & set(ENGINES))


def test_the_command_line_loads_only_the_module_of_the_command_it_runs(tmp_path: Path):
    loaded = imported_after(["import", str(tmp_path)], via_main=True)
    commands = {name for name in loaded if name.startswith("kneeguard.cli.") and name.endswith("_cmd")}
    assert commands == {"kneeguard.cli.import_cmd"}, sorted(commands)


def test_import_of_fit_files_loads_no_xml_reader(tmp_path: Path):
    """The GPX and TCX readers load on the first file of theirs, not for an import of FIT files."""
    folder = tmp_path / "runs"
    folder.mkdir()
    source = Path(__file__).parent / "data" / "activities" / "fitparse" / "garmin-fenix-5-run.fit"
    (folder / "run.fit").write_bytes(source.read_bytes())
    loaded = imported_after(["import", str(folder), "--home", str(tmp_path / "home")], via_main=True)
    assert "kneeguard.ingest.fit" in loaded
    assert not {"kneeguard.ingest.gpx", "kneeguard.ingest.tcx"} & loaded
