"""Notes: a clinician's or coach's free-text notes on the current athlete.

Single-user mode: anyone at the screen writes, as "local". Multi-user mode: clinicians,
coaches and admins write (under their username) for the athletes they may see; an
athlete reads the notes about themselves and cannot write any (see docs/web.md).
"""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kneeguard.errors import InvalidInput
from kneeguard.web.common import athlete_name, render, signed_in_user, store_of

router = APIRouter()


def _may_write(request: Request) -> bool:
    user = signed_in_user(request)
    return user is None or user.can_write_notes  # None: single-user mode (no accounts)


def _notes(request: Request):
    from kneeguard.store.notes import list_notes

    name = athlete_name(request)
    with store_of(request).session() as session:
        return list_notes(session, name)


@router.get("/notes")
def notes_page(request: Request):
    return render(request, "notes.html", notes=_notes(request), may_write=_may_write(request), text="")


@router.post("/notes")
def add_note_submit(request: Request, text: str = Form("")):
    from kneeguard.store.notes import LOCAL_AUTHOR, add_note

    if not _may_write(request):
        raise StarletteHTTPException(403, "Only clinicians and coaches write notes; you can read the notes about you.")
    user = signed_in_user(request)
    name = athlete_name(request)  # before the write: SQLite allows one writer at a time
    try:
        with store_of(request).write() as session:
            add_note(session, name, user.username if user else LOCAL_AUTHOR, text)
    except InvalidInput as exc:
        return render(request, "notes.html", status_code=400, notes=_notes(request), may_write=True,
                      text=text, error=str(exc))
    return RedirectResponse("/notes", status_code=303)
