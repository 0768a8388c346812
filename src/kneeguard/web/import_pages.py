"""Import: upload activity files or export zips; each file gets a status line, like `kneeguard import`."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kneeguard.web.common import athlete_name, render, store_of

router = APIRouter()

CHUNK = 1024 * 1024
MAX_FILES = 2000


class UploadTooLarge(Exception):
    pass


@router.get("/import")
def import_page(request: Request):
    return render(request, "import.html", limit_mb=_limit_mb(request))


@router.post("/import")
async def import_upload(request: Request):
    limit = request.app.state.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + CHUNK:  # refuse before reading a huge body
        return _error(request, f"The upload is larger than the limit of {_limit_mb(request)} MB. "
                      "Import fewer files at a time, or use `kneeguard import` for big archives.", 413)
    form = await request.form(max_files=MAX_FILES)
    uploads = [f for f in form.getlist("files") + form.getlist("folder") if isinstance(f, UploadFile) and f.filename]
    if not uploads:
        return _error(request, "Choose at least one file (FIT, GPX, TCX, gzipped, or a Strava/Garmin export zip).", 400)
    workdir = Path(tempfile.mkdtemp(prefix="kneeguard-upload-"))
    try:
        try:
            saved = await _save_all(uploads, workdir, limit)
        except UploadTooLarge:
            return _error(request, f"The upload is larger than the limit of {_limit_mb(request)} MB.", 413)
        athlete = athlete_name(request)
        outcomes = await run_in_threadpool(_import, request, saved, workdir, athlete)  # parsing is CPU work
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        for f in uploads:
            await f.close()
    counts = {k: sum(1 for o in outcomes if o["status"] == k) for k in ("imported", "duplicate", "skipped", "error")}
    new = sum(o["activities"] for o in outcomes if o["status"] == "imported")
    return render(request, "import.html", limit_mb=_limit_mb(request), outcomes=outcomes, counts=counts,
                  new_activities=new, status_code=200)


async def _save_all(uploads: list[UploadFile], workdir: Path, limit: int) -> dict[Path, str]:
    """Each upload under a safe generated name (never the client's path); path -> shown name."""
    saved: dict[Path, str] = {}
    total = 0
    for index, upload in enumerate(uploads):
        target = workdir / f"{index:04d}_{safe_name(upload.filename)}"
        with target.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise UploadTooLarge
                out.write(chunk)
        saved[target] = upload.filename
    return saved


def safe_name(client_name: str) -> str:
    """The last path part with only harmless characters; keeps the extension that selects the reader."""
    base = re.split(r"[\\/]", client_name)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    return cleaned[-120:] or "upload"


def _import(request: Request, saved: dict[Path, str], workdir: Path, athlete: str) -> list[dict]:
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.store.importer import import_sources

    results = import_sources(store_of(request), iter_sources(list(saved)), athlete=athlete)
    shown = {str(path): name for path, name in saved.items()}
    rows = []
    for o in results:
        rows.append({"file": _display(o.file, shown, workdir), "status": o.status, "activities": o.activities,
                     "note": o.error or "; ".join(o.warnings)})
    return rows


def _display(name: str, shown: dict[str, str], workdir: Path) -> str:
    """The client's file name instead of the temporary path (members of a zip keep their inner path)."""
    for path, original in shown.items():
        if name == path:
            return original
        if name.startswith(path):
            return original + name[len(path):]
    return name.replace(str(workdir), "").lstrip("/\\")


def _error(request: Request, message: str, status: int):
    return render(request, "import.html", status_code=status, limit_mb=_limit_mb(request), error=message)


def _limit_mb(request: Request) -> str:
    return f"{request.app.state.max_upload_bytes / 1024 / 1024:g}"
