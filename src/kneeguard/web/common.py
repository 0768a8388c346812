"""What every page shares: templates, the current athlete, error pages, small formatters."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kneeguard.disclaimer import DISCLAIMER

ATHLETE_COOKIE = "kneeguard_athlete"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))  # autoescapes .html

NAV = [
    ("/", "Dashboard"), ("/import", "Import"), ("/activities", "Activities"), ("/load", "Load"),
    ("/checkin", "Check-in"), ("/plan", "Plan"), ("/report", "Report"), ("/shoes", "Shoes"),
    ("/gait", "Gait"), ("/athletes", "Athletes"),
]


def store_of(request: Request):
    return request.app.state.store


def athlete_name(request: Request) -> str:
    """The athlete chosen with the switcher (a cookie), falling back to the default one.

    The default athlete is created on first use so a fresh data folder shows empty pages,
    not errors; a cookie naming an athlete that no longer exists falls back to the default.
    """
    from kneeguard.store import DEFAULT_ATHLETE, athletes

    cached = getattr(request.state, "athlete", None)
    if cached:
        return cached
    wanted = request.cookies.get(ATHLETE_COOKIE) or DEFAULT_ATHLETE
    store = store_of(request)
    with store.session() as session:
        found = athletes.find(session, wanted) if wanted.strip() else None
    if found is None:
        with store.write() as session:
            wanted = athletes.get_or_create(session, DEFAULT_ATHLETE).name
    request.state.athlete = wanted
    return wanted


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("athlete", athlete_name(request))
    context.setdefault("nav", NAV)
    context.setdefault("disclaimer", DISCLAIMER)
    context.setdefault("path", request.url.path)
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def error_page(request: Request, message: str, status_code: int) -> HTMLResponse:
    try:
        name = athlete_name(request)
    except Exception:  # noqa: BLE001 - an error page must render even when the store is broken
        name = "?"
    return render(request, "error.html", status_code=status_code, message=message, athlete=name)


def message_of(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc) or exc.__class__.__name__


def parse_day(text: str | None) -> dt.date:
    """A YYYY-MM-DD query parameter, today when absent; ValueError (a 400 page) when malformed."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"the date must be YYYY-MM-DD, got {text!r}") from None


def fmt_number(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (int, float)):
        text = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def fmt_duration(seconds: Any) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return ""
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


TEMPLATES.env.filters["num"] = fmt_number
TEMPLATES.env.filters["hms"] = fmt_duration
