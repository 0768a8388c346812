"""Gait: upload a running video (analysed by the background worker), the stored analyses,
one session's results (annotated video, metrics, findings, per-step charts), and a
before/after comparison. Every id in a URL is looked up among the current athlete's
sessions only; a session's files are reached only through its session."""
from __future__ import annotations

import shutil
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.datastructures import UploadFile

from kneeguard.errors import InvalidInput
from kneeguard.gait.summary import GaitSummary
from kneeguard.web import gait_view
from kneeguard.web.common import RowId, athlete_name, render, store_of
from kneeguard.web.uploads import UploadTooLarge, declared_too_large, limit_mb, save_upload, shown_name

router = APIRouter()

VIEWS = ("side", "rear", "front")
HEIGHT_RANGE = (100.0, 230.0)
SLOWMO_RANGE = (1.0, 64.0)


def _sessions(request: Request) -> list[dict]:
    from kneeguard.store.records import list_gait_sessions

    name = athlete_name(request)
    with store_of(request).session() as session:
        return list_gait_sessions(session, name)


def _session(request: Request, session_id: int) -> dict:
    from kneeguard.store.records import get_gait_session

    name = athlete_name(request)
    with store_of(request).session() as session:
        return get_gait_session(session, session_id, athlete=name)  # 404 page for anyone else's


def _summary(saved: dict) -> GaitSummary:
    return GaitSummary.from_dict(saved["summary"] if isinstance(saved.get("summary"), dict) else {})


def _outputs(request: Request, saved: dict) -> Path | None:
    from kneeguard.jobs.gait_video import outputs_dir

    return outputs_dir(store_of(request).home, _summary(saved))


@router.get("/gait")
def gait_page(request: Request):
    return _gait_page(request)


def _gait_page(request: Request, status_code: int = 200, error: str = "", form: dict | None = None):
    from kneeguard.store import athletes
    from kneeguard.store import jobs as job_rows

    name = athlete_name(request)
    with store_of(request).session() as session:
        recent = job_rows.list_jobs(session, name, kind="gait_video", limit=5)
        height = athletes.get(session, name).height_cm
    rows = []
    for s in reversed(_sessions(request)):
        summary = _summary(s)
        rows.append({"id": s["id"], "recorded_at": s["recorded_at"], "source": s["source"],
                     "n_steps": summary.n_steps, "has_video": gait_view.session_file(
                         _outputs(request, s), "video") is not None,
                     "findings": [f.to_dict() for f in summary.findings][:5]})
    values = {"view": "", "height_cm": f"{height:g}" if height else "", "slowmo": "", **(form or {})}
    return render(request, "gait.html", status_code=status_code, sessions=rows, jobs=recent, error=error,
                  form=values, views=VIEWS, limit_mb=limit_mb(request), guide=gait_view.guide_steps())


@router.post("/gait/upload")
async def gait_upload(request: Request):
    from kneeguard.jobs import job_dir, submit_job
    from kneeguard.jobs.gait_video import VIDEO_SUFFIXES
    from kneeguard.store.jobs import new_job_id

    if declared_too_large(request):
        return _gait_page(request, 413, f"The video is larger than the limit of {limit_mb(request)} MB. "
                          "Trim it to 10-20 seconds of running.")
    form = await request.form(max_files=1)
    fields = {k: str(form.get(k) or "").strip() for k in ("view", "height_cm", "slowmo")}
    upload = form.get("video")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("Choose a video file of the runner (MP4 or MOV from a phone).")
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in VIDEO_SUFFIXES:
            raise InvalidInput(f"{shown_name(upload.filename)} is not a video kneeguard reads; use "
                             f"{', '.join(s.lstrip('.').upper() for s in VIDEO_SUFFIXES)}.")
        params = _options(fields)
        name = athlete_name(request)
        job_id = new_job_id()
        folder = job_dir(store_of(request).home, job_id)
        folder.mkdir(parents=True)
        stored_as = "video" + suffix  # a generated name: the client's name never reaches the disk
        try:
            await save_upload(upload, folder / stored_as, request.app.state.max_upload_bytes)
            submit_job(store_of(request), name, "gait_video",
                       {**params, "upload": stored_as, "original_name": shown_name(upload.filename)}, job_id)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    except UploadTooLarge:
        return _gait_page(request, 413, f"The video is larger than the limit of {limit_mb(request)} MB. "
                          "Trim it to 10-20 seconds of running.", fields)
    except InvalidInput as exc:
        return _gait_page(request, 400, str(exc), fields)
    finally:
        if isinstance(upload, UploadFile):
            await upload.close()
    worker = getattr(request.app.state, "job_worker", None)
    if worker is not None:
        worker.wake()
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def _options(fields: dict[str, str]) -> dict:
    """The form's analysis options, checked; ValueError with a line for the page otherwise."""
    view = fields["view"] or None
    if view is not None and view not in VIEWS:
        raise InvalidInput(f"the camera view must be one of {', '.join(VIEWS)} (or automatic), got {view!r}")
    height = _number("Height", fields["height_cm"], *HEIGHT_RANGE, "cm")
    slowmo = _number("Slow-motion factor", fields["slowmo"], *SLOWMO_RANGE, "times slower")
    return {"view": view, "height_cm": height, "slowmo": slowmo}


def _number(label: str, text: str, low: float, high: float, unit: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise InvalidInput(f"{label} must be a number, got {text!r}") from None
    if not low <= value <= high:
        raise InvalidInput(f"{label} must be between {low:g} and {high:g} {unit}, got {text}")
    return value


@router.get("/gait/compare")
def gait_compare(request: Request, before: int | None = None, after: int | None = None):
    from kneeguard.gait.compare import cadence_change_note, compare_summaries

    sessions = _sessions(request)
    if before is None and after is None and len(sessions) >= 2:
        before, after = sessions[-2]["id"], sessions[-1]["id"]
    if before is None or after is None:
        return render(request, "gait_compare.html", sessions=list(reversed(sessions)), rows=[], pair=None,
                      note=None, message="Choose two analyses to compare." if len(sessions) >= 2 else
                      "Comparing needs two gait analyses; upload another video after some weeks of retraining.")
    pair = [_session(request, before), _session(request, after)]
    rows = compare_summaries(_summary(pair[0]), _summary(pair[1]))
    videos = [gait_view.session_file(_outputs(request, s), "video") is not None for s in pair]
    return render(request, "gait_compare.html", sessions=list(reversed(sessions)), rows=rows, pair=pair,
                  videos=videos, note=cadence_change_note(rows), message="")


@router.get("/gait/{session_id}")
def gait_session_page(request: Request, session_id: RowId):
    saved = _session(request, session_id)
    summary = _summary(saved)
    outputs = _outputs(request, saved)
    files = {name: gait_view.session_file(outputs, name) is not None for name in gait_view.SESSION_FILES}
    others = [s for s in reversed(_sessions(request)) if s["id"] != session_id]
    from kneeguard.gait.quality import doubtful_meaning, quality_parts

    return render(request, "gait_session.html", saved=saved, summary=summary, rows=gait_view.metric_rows(summary),
                  quality_parts=quality_parts(summary.quality_detail), quality_doubtful=doubtful_meaning(),
                  charts=gait_view.step_charts(summary), files=files, others=others,
                  findings=[f.to_dict() for f in summary.findings],
                  warnings=[w for w in summary.warnings if isinstance(w, str)])


@router.get("/gait/{session_id}/files/{name}")
def gait_session_file(request: Request, session_id: RowId, name: str):
    from kneeguard.store.records import UnknownGaitSession

    saved = _session(request, session_id)
    found = gait_view.session_file(_outputs(request, saved), name)
    if found is None:
        raise UnknownGaitSession(f"gait session {session_id} has no file {name!r}")
    path, media_type = found
    download = name in ("steps.csv", "summary.json")
    return FileResponse(path, media_type=media_type, content_disposition_type="attachment" if download else "inline",
                        filename=f"gait-{session_id}-{path.name}" if download else None,
                        headers={"Cache-Control": "private, max-age=3600"})
