"""Background jobs: a progress page per job (reload-safe: the state is in the database) and
its status as JSON for the page's script. Once a job with a results page (a gait video) is done,
its page redirects there, and the script following a running job goes there when it finishes.
A job id resolves only among the current athlete's jobs; anything else is the same 404."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from kneeguard.web.common import athlete_name, render, store_of

router = APIRouter()

TITLES = {"gait_video": "Gait video analysis", "import": "Import"}
BACK = {"gait_video": ("/gait", "Gait"), "import": ("/import", "Import")}
REFRESH_S = 3  # the page reloads itself this often without JavaScript


def _job(request: Request, job_id: str):
    from kneeguard.store import jobs as job_rows

    name = athlete_name(request)
    with store_of(request).session() as session:
        return job_rows.get_job(session, name, job_id)  # UnknownJob (a 404 page) for anyone else's


def result_url(job) -> str | None:
    """Where a finished job's result lives (a gait session page), or None when the job page shows it."""
    url = (job.result or {}).get("url") if job.status == "done" else None
    return url if isinstance(url, str) and url.startswith("/") and not url.startswith("//") else None


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str):
    job = _job(request, job_id)
    done_at = result_url(job)
    if done_at is not None:  # a finished job opens its results (a bookmark, the jobs list, a reload)
        return RedirectResponse(done_at, status_code=303)
    back_href, back_label = BACK.get(job.kind, ("/", "Dashboard"))
    return render(request, "job.html", job=job, title=TITLES.get(job.kind, job.kind), back_href=back_href,
                  back_label=back_label, refresh_s=REFRESH_S)


@router.get("/jobs/{job_id}/status")
def job_status(request: Request, job_id: str):
    job = _job(request, job_id)
    body = {"status": job.status, "progress": round(job.progress, 4), "message": job.message,
            "finished": job.finished, "result_url": result_url(job)}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
