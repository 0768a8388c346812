"""Shoes: distance per shoe against its alert limit; add, change (alert limit, default shoe), retire and
bring back: everything `kneeguard shoes` does except assigning runs, which the activity pages do."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from kneeguard.errors import InvalidInput
from kneeguard.web.common import athlete_name, render, store_of

router = APIRouter()


def _rows(request: Request) -> list[dict]:
    from kneeguard.store import shoes

    with store_of(request).session() as session:
        name = athlete_name(request)
        statuses = shoes.list_shoes(session, name, as_of=dt.date.today())
        defaults = {s.id for s in statuses if shoes.get(session, name, s.name).is_default}
    return [{"name": s.name, "km": s.distance_km, "alert_km": s.alert_km, "runs": s.runs,
             "last_used": s.last_used, "retired": s.retired, "default": s.id in defaults,
             "used_pct": 100 * s.distance_km / s.alert_km if s.alert_km else None} for s in statuses]


@router.get("/shoes")
def shoes_page(request: Request):
    return render(request, "shoes.html", shoes=_rows(request), form={})


@router.post("/shoes")
def add_shoe(request: Request, name: str = Form(""), start_km: str = Form(""), alert_km: str = Form(""),
             default: str = Form("")):
    from kneeguard.store import shoes

    form = {"name": name, "start_km": start_km, "alert_km": alert_km, "default": default}
    try:
        start = _km("Kilometres already on the shoe", start_km) or 0.0
        alert = _km("Alert limit", alert_km)
        athlete = athlete_name(request)  # before the write: SQLite allows one writer at a time
        with store_of(request).write() as session:
            shoes.add(session, athlete, name, start_km=start, alert_km=alert, default=bool(default))
    except InvalidInput as exc:
        return render(request, "shoes.html", status_code=400, shoes=_rows(request), form=form, error=str(exc))
    return RedirectResponse("/shoes", status_code=303)


@router.post("/shoes/retire")
def retire_shoe(request: Request, name: str = Form("")):
    from kneeguard.store import shoes

    athlete = athlete_name(request)
    with store_of(request).write() as session:
        shoes.retire(session, athlete, name)  # UnknownShoe -> a clear 404 page
    return RedirectResponse("/shoes", status_code=303)


@router.post("/shoes/set")
def change_shoe(request: Request, name: str = Form(""), alert_km: str = Form(""), default: str = Form("")):
    """The alert limit and whether runs with no other shoe count on this one (`kneeguard shoes set`)."""
    from kneeguard.store import shoes

    try:
        alert = _km("Alert limit", alert_km)
        athlete = athlete_name(request)
        with store_of(request).write() as session:
            shoe = shoes.get(session, athlete, name)  # UnknownShoe -> a clear 404 page
            if alert is not None:
                shoes.set_alert(session, athlete, name, alert)
            if default and not shoe.is_default:
                shoes.set_default(session, athlete, name)
            elif not default and shoe.is_default:
                shoes.set_default(session, athlete, None)
    except InvalidInput as exc:
        return render(request, "shoes.html", status_code=400, shoes=_rows(request), form={}, error=str(exc))
    return RedirectResponse("/shoes", status_code=303)


@router.post("/shoes/unretire")
def unretire_shoe(request: Request, name: str = Form("")):
    from kneeguard.store import shoes

    athlete = athlete_name(request)
    with store_of(request).write() as session:
        shoes.unretire(session, athlete, name)
    return RedirectResponse("/shoes", status_code=303)


def _km(label: str, text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{label} must be a number of kilometres, got {text!r}") from None
