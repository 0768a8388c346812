"""The background job life cycle: queued → running → done/failed, one-line failures, recovery
after a restart, scoping to the athlete, and a real child process. Fake job kinds keep it fast."""
from __future__ import annotations

import threading

import pytest

from kneeguard.jobs import JobWorker, job_dir, submit_job
from kneeguard.jobs.runner import run_claimed
from kneeguard.store import open_store
from kneeguard.store import jobs as job_rows
from tests.job_fakes import FAKE_KINDS


@pytest.fixture()
def store(two_athletes):  # SQLite, and PostgreSQL when KNEEGUARD_TEST_PG_URL is set
    return two_athletes


def _job(store, athlete: str, job_id: str) -> job_rows.JobView:
    with store.session() as s:
        return job_rows.get_job(s, athlete, job_id)


def _worker(store, isolate: bool = False) -> JobWorker:
    return JobWorker(store, isolate=isolate, kinds=FAKE_KINDS)


def test_job_goes_from_queued_to_done_and_its_folder_is_removed(store):
    job_id = submit_job(store, "ana", "fake_ok", {"value": 42})
    queued = _job(store, "ana", job_id)
    assert queued.status == "queued" and queued.progress == 0 and not queued.finished
    assert job_dir(store.home, job_id).is_dir()
    assert _worker(store).run_pending() == 1
    done = _job(store, "ana", job_id)
    assert done.status == "done" and done.progress == 1.0 and done.finished
    assert done.result == {"echo": 42, "athlete": "ana"} and done.attempt == 1
    assert not job_dir(store.home, job_id).exists()
    assert _worker(store).run_pending() == 0  # nothing left


def test_bad_input_fails_with_the_library_line_only(store):
    job_id = submit_job(store, "ana", "fake_bad_input", {})
    _worker(store).run_pending()
    failed = _job(store, "ana", job_id)
    assert failed.status == "failed"
    assert failed.message == "clip.mp4: only 3 steps detected; need at least 6"
    assert not job_dir(store.home, job_id).exists()


def test_an_unexpected_error_is_named_without_a_traceback(store):
    job_id = submit_job(store, "ana", "fake_bug", {})
    _worker(store).run_pending()
    message = _job(store, "ana", job_id).message
    assert message.startswith("unexpected error (RuntimeError): boom") and "\n" not in message


def test_unknown_kind_fails_clearly(store):
    job_id = submit_job(store, "ana", "no_such_kind", {})
    _worker(store).run_pending()
    assert _job(store, "ana", job_id).message == "unknown job kind 'no_such_kind'"


def test_jobs_are_scoped_to_their_athlete(store):
    job_id = submit_job(store, "ana", "fake_ok", {})
    with pytest.raises(job_rows.UnknownJob):
        _job(store, "bob", job_id)
    for bad in ("../../etc/passwd", job_id.upper(), job_id[:-1], ""):
        with pytest.raises(job_rows.UnknownJob):
            _job(store, "ana", bad)
    with store.session() as s:
        assert [j.id for j in job_rows.list_jobs(s, "ana")] == [job_id]
        assert job_rows.list_jobs(s, "bob") == []
    with pytest.raises(ValueError):
        job_dir(store.home, "../outside")


def _claim(store) -> job_rows.JobView:
    with store.write() as s:
        return job_rows.claim_next(s)


def test_restart_requeues_an_interrupted_job_once_then_fails_it(store):
    job_id = submit_job(store, "ana", "fake_ok", {})
    _claim(store)  # a server took it and died
    requeued, failed = _worker(store).recover()
    assert requeued == [job_id] and failed == []
    again = _job(store, "ana", job_id)
    assert again.status == "queued" and "server stopped" in again.message
    _claim(store)  # second attempt, and the server dies again
    requeued, failed = _worker(store).recover()
    assert failed == [job_id] and requeued == []
    assert _job(store, "ana", job_id).status == "failed" and "upload the file again" in _job(store, "ana", job_id).message
    assert not job_dir(store.home, job_id).exists()


def test_restart_fails_a_job_whose_upload_is_gone(store):
    job_id = submit_job(store, "ana", "fake_ok", {})
    _claim(store)
    job_dir(store.home, job_id).rmdir()
    assert _worker(store).recover() == ([], [job_id])


def test_a_requeued_job_runs_to_the_end(store):
    job_id = submit_job(store, "ana", "fake_ok", {"value": "x"})
    _claim(store)
    _worker(store).recover()
    _worker(store).run_pending()
    done = _job(store, "ana", job_id)
    assert done.status == "done" and done.attempt == 2


def test_a_stale_worker_cannot_overwrite_a_job_it_lost(store):
    job_id = submit_job(store, "ana", "fake_ok", {})
    first = _claim(store)
    _worker(store).recover()
    _claim(store)  # attempt 2 now owns it
    with pytest.raises(job_rows.JobSuperseded), store.write() as s:
        job_rows.finish(s, job_id, first.attempt, {"stale": True})
    assert run_claimed(store, first, FAKE_KINDS["fake_ok"]) == ""
    assert _job(store, "ana", job_id).status == "running"


def test_stopping_the_server_hands_a_running_job_back(store):
    job_id = submit_job(store, "ana", "fake_ok", {})
    claimed = _claim(store)
    stopping = threading.Event()
    stopping.set()
    assert run_claimed(store, claimed, FAKE_KINDS["fake_ok"], cancel=stopping) == "queued"
    back = _job(store, "ana", job_id)
    assert back.status == "queued" and back.attempt == 0  # a clean stop does not use up an attempt
    assert job_dir(store.home, job_id).is_dir()  # the upload is kept for the next run


def test_a_child_process_runs_the_job(store):
    job_id = submit_job(store, "ana", "fake_ok", {"value": [1, 2]})
    _worker(store, isolate=True).run_pending()
    done = _job(store, "ana", job_id)
    assert done.status == "done" and done.result == {"echo": [1, 2], "athlete": "ana"}


def test_a_child_process_that_dies_fails_its_job_clearly(store):
    job_id = submit_job(store, "ana", "fake_exit", {})
    _worker(store, isolate=True).run_pending()
    failed = _job(store, "ana", job_id)
    assert failed.status == "failed" and "stopped unexpectedly (exit code 3)" in failed.message
    assert not job_dir(store.home, job_id).exists()


def test_in_memory_store_runs_jobs_in_the_thread():
    memory = open_store(url="sqlite://")
    try:
        assert JobWorker(memory).isolate is False
    finally:
        memory.close()


def test_start_clears_folders_no_waiting_job_owns(store):
    waiting = submit_job(store, "ana", "fake_ok", {})
    stray = job_dir(store.home, job_rows.new_job_id())
    stray.mkdir(parents=True)
    (stray / "upload.fit").write_bytes(b"cut off")
    _worker(store).recover()
    assert not stray.exists() and job_dir(store.home, waiting).is_dir()
