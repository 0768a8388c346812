"""Multi-user mode: the login requirement and CSRF check for every request, login and logout.

`install(app)` adds one middleware that runs before every route, so a route added later is
behind the login without doing anything: only `/login` and the packaged `/static/` files
are reachable signed out. Every request that is not GET/HEAD/OPTIONS must carry the CSRF
token of its session: the `csrf_token` field of a url-encoded form, or (for file uploads
and scripts, whose bodies are not read here) the `csrf_token` query parameter or the
`X-CSRF-Token` header. Templates get the token as `csrf_token` (see `_csrf.html`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kneeguard.web.common import ATHLETE_COOKIE, render, store_of
from kneeguard.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    LoginThrottle,
    SessionSigner,
    SignedInUser,
    looks_like_nonce,
    new_nonce,
    password_fingerprint,
)

router = APIRouter()

PUBLIC_PATHS = frozenset({"/login"})
PUBLIC_PREFIX = "/static/"  # the packaged assets only: nothing there belongs to an athlete
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FORM_BYTES = 1024 * 1024  # url-encoded forms are small; uploads are multipart
CSRF_MESSAGE = ("This form has expired or did not come from this site. Reload the page and send it again.")


@dataclass
class AuthSettings:
    signer: SessionSigner
    throttle: LoginThrottle
    secure_cookies: bool = False


def install(app, settings: AuthSettings) -> None:
    """Turn on multi-user mode for `app`: the middleware plus the login and logout routes."""
    app.state.auth = settings
    app.include_router(router)

    @app.middleware("http")
    async def require_login(request: Request, call_next):
        path = request.url.path
        if path.startswith(PUBLIC_PREFIX):
            return await call_next(request)
        user = await run_in_threadpool(_user_from_cookie, request)
        request.state.user = user
        fresh = None
        csrf_session = user.session_id if user else request.cookies.get(PRELOGIN_COOKIE)
        if not looks_like_nonce(csrf_session):
            csrf_session = fresh = new_nonce()
        request.state.csrf_session = csrf_session
        if user is None and path not in PUBLIC_PATHS:
            response = _to_login(request)
        elif request.method not in SAFE_METHODS and not await _csrf_ok(request, settings.signer, csrf_session):
            response = _refused(request, CSRF_MESSAGE, 403)
        else:
            response = await call_next(request)
        if fresh and user is None:
            response.set_cookie(PRELOGIN_COOKIE, fresh, max_age=settings.signer.max_age, httponly=True,
                                samesite="lax", secure=_secure(request), path="/")
        return response


def _user_from_cookie(request: Request) -> SignedInUser | None:
    from kneeguard.store.models import User

    payload = request.app.state.auth.signer.read(request.cookies.get(SESSION_COOKIE))
    if payload is None:
        return None
    with store_of(request).session() as session:
        row = session.get(User, payload["u"])
        if row is None or row.disabled or password_fingerprint(row.password_hash) != payload["p"]:
            return None  # deleted, disabled, or the password changed since this login
        return SignedInUser(row.id, row.username, row.role, row.athlete_id, payload["s"])


async def _csrf_ok(request: Request, signer: SessionSigner, csrf_session: str) -> bool:
    supplied = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)
    if not supplied:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        length = request.headers.get("content-length", "")
        if kind != "application/x-www-form-urlencoded" or not length.isdigit() or int(length) > MAX_FORM_BYTES:
            return False
        # Read here, the body is replayed to the route (Starlette caches it for call_next).
        fields = parse_qs((await request.body()).decode("ascii", "replace"), keep_blank_values=True)
        supplied = (fields.get(CSRF_FIELD) or [""])[0]
    return signer.csrf_matches(csrf_session, supplied)


def _to_login(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = "/login" if wanted == "/" else f"/login?next={quote(wanted, safe='')}"
        return RedirectResponse(target, status_code=303)
    return _refused(request, "Please sign in first: your session has ended or you are not signed in.", 401)


def _refused(request: Request, message: str, status: int) -> Response:
    return render(request, "error.html", status_code=status, message=message, athlete="", nav=[])


def _secure(request: Request) -> bool:
    return bool(request.app.state.auth.secure_cookies) or request.url.scheme == "https"


def safe_next(target: str | None) -> str:
    """Only a path on this site (no `//host`, no scheme): the login must not redirect elsewhere."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) < 32 for ch in target) or target.startswith("/login")):
        return "/"
    return target


def _login_form(request: Request, status: int = 200, **context) -> Response:
    context.setdefault("next", "/")
    context.setdefault("username", "")
    return render(request, "login.html", status_code=status, athlete="", nav=[], **context)


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    if request.state.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, next=safe_next(next))


@router.post("/login")
def login_submit(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")):
    from kneeguard.store import accounts

    auth: AuthSettings = request.app.state.auth
    address = request.client.host if request.client else "unknown"
    shown = {"username": username[:80], "next": safe_next(next)}
    wait = auth.throttle.retry_after(username, address)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        return _login_form(request, 429, error=f"Too many failed sign-ins for this name from your address. "
                           f"Try again in {minutes} minute{'s' if minutes > 1 else ''}.", **shown)
    with store_of(request).session() as session:
        user = accounts.authenticate(session, username, password)
        found = (user.id, user.password_hash) if user is not None else None
        session.commit()  # keeps a password hash upgraded to stronger parameters
    if found is None:
        auth.throttle.failed(username, address)
        return _login_form(request, 401, error="Wrong username or password.", **shown)
    auth.throttle.succeeded(username, address)
    cookie, _session_id = auth.signer.issue(*found)
    response = RedirectResponse(shown["next"], status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=auth.signer.max_age, httponly=True, samesite="lax",
                        secure=_secure(request), path="/")
    response.delete_cookie(PRELOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request):
    user: SignedInUser | None = request.state.user
    if user is not None:
        request.app.state.auth.signer.revoke(user.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(ATHLETE_COOKIE, path="/")  # the next person at this browser starts afresh
    return response
