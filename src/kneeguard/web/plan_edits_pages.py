"""Plan edits: a clinician removes or swaps an exercise, sets a dose, a weekly distance ceiling or a
no-running period for the current athlete; the engine applies the edits on every regeneration.

Single-user mode: whoever is at the screen edits, as "local clinician". Multi-user mode: clinicians
and admins edit the athletes they may see (a clinician: those assigned); an athlete or a coach sees
the edits read-only (403 on a write); an athlete the account may not see is a 404, as everywhere.
"""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kneeguard.errors import InvalidInput
from kneeguard.web.advice_view import advice_for
from kneeguard.web.common import (RowId, athlete_name, ensure_visible, is_multi_user, render, signed_in_user,
                                  store_of, visible_athlete_names)

router = APIRouter()
NOT_FOUND = "No such plan edit."
READ_ONLY = "Only the athlete's clinicians change the plan; you can read the edits here."


def may_edit(request: Request) -> bool:
    user = signed_in_user(request)
    return user is None or user.can_edit_plan  # None: single-user mode (no accounts)


def _author(request: Request) -> str:
    from kneeguard.advice.overrides import LOCAL_CLINICIAN

    user = signed_in_user(request)
    return user.username if user else LOCAL_CLINICIAN


def _page(request: Request, status_code: int = 200, error: str = ""):
    from kneeguard.advice.exercises import library

    advice = advice_for(request, dt.date.today())
    exercises = sorted(library().values(), key=lambda e: (e.kind, e.name))
    return render(request, "plan_edits.html", status_code=status_code, edits=advice.overrides,
                  may_edit=may_edit(request), exercises=exercises, error=error)


@router.get("/plan/edits")
def plan_edits_page(request: Request):
    return _page(request)


@router.post("/plan/edits")
def add_plan_edit(request: Request, athlete: str = Form(""), kind: str = Form(""), exercise: str = Form(""),
                  new_exercise: str = Form(""), sets: str = Form(""), reps: str = Form(""), per_week: str = Form(""),
                  max_weekly_km: str = Form(""), start: str = Form(""), end: str = Form(""), note: str = Form("")):
    from kneeguard.advice.overrides import DoseChange, OverrideKind, PlanOverride
    from kneeguard.store import plan_overrides
    from kneeguard.store.errors import NotFoundError

    if not may_edit(request):
        raise StarletteHTTPException(403, READ_ONLY)
    target = athlete.strip() or athlete_name(request)
    if is_multi_user(request) and target not in visible_athlete_names(request):
        raise NotFoundError(f"no athlete {target!r}")  # the words of a missing athlete: a guess reveals nothing
    try:
        edit_kind = OverrideKind.parse(kind)
        edit = PlanOverride(
            edit_kind, _author(request), exercise=exercise.strip() or None, new_exercise=new_exercise.strip() or None,
            dose=DoseChange.parse(f"{sets}x{reps}" + (f"/{per_week}" if per_week.strip() else ""))
            if edit_kind is OverrideKind.DOSE else None,
            max_weekly_km=_number(max_weekly_km, "the weekly ceiling") if edit_kind is OverrideKind.MAX_WEEKLY_KM else None,
            start=_day(start, "the first day") if edit_kind is OverrideKind.NO_RUNNING else None,
            end=_day(end, "the last day") if edit_kind is OverrideKind.NO_RUNNING else None, note=note.strip())
        with store_of(request).write() as session:
            plan_overrides.add(session, target, edit)
    except InvalidInput as exc:
        return _page(request, 400, str(exc))
    return RedirectResponse("/plan/edits", status_code=303)


@router.post("/plan/edits/{edit_id}/remove")
def remove_plan_edit(request: Request, edit_id: RowId):
    from kneeguard.store import plan_overrides

    if not may_edit(request):
        raise StarletteHTTPException(403, READ_ONLY)
    with store_of(request).session() as session:
        owner = plan_overrides.athlete_of(session, edit_id)
    ensure_visible(request, owner, NOT_FOUND)
    with store_of(request).write() as session:
        plan_overrides.remove(session, owner, edit_id, _author(request))
    return RedirectResponse("/plan/edits", status_code=303)


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{what} must be a number, got {text!r}") from None


def _day(text: str, what: str) -> dt.date:
    from kneeguard.dates import parse_day

    return parse_day(text.strip(), what)
