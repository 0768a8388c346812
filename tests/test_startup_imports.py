"""Light commands start fast (issue 18): which libraries a fresh `kneeguard` process imports for them.

A module-set test, not a timed one: each case runs the CLI in a new interpreter and reports which of the heavy
libraries ended up in `sys.modules`. `benchmarks/bench_startup.py` measures the time.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

# Libraries that only the commands doing the work need (analysis, video, web, PDF, file decoding).
HEAVY = ("pandas", "numpy", "pyarrow", "matplotlib", "scipy", "cv2", "mediapipe", "fastapi", "uvicorn",
         "weasyprint", "jinja2", "fitdecode", "gpxpy", "dask", "distributed")
STORE = ("sqlalchemy", "alembic")
# kneeguard's own engines that a light command must not load either (they read registries and rule files).
ENGINES = ("kneeguard.clinic.assess", "kneeguard.advice.context", "kneeguard.advice.engine", "kneeguard.load",
           "kneeguard.gait.summary", "kneeguard.report", "kneeguard.web")


def imported_after(args: list[str]) -> set[str]:
    """The top-level packages, and kneeguard's modules, in `sys.modules` after `kneeguard ARGS` ran in a fresh
    interpreter."""
    script = textwrap.dedent(f"""
        import json, sys
        from kneeguard.cli import app
        try:
            app({args!r}, standalone_mode=True)
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
        print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}}
                                | {{name for name in sys.modules if name.startswith("kneeguard.")}})))
    """)
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


def test_import_of_an_empty_folder_needs_only_the_store(tmp_path: Path):
    """SQLAlchemy opens the store (and makes the athlete); alembic only when the store is new or behind;
    pandas, numpy and the decoders only once there is a file to read."""
    empty, home = tmp_path / "empty", tmp_path / "home"
    empty.mkdir()
    args = ["import", str(empty), "--home", str(home)]
    first = imported_after(args)  # creates the store: alembic migrates it
    assert "alembic" in first and first.isdisjoint(HEAVY), sorted(first & set(HEAVY))
    again = imported_after(args)
    assert "sqlalchemy" in again
    assert again.isdisjoint(HEAVY + ENGINES + ("alembic",)), sorted(again & set(HEAVY + ENGINES + ("alembic",)))
