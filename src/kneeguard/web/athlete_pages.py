"""Athletes: select and switch (a cookie), create, and edit the profile.

In multi-user mode the list and the switcher hold only the athletes the account may see.
"""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kneeguard.errors import InvalidInput
from kneeguard.web.common import (
    ATHLETE_COOKIE,
    NoVisibleAthlete,
    athlete_name,
    is_multi_user,
    render,
    signed_in_user,
    store_of,
    visible_athlete_names,
)

router = APIRouter()

PROFILE_LABELS = {
    "sex": "Sex (male or female; used for norms)", "birth_year": "Birth year", "height_cm": "Height (cm)",
    "mass_kg": "Body mass (kg)", "hr_max": "Maximum heart rate (bpm)", "hr_rest": "Resting heart rate (bpm)",
}


def _athlete_rows(request: Request) -> list[dict]:
    return [{"name": name} for name in visible_athlete_names(request)]


def _may_create(request: Request) -> bool:
    # Multi-user mode: only an admin adds athletes (a name taken by someone you may not see
    # would otherwise be revealed by "already exists"); accounts are made on the command line.
    user = signed_in_user(request)
    return not is_multi_user(request) or (user is not None and user.role == "admin")


def _page(request: Request, status_code: int = 200, **context):
    try:
        current = athlete_name(request)
    except NoVisibleAthlete as exc:  # the list page still renders, with the reason
        current, context["notice"] = "", exc.detail
    user = signed_in_user(request)
    return render(request, "athletes.html", status_code=status_code, athletes=_athlete_rows(request),
                  athlete=current, may_create=_may_create(request),
                  may_switch=user is None or user.role != "athlete", **context)


@router.get("/athletes")
def athletes_page(request: Request):
    return _page(request)


@router.post("/athletes")
def create_athlete(request: Request, name: str = Form("")):
    from kneeguard.store import athletes

    if not _may_create(request):
        raise StarletteHTTPException(403, "Only an admin adds athletes in multi-user mode.")
    try:
        with store_of(request).write() as session:
            created = athletes.create(session, name).name
    except InvalidInput as exc:
        return _page(request, status_code=400, error=str(exc), new_name=name)
    return _switch_to(request, created)


@router.post("/athletes/select")
def select_athlete(request: Request, name: str = Form("")):
    from kneeguard.store import athletes
    from kneeguard.store.errors import UnknownAthlete

    if is_multi_user(request):
        # Only the athletes this account may see; the message is the same for one that does not exist.
        if name.strip() not in visible_athlete_names(request):
            raise UnknownAthlete(f"unknown athlete {name.strip()!r}")
        return _switch_to(request, name.strip())
    with store_of(request).session() as session:
        found = athletes.get(session, name)  # UnknownAthlete -> a clear 404 page
        return _switch_to(request, found.name)


def _switch_to(request: Request, name: str) -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    secure = request.url.scheme == "https" or bool(getattr(getattr(request.app.state, "auth", None),
                                                           "secure_cookies", False))
    response.set_cookie(ATHLETE_COOKIE, name, httponly=True, samesite="lax", max_age=365 * 24 * 3600,
                        secure=secure)
    return response


@router.get("/profile")
def profile_page(request: Request):
    return render(request, "profile.html", values=_profile_values(request), labels=PROFILE_LABELS)


@router.post("/profile")
async def save_profile(request: Request):
    from kneeguard.store import athletes

    form = await request.form()
    raw = {field: str(form.get(field, "")).strip() for field in PROFILE_LABELS}
    try:
        changes = _profile_changes(raw)
        name = athlete_name(request)  # before the write: SQLite allows one writer at a time
        with store_of(request).write() as session:
            athletes.update(session, name, **changes)
    except InvalidInput as exc:
        return render(request, "profile.html", status_code=400, values=raw, labels=PROFILE_LABELS, error=str(exc))
    return render(request, "profile.html", values=_profile_values(request), labels=PROFILE_LABELS,
                  saved=True)


def _profile_changes(raw: dict[str, str]) -> dict:
    """Form text to profile values; blank clears a field. The store validates ranges."""
    changes: dict = {}
    for field, text in raw.items():
        if not text:
            changes[field] = None
        elif field == "birth_year":
            if not text.isdigit():
                raise InvalidInput(f"birth year must be a whole year, got {text!r}")
            changes[field] = int(text)
        else:
            changes[field] = text
    return changes


def _profile_values(request: Request) -> dict:
    from kneeguard.store import athletes

    with store_of(request).session() as session:
        row = athletes.get(session, athlete_name(request))
        return {f: "" if getattr(row, f) is None else _plain(getattr(row, f)) for f in PROFILE_LABELS}


def _plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
