"""Athletes: select and switch (a cookie), create, and edit the profile."""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from kneeguard.web.common import ATHLETE_COOKIE, athlete_name, render, store_of

router = APIRouter()

PROFILE_LABELS = {
    "sex": "Sex (male or female; used for norms)", "birth_year": "Birth year", "height_cm": "Height (cm)",
    "mass_kg": "Body mass (kg)", "hr_max": "Maximum heart rate (bpm)", "hr_rest": "Resting heart rate (bpm)",
}


def _athlete_rows(request: Request) -> list[dict]:
    from kneeguard.store import athletes

    with store_of(request).session() as session:
        return [{"name": a.name, "id": a.id} for a in athletes.list_athletes(session)]


@router.get("/athletes")
def athletes_page(request: Request):
    return render(request, "athletes.html", athletes=_athlete_rows(request))


@router.post("/athletes")
def create_athlete(request: Request, name: str = Form("")):
    from kneeguard.store import athletes

    try:
        with store_of(request).write() as session:
            created = athletes.create(session, name).name
    except ValueError as exc:
        return render(request, "athletes.html", status_code=400, athletes=_athlete_rows(request),
                      error=str(exc), new_name=name)
    return _switch_to(created)


@router.post("/athletes/select")
def select_athlete(request: Request, name: str = Form("")):
    from kneeguard.store import athletes

    with store_of(request).session() as session:
        found = athletes.get(session, name)  # UnknownAthlete -> a clear 404 page
        return _switch_to(found.name)


def _switch_to(name: str) -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(ATHLETE_COOKIE, name, httponly=True, samesite="lax", max_age=365 * 24 * 3600)
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
    except ValueError as exc:
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
                raise ValueError(f"birth year must be a whole year, got {text!r}")
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
