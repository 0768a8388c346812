"""Job kind "gait_video": the whole `kneeguard gait` pipeline on an uploaded video, with progress.

Params: upload (file name inside the job folder), original_name (shown only), view,
height_cm, slowmo. The outputs (annotated video, plots, tables) go to
`<home>/gait/<job id>/`; the stored gait session's summary names that folder as
`outputs_id`, so pages find a session's files only through the session (scoped to its
athlete), and a folder name is never reused.
"""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from kneeguard.gait.summary import GaitSummary
from kneeguard.jobs.runner import JobContext
from kneeguard.store import jobs as job_rows

KIND = "gait_video"
OUTPUTS_DIRNAME = "gait"
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp")
# Share of the progress bar per stage, measured on a 12 s clip on two cores.
POSE_START, POSE_END = 0.02, 0.6
VIDEO_START, VIDEO_END = 0.62, 0.98


def outputs_dir(home: Path, summary: GaitSummary) -> Path | None:
    """The folder of a session analysed by this job kind, or None (CLI sessions keep theirs elsewhere)."""
    outputs_id = summary.outputs_id
    if not isinstance(outputs_id, str) or not job_rows.is_job_id(outputs_id):
        return None
    return Path(home) / OUTPUTS_DIRNAME / outputs_id


def run(ctx: JobContext) -> dict:
    from kneeguard.gait.outputs.annotate import browser_video_name
    from kneeguard.gait.pipeline import analyse_series, write_results
    from kneeguard.gait.capture.pose import keypoints_from_video
    from kneeguard.gait.capture.video import probe_video
    from kneeguard.store import records

    params = ctx.job.params
    upload = str(params.get("upload", ""))
    if not upload or Path(upload).name != upload:
        raise ValueError("the job names no uploaded video")
    shown = str(params.get("original_name") or upload)
    ctx.progress(0.01, "checking the video", force=True)
    info = probe_video(ctx.workdir / upload, slowmo=params.get("slowmo"))
    frames = max(info.n_frames, 1)

    def pose_frame(count: int) -> None:
        share = min(count / frames, 1.0)
        ctx.progress(POSE_START + (POSE_END - POSE_START) * share, f"finding the runner: frame {count} of {frames}")

    series = keypoints_from_video(info, on_frame=pose_frame)
    ctx.progress(POSE_END, "measuring the steps", force=True)
    result = analyse_series(series, info, shown, view=params.get("view"), height_cm=params.get("height_cm"))

    def video_frame(count: int) -> None:
        share = min(count / frames, 1.0)
        ctx.progress(VIDEO_START + (VIDEO_END - VIDEO_START) * share,
                     f"drawing the annotated video: frame {count} of {frames}")

    out = Path(ctx.store.home) / OUTPUTS_DIRNAME / ctx.job.id
    try:
        summary, _written = write_results(result, out, athlete=ctx.athlete, source=shown,
                                          video_name=browser_video_name(), on_video_frame=video_frame)
        # the upload itself is deleted when the job ends: the session names it as the user did
        video = dict(summary.video, path=shown) if summary.video is not None else None
        stored = dataclasses.replace(summary, outputs_id=ctx.job.id, video=video)
        ctx.progress(0.99, "saving the results", force=True)
        with ctx.store.write() as session:
            session_id = records.save_gait_session(session, ctx.job.athlete_id, stored.to_dict(), source=shown)
            outcome = {"gait_session_id": session_id, "url": f"/gait/{session_id}"}
            ctx.complete(session, outcome, f"done: {stored.n_steps} steps analysed")
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)  # no session points at it
        raise
    return outcome
