"""Import: upload activity files or export zips; each file gets a status line, like `kneeguard import`.

Small uploads are imported during the request; bigger ones (export zips, mostly) become
a background job with a progress page, so the browser is not left waiting on one request.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kneeguard.web.common import athlete_name, render, store_of
from kneeguard.web.uploads import UploadTooLarge, declared_too_large, limit_mb, safe_name, save_upload

router = APIRouter()

MAX_FILES = 2000
# Uploads above this size are imported by the background worker (a progress bar instead of a long wait).
BACKGROUND_IMPORT_BYTES = 10 * 1024 * 1024


@router.get("/import")
def import_page(request: Request):
    return render(request, "import.html", **_page_context(request))


@router.post("/import")
async def import_upload(request: Request):
    from kneeguard.jobs import job_dir, submit_job
    from kneeguard.store.jobs import new_job_id

    if declared_too_large(request):  # refuse before reading a huge body
        return _error(request, f"The upload is larger than the limit of {limit_mb(request)} MB. "
                      "Import fewer files at a time, or use `kneeguard import` for big archives.", 413)
    form = await request.form(max_files=MAX_FILES)
    uploads = [f for f in form.getlist("files") + form.getlist("folder") if isinstance(f, UploadFile) and f.filename]
    if not uploads:
        return _error(request, "Choose at least one file (FIT, GPX, TCX, gzipped, or a Strava/Garmin export zip).", 400)
    athlete = athlete_name(request)
    job_id = new_job_id()
    # Saved straight into the job's folder: a big upload then becomes a job without copying.
    workdir = job_dir(store_of(request).home, job_id)
    workdir.mkdir(parents=True)
    background = False
    try:
        try:
            saved, size = await _save_all(uploads, workdir, request.app.state.max_upload_bytes)
        except UploadTooLarge:
            return _error(request, f"The upload is larger than the limit of {limit_mb(request)} MB.", 413)
        if size > getattr(request.app.state, "background_import_bytes", BACKGROUND_IMPORT_BYTES):
            submit_job(store_of(request), athlete, "import", {"files": {p.name: n for p, n in saved.items()}}, job_id)
            background = True
        else:
            outcomes = await run_in_threadpool(_import, request, saved, workdir, athlete)  # parsing is CPU work
    finally:
        if not background:
            shutil.rmtree(workdir, ignore_errors=True)
        for f in uploads:
            await f.close()
    if background:
        worker = getattr(request.app.state, "job_worker", None)
        if worker is not None:
            worker.wake()
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)
    counts = {k: sum(1 for o in outcomes if o["status"] == k) for k in ("imported", "duplicate", "skipped", "error")}
    new = sum(o["activities"] for o in outcomes if o["status"] == "imported")
    return render(request, "import.html", outcomes=outcomes, counts=counts, new_activities=new, status_code=200,
                  **_page_context(request))


async def _save_all(uploads: list[UploadFile], workdir: Path, limit: int) -> tuple[dict[Path, str], int]:
    """Each upload under a safe generated name (never the client's path); (path -> shown name, bytes)."""
    saved: dict[Path, str] = {}
    total = 0
    for index, upload in enumerate(uploads):
        target = workdir / f"{index:04d}_{safe_name(upload.filename)}"
        total = await save_upload(upload, target, limit, total)
        saved[target] = upload.filename
    return saved, total


def _import(request: Request, saved: dict[Path, str], workdir: Path, athlete: str) -> list[dict]:
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.jobs.import_files import as_uploaded, outcome_rows
    from kneeguard.store.importer import import_sources

    results = import_sources(store_of(request), as_uploaded(iter_sources(list(saved)), saved, workdir), athlete=athlete)
    return outcome_rows(results, saved, workdir)


def _page_context(request: Request) -> dict:
    from kneeguard.store import jobs as job_rows

    name = athlete_name(request)  # before the session: it may create the default athlete
    with store_of(request).session() as session:
        recent = job_rows.list_jobs(session, name, kind="import", limit=5)
    background_mb = getattr(request.app.state, "background_import_bytes", BACKGROUND_IMPORT_BYTES) / 1024 / 1024
    return {"limit_mb": limit_mb(request), "jobs": recent, "background_mb": f"{background_mb:g}",
            "background_bytes": getattr(request.app.state, "background_import_bytes", BACKGROUND_IMPORT_BYTES)}


def _error(request: Request, message: str, status: int):
    return render(request, "import.html", status_code=status, error=message, **_page_context(request))
