"""Reliability: a real Dask scheduler and worker processes on 127.0.0.1, `kneeguard batch import` and `batch gait`
through `--scheduler`, a worker killed (SIGKILL) mid-run each time. Every input must end stored exactly once or
as one clear error line, and a second run must do nothing new.

PostgreSQL (the workers write) when KNEEGUARD_TEST_PG_URL is set, else SQLite (this process writes alone).
Workers run without a nanny, so a killed worker stays dead and its tasks move to the other one.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kneeguard.store import open_store
from kneeguard.store.models import Activity, Athlete, GaitSession, ImportedFile

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
# Real files from tests/data (see its MANIFEST.md): FIT from three devices and a GPX, small enough to stay quick.
GOOD = [DATA / "activities/fitparse/garmin-fenix-5-walk.fit", DATA / "activities/fitparse/garmin-edge-820-bike.fit",
        DATA / "activities/sweatpy/6449921903_ACTIVITY.fit", DATA / "activities/gpxpy/cerknicko-jezero.gpx"]
ATHLETES = 5  # the files replicated to five athletes: 20 imports
KEYPOINTS = DATA / "gait" / "male_side.mediapipe.json"
GAIT_ATHLETES = 3  # the gait analysis of a keypoint file takes seconds: three copies keep the test short
PG_URL = os.environ.get("KNEEGUARD_TEST_PG_URL", "").strip()


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                                    os.environ.get("PYTHONPATH")])))
    env.pop("KNEEGUARD_DASK_SCHEDULER", None)
    return env


class Cluster:
    """A scheduler and workers as separate processes (the `dask scheduler` / `dask worker` commands)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.address, self.workers = folder, f"tcp://127.0.0.1:{_port()}", []
        self.scheduler = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", self.address.rsplit(":", 1)[1], "--no-dashboard"],
            env=_env(), stdout=subprocess.DEVNULL, stderr=(folder / "scheduler.log").open("wb"))

    def add_worker(self, name: str) -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--nthreads", "1", "--no-nanny",
             "--no-dashboard", "--name", name, "--local-directory", str(self.folder / name)],
            env=_env(), stdout=subprocess.DEVNULL, stderr=(self.folder / f"{name}.log").open("wb"))
        self.workers.append(worker)
        return worker

    def wait_for(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            client.wait_for_workers(count, timeout=90)

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def cluster(tmp_path: Path):
    running = Cluster(tmp_path)
    try:
        running.add_worker("w1")
        running.add_worker("w2")
        running.wait_for(2)
        yield running
    finally:
        running.close()


def _batch(store_args: list[str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kneeguard.cli", "batch", *args, *store_args, "--json"],
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen) -> tuple[int, list[dict]]:
    out, err = process.communicate(timeout=240)
    assert process.returncode in (0, 1), err[-3000:]
    return process.returncode, json.loads(out)


def _kill_when(condition, worker: subprocess.Popen, timeout: float = 120.0) -> None:
    """SIGKILL `worker` as soon as `condition()` holds (the first results are in)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the batch produced no result in time"
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)


def test_batch_import_and_gait_survive_a_killed_worker(cluster: Cluster, tmp_path: Path):
    tag = uuid.uuid4().hex[:8]  # PostgreSQL may hold other runs' athletes
    names = [f"a{i}-{tag}" for i in range(ATHLETES)]
    home = tmp_path / "home"
    store_args = ["--home", str(home), "--scheduler", cluster.address] + (["--db", PG_URL] if PG_URL else [])
    store = open_store(PG_URL or None, home)
    bad = tmp_path / "truncated.fit"
    bad.write_bytes(GOOD[0].read_bytes()[:300])
    manifest = tmp_path / "import.csv"
    manifest.write_text("athlete,path\n" + "".join(f"{a},{p}\n" for a in names for p in GOOD)
                        + f"{names[0]},{bad}\n", encoding="utf-8")

    def count(model, column):
        with store.session() as session:
            return session.scalar(select(func.count(column)).join(Athlete, Athlete.id == model.athlete_id)
                                  .where(Athlete.name.in_(names)))

    running = _batch(store_args, "import", str(manifest))
    _kill_when(lambda: count(ImportedFile, ImportedFile.id) >= 1, cluster.workers[0])
    code, outcomes = _finish(running)
    assert code == 1  # the truncated file failed; the batch did not
    files = [(o["athlete"], Path(o["file"]).name) for o in outcomes]
    assert len(files) == len(set(files)) == ATHLETES * len(GOOD) + 1  # one line per input
    errors = [o for o in outcomes if o["status"] == "error"]
    assert len(errors) == 1, [(o["file"], o["error"]) for o in errors][:3]
    [error] = errors
    assert Path(error["file"]).name == "truncated.fit" and error["error"]
    assert count(ImportedFile, ImportedFile.id) == ATHLETES * len(GOOD)  # each file stored exactly once
    activities = count(Activity, Activity.id)
    assert activities >= ATHLETES * len(GOOD)

    again = _batch(store_args, "import", str(manifest))
    code, second = _finish(again)
    assert {o["status"] for o in second} == {"duplicate", "error"} and sum(o["activities"] for o in second) == 0
    assert count(Activity, Activity.id) == activities

    # The gait batch: a replacement worker joins, the second original one is killed mid-run.
    cluster.add_worker("w3")
    cluster.wait_for(2)
    gait_names = names[:GAIT_ATHLETES]
    for athlete in gait_names:
        shutil.copy(KEYPOINTS, tmp_path / f"{athlete}.json")
    (tmp_path / "broken.mp4").write_bytes(b"this is not a video")
    gait_manifest = tmp_path / "gait.csv"
    gait_manifest.write_text("athlete,path\n" + "".join(f"{a},{tmp_path / (a + '.json')}\n" for a in gait_names)
                             + f"{names[0]},{tmp_path / 'broken.mp4'}\n", encoding="utf-8")
    running = _batch(store_args, "gait", "--manifest", str(gait_manifest), "--outputs", "none")
    _kill_when(lambda: count(GaitSession, GaitSession.id) >= 1, cluster.workers[1])
    code, gait = _finish(running)
    assert code == 1
    assert sorted(o["status"] for o in gait) == ["error"] + ["stored"] * GAIT_ATHLETES
    assert count(GaitSession, GaitSession.id) == GAIT_ATHLETES
    code, gait_again = _finish(_batch(store_args, "gait", "--manifest", str(gait_manifest), "--outputs", "none"))
    assert sorted(o["status"] for o in gait_again) == ["error"] + ["unchanged"] * GAIT_ATHLETES
    assert count(GaitSession, GaitSession.id) == GAIT_ATHLETES
    store.close()
