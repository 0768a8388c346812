"""`create_app()`: the FastAPI application, one router per page; single-user or multi-user mode."""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kneeguard.errors import UserError
from kneeguard.web import common
from kneeguard.web.security import SECURITY_HEADERS

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_MAX_UPLOAD_MB = 200.0


def create_app(store=None, home: str | os.PathLike[str] | None = None, db: str | None = None,
               *, max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB, multi_user: bool = False,
               secure_cookies: bool = False, secret_key: bytes | None = None,
               background_jobs: bool = True) -> FastAPI:
    """The app over `store`, or over the store opened from `db`/`home` (env defaults otherwise).

    `multi_user`: accounts, login, CSRF tokens and per-athlete access (see auth_pages);
    `secure_cookies` marks cookies Secure even when the app itself sees plain http (behind
    an https proxy); `secret_key` signs sessions (default: $KNEEGUARD_SECRET_KEY or a key
    file in the data folder). `background_jobs`: run the job worker (video analysis, big
    imports) while the app is up; without it jobs wait in the queue.
    """
    import kneeguard.advice.context  # noqa: F401 - the landing page's analysis, loaded at start-up
    import kneeguard.advice.engine  # noqa: F401   rather than on the first visit
    from kneeguard.jobs import JobWorker
    from kneeguard.store import open_store
    from kneeguard.web import (
        activities_pages,
        athlete_pages,
        checkin_pages,
        dashboard_pages,
        explain_pages,
        gait_pages,
        import_pages,
        jobs_pages,
        load_pages,
        notes_pages,
        overview_pages,
        plan_edits_pages,
        plan_pages,
        report_pages,
        selftests_pages,
        shoes_pages,
    )

    if store is None:
        store = open_store(url=db, home=home)
    app = FastAPI(title="kneeguard", docs_url=None, redoc_url=None, openapi_url=None, lifespan=_job_worker_lifespan)
    app.state.store = store
    app.state.job_worker = JobWorker(store) if background_jobs else None
    app.state.max_upload_bytes = int(max_upload_mb * 1024 * 1024)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (dashboard_pages, athlete_pages, import_pages, activities_pages, load_pages, checkin_pages,
                   plan_edits_pages, plan_pages, report_pages, shoes_pages, gait_pages, notes_pages, jobs_pages, selftests_pages,
                   explain_pages, overview_pages):
        app.include_router(module.router)
    if multi_user:
        _install_multi_user(app, store, secure_cookies, secret_key)
    _install_guards(app)  # after: the cross-site check and headers wrap the login middleware too
    for name in common.TEMPLATES.env.list_templates(extensions=["html"]):
        common.TEMPLATES.env.get_template(name)  # compile at start-up, not on each page's first visit
    return app


@contextlib.asynccontextmanager
async def _job_worker_lifespan(app: FastAPI):
    # The worker lives as long as the server: jobs queued while it was down run on start.
    worker = getattr(app.state, "job_worker", None)
    if worker is not None:
        worker.start()
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()


def _install_multi_user(app: FastAPI, store, secure_cookies: bool, secret_key: bytes | None) -> None:
    from kneeguard.web import auth_pages
    from kneeguard.web.security import LoginThrottle, SessionSigner, load_secret

    signer = SessionSigner(secret_key or load_secret(store.home))
    auth_pages.install(app, auth_pages.AuthSettings(signer, LoginThrottle(), secure_cookies))


def _install_guards(app: FastAPI) -> None:
    @app.middleware("http")
    async def same_origin_posts(request: Request, call_next):
        # Single-user mode has no login, so refuse form posts that a foreign web page makes the
        # browser send to this local server (a cheap cross-site request guard until CSRF tokens).
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin") or request.headers.get("referer")
            if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
                return PlainTextResponse("cross-site form posts are refused", status_code=403)
        response = await call_next(request)
        for header, value in SECURITY_HEADERS.items():  # setdefault: the report sets its own policy
            response.headers.setdefault(header, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no such page."
        return common.error_page(request, message, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request_value(request: Request, exc: RequestValidationError) -> HTMLResponse:
        # a page, not FastAPI's JSON ('/activities/abc' showed {"detail":[{"type":"int_parsing"...}], a coach)
        problems = [f"{' '.join(str(p) for p in e.get('loc', ())[1:]).replace('_', ' ') or 'value'} {e.get('input')!r}: "
                    f"{str(e.get('msg', 'not valid')).lower()}" for e in exc.errors()]
        return common.error_page(request, "This address has a value kneeguard cannot use: " + "; ".join(problems)
                                 + ".", 422)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> HTMLResponse:
        # UnknownAthlete, a bad form value, an unreadable upload...: one clear line and its status.
        return common.error_page(request, str(exc), exc.http_status)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> HTMLResponse:
        # Anything else is a bug in kneeguard: log the traceback, tell the user plainly, never
        # dress it up as "not found" or "bad request".
        log.error("bug while serving %s %s", request.method, request.url.path, exc_info=exc)
        page = common.error_page(request, "kneeguard hit an internal error (a bug, not a problem with your data); "
                                 "the details are in the server log.", 500)
        page.headers.update(SECURITY_HEADERS)  # this handler answers outside the middleware above
        return page
