"""`create_app()`: the FastAPI application, one router per page, single-user mode."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kneeguard.web import common

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_MAX_UPLOAD_MB = 200.0


def create_app(store=None, home: str | os.PathLike[str] | None = None, db: str | None = None,
               *, max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB) -> FastAPI:
    """The app over `store`, or over the store opened from `db`/`home` (env defaults otherwise)."""
    from kneeguard.store import open_store
    from kneeguard.web import (
        activities_pages,
        athlete_pages,
        checkin_pages,
        dashboard_pages,
        gait_pages,
        import_pages,
        load_pages,
        plan_pages,
        report_pages,
        shoes_pages,
    )

    if store is None:
        store = open_store(url=db, home=home)
    app = FastAPI(title="kneeguard", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.max_upload_bytes = int(max_upload_mb * 1024 * 1024)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (dashboard_pages, athlete_pages, import_pages, activities_pages, load_pages, checkin_pages,
                   plan_pages, report_pages, shoes_pages, gait_pages):
        app.include_router(module.router)
    _install_guards(app)
    return app


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
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "There is no such page."
        return common.error_page(request, message, exc.status_code)

    @app.exception_handler(LookupError)
    async def not_found(request: Request, exc: LookupError) -> HTMLResponse:
        # UnknownAthlete, UnknownActivity, UnknownShoe... are LookupErrors with a clear line.
        return common.error_page(request, common.message_of(exc), 404)

    @app.exception_handler(ValueError)
    async def bad_input(request: Request, exc: ValueError) -> HTMLResponse:
        return common.error_page(request, common.message_of(exc), 400)
