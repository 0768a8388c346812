"""`kneeguard batch gait VIDEOS... | --manifest CSV`: one gait analysis per video (or keypoint file) on the workers.

Each task runs the pipeline `kneeguard gait` runs (`gait/pipeline.py`: checks, analysis, outputs) and writes
its outputs to `<storage root>/gait/<fingerprint>/` (the storage root defaults to the home; a folder, or an
fsspec URL: written locally, then put).
The client stores one gait session per input for its athlete, keyed by the input's fingerprint (sha256 of
the file and the options): the unique (athlete, input_hash) row makes a retried task or a re-run store
nothing twice, and a re-run passes over inputs already stored. A broken video is one error line.

One pose model per worker process: the MediaPipe backend (and the import of MediaPipe and its model files,
the slow part) is made once per process and kept in a module global. The pose graph itself is made afresh for
each video on purpose: MediaPipe's video mode tracks the runner from frame to frame, and that state must not
carry from one clip to the next.
"""
from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kneeguard.batch.engine import TaskFailure, run_tasks
from kneeguard.batch.imports import absolute_location, absolute_path
from kneeguard.batch.manifest import ManifestRow
from kneeguard.errors import UserError

KEYPOINT_SUFFIXES = (".json", ".npz")
OUTPUTS_DIRNAME = "gait"
_POSE_BACKEND: Any = None  # per worker process, see the module docstring


@dataclass(frozen=True)
class GaitTask:
    athlete: str
    athlete_id: int
    path: str
    view: str | None
    height_cm: float | None
    fingerprint: str


@dataclass(frozen=True)
class GaitOutcome:
    """One input: 'stored', 'unchanged' (stored before) or 'error'; `summary` is the GaitSummary dict."""

    athlete: str
    path: str
    status: str
    steps: int = 0
    cadence_spm: float | None = None
    findings: int = 0
    outputs: str = ""
    detail: str = ""
    summary: dict[str, Any] | None = dataclasses.field(default=None, repr=False)


def pose_backend():
    global _POSE_BACKEND
    if _POSE_BACKEND is None:
        from kneeguard.gait.capture.pose import MediaPipePoseBackend

        _POSE_BACKEND = MediaPipePoseBackend()
    return _POSE_BACKEND


def fingerprint(path: Path, view: str | None, height_cm: float | None, outputs: str) -> str:
    """sha256 of the input's bytes and the options that change the result."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(f"|{view}|{height_cm}|{outputs}".encode())
    return digest.hexdigest()


def analyse_input(task: GaitTask, root: str, outputs: str) -> GaitOutcome:
    """The worker's part. `outputs`: 'all' (tables, plots, annotated video), 'files' (no video), 'none'."""
    try:
        return _analyse(task, root, outputs)
    except UserError as exc:  # a broken or unusable video: its one line
        return GaitOutcome(task.athlete, task.path, "error", detail=str(exc))


def _analyse(task: GaitTask, root: str, outputs: str) -> GaitOutcome:
    from kneeguard.gait.pipeline import ANNOTATED_MP4, analyse_series, write_results
    from kneeguard.gait.summary import GaitSummary

    path = Path(task.path)
    info = None
    if path.suffix.lower() in KEYPOINT_SUFFIXES:
        series = _keypoints(path)
    else:
        from kneeguard.gait.capture.pose import keypoints_from_video
        from kneeguard.gait.capture.video import probe_video

        info = probe_video(path)
        series = keypoints_from_video(info, backend=pose_backend())
    result = analyse_series(series, info, path.name, view=task.view, height_cm=task.height_cm)
    where = ""
    if outputs == "none":
        summary = GaitSummary.from_report(result["report"], athlete=task.athlete, source=str(path), video_info=info,
                                          extra_warnings=result["warnings"])
    else:
        where = f"{root.rstrip('/')}/{OUTPUTS_DIRNAME}/{task.fingerprint[:24]}"
        video = ANNOTATED_MP4 if outputs == "all" else None
        summary = _write(result, where, task, video, write_results)
    return GaitOutcome(task.athlete, task.path, "stored", steps=summary.n_steps, cadence_spm=summary.cadence_spm,
                       findings=len(summary.findings), outputs=where, summary=summary.to_dict())


def _write(result, where: str, task: GaitTask, video: str | None, write_results):
    from kneeguard.store.samples import is_url

    if not is_url(where):
        summary, _written = write_results(result, Path(where), athlete=task.athlete, source=task.path,
                                          video_name=video)
        return summary
    import fsspec

    with tempfile.TemporaryDirectory(prefix="kneeguard-gait-") as local:
        summary, _written = write_results(result, Path(local), athlete=task.athlete, source=task.path,
                                          video_name=video)
        fs, remote = fsspec.core.url_to_fs(where)
        fs.put(f"{local}/", remote, recursive=True)
    return summary


def _keypoints(path: Path):
    from kneeguard.gait.io.schema_json import read_keypoints_json
    from kneeguard.gait.keypoints import GaitError
    from kneeguard.gait.outputs.files import load_keypoints_npz

    if path.suffix.lower() == ".json":
        return read_keypoints_json(path)
    try:
        return load_keypoints_npz(path)
    except (OSError, KeyError, ValueError) as exc:
        raise GaitError(f"{path.name} is not a kneeguard keypoint archive ({exc})") from None


def plan_tasks(store, rows: list[ManifestRow], outputs: str) -> tuple[list[GaitTask], list[GaitOutcome]]:
    """Tasks for the inputs not stored yet; outcomes for those stored before and those that cannot be read."""
    from kneeguard.store import athletes, records

    ids: dict[str, int] = {}
    stored: dict[int, set[str]] = {}
    with store.write() as session:
        for row in rows:
            if row.athlete not in ids:
                ids[row.athlete] = athletes.get_or_create(session, row.athlete).id
                stored[ids[row.athlete]] = records.gait_input_hashes(session, ids[row.athlete])
    tasks, done = [], []
    for row in rows:
        try:
            print_ = fingerprint(row.path, row.view, row.height_cm, outputs)
        except OSError as exc:
            done.append(GaitOutcome(row.athlete, str(row.path), "error", detail=f"cannot read: {exc.strerror or exc}"))
            continue
        athlete_id = ids[row.athlete]
        if print_ in stored[athlete_id]:
            done.append(GaitOutcome(row.athlete, str(row.path), "unchanged", detail="analysed and stored before"))
            continue
        stored[athlete_id].add(print_)  # the same input twice in one batch: analysed once
        # the input absolute too (a VIDEOS argument is relative to this process's folder, not the worker's)
        tasks.append(GaitTask(row.athlete, athlete_id, str(absolute_path(row.path)), row.view, row.height_cm,
                              print_))
    return tasks, done


def run_gait(client, store, rows: list[ManifestRow], *, outputs: str = "all",
             show: bool = True) -> Iterator[GaitOutcome]:
    """Analyse every input not stored yet; yields each input's outcome once its session is stored."""
    tasks, done = plan_tasks(store, rows, outputs)
    yield from done
    # absolute: the workers' working folder is not this process's (a --scheduler cluster started elsewhere)
    root = absolute_location(store.storage_root) if store.storage_root else str(absolute_path(store.home))
    for task, result in run_tasks(client, analyse_input, tasks, root, outputs, label="gait", show=show):
        if isinstance(result, TaskFailure):
            yield GaitOutcome(task.athlete, task.path, "error", detail=result.problem)
        elif result.status != "stored":
            yield result
        else:
            yield _save(store, task, result)


def _save(store, task: GaitTask, result: GaitOutcome) -> GaitOutcome:
    from sqlalchemy.exc import IntegrityError

    from kneeguard.store import records

    try:
        with store.write() as session:
            records.save_gait_session(session, task.athlete_id, result.summary or {}, source=task.path,
                                      input_hash=task.fingerprint)
    except IntegrityError:  # stored meanwhile by another run of the same batch
        return dataclasses.replace(result, status="unchanged", detail="stored by another run meanwhile")
    return result

