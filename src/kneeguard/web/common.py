"""What every page shares: templates, the current athlete (and in multi-user mode the access
check behind it), error pages, small formatters."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Annotated, Any

from fastapi import Path as PathParam
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from kneeguard.activity_time import activity_seconds, duration_label
from kneeguard.dates import day_range, parse_day as checked_day
from kneeguard.disclaimer import DISCLAIMER
from kneeguard.evidence import marker_words
from kneeguard.numbers import shown_unit
from kneeguard.text import sentence

ATHLETE_COOKIE = "kneeguard_athlete"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))  # autoescapes .html

NAV = [
    ("/", "Dashboard"), ("/import", "Import"), ("/activities", "Activities"), ("/load", "Load"),
    ("/checkin", "Check-in"), ("/plan", "Plan"), ("/report", "Report"), ("/shoes", "Shoes"),
    ("/gait", "Gait"), ("/selftests", "Self-tests"), ("/notes", "Notes"), ("/overview", "Overview"), ("/athletes", "Athletes"),
]


def store_of(request: Request):
    return request.app.state.store


class NoVisibleAthlete(StarletteHTTPException):
    """A signed-in clinician or coach with no athlete assigned yet (or an unlinked athlete account)."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=403, detail=message)


def is_multi_user(request: Request) -> bool:
    return getattr(request.app.state, "auth", None) is not None


def signed_in_user(request: Request):
    """The `SignedInUser` of this request in multi-user mode; None in single-user mode."""
    return getattr(request.state, "user", None)


def athlete_name(request: Request) -> str:
    """The athlete every page shows: THE access check of multi-user mode.

    Single-user mode: the athlete chosen with the switcher (a cookie); without a choice (or
    with a cookie naming an athlete that no longer exists) the athlete with the newest data
    (`athletes.most_recently_active`: the demo opens on the demo runner), and in a folder
    without any data the default athlete, created on first use so a fresh data folder shows
    empty pages, not errors.

    Multi-user mode: the cookie is only a wish among the athletes this account may see
    (an athlete account is pinned to its own record); anything else falls back to the
    first visible athlete, and an account that may see none gets a 403 page. Pages read
    and write data only for this name, so none can reach another athlete's data.
    """
    from kneeguard.store import DEFAULT_ATHLETE, athletes

    cached = getattr(request.state, "athlete", None)
    if cached:
        return cached
    if is_multi_user(request):
        names = visible_athlete_names(request)
        if not names:
            raise NoVisibleAthlete(_no_athlete_message(signed_in_user(request)))
        wanted = request.cookies.get(ATHLETE_COOKIE)
        request.state.athlete = wanted if wanted in names else names[0]
        return request.state.athlete
    wanted = request.cookies.get(ATHLETE_COOKIE) or ""
    store = store_of(request)
    with store.session() as session:
        found = athletes.find(session, wanted) if wanted.strip() else None
        if found is None:  # no choice yet (or a stale one): the athlete with the newest data
            wanted = athletes.most_recently_active(session) or ""
            found = athletes.find(session, wanted) if wanted else None
    if found is None:
        with store.write() as session:
            wanted = athletes.get_or_create(session, DEFAULT_ATHLETE).name
    request.state.athlete = wanted
    return wanted


def visible_athlete_names(request: Request) -> list[str]:
    """The athletes the switcher offers: every athlete in single-user mode, else those of the account."""
    from kneeguard.store import accounts, athletes

    cached = getattr(request.state, "visible_athletes", None)
    if cached is not None:
        return cached
    user = signed_in_user(request)
    with store_of(request).session() as session:
        if not is_multi_user(request):
            rows = athletes.list_athletes(session)
        elif user is None:  # the login middleware never lets this through; refuse all the same
            rows = []
        else:
            rows = accounts.visible_athletes(session, user)
        request.state.visible_athletes = [a.name for a in rows]
        request.state.visible_athlete_ids = frozenset(a.id for a in rows)
    return request.state.visible_athletes


def athlete_id(request: Request) -> int:
    """The database id of `athlete_name(request)`, for routes that look objects up by id."""
    from kneeguard.store import athletes

    cached = getattr(request.state, "athlete_id", None)
    if cached is None:
        name = athlete_name(request)
        with store_of(request).session() as session:
            cached = request.state.athlete_id = athletes.get(session, name).id
    return cached


def ensure_visible(request: Request, owner_athlete_id: int | None, not_found: str) -> None:
    """For a route that takes an object's id in the URL (a job, a video, a gait session):
    a 404 page with `not_found` unless the object's athlete is one this account may see.

    The message is the one for a missing object, so a guessed id reveals nothing.
    """
    from kneeguard.store.errors import NotFoundError

    if owner_athlete_id is None:
        raise NotFoundError(not_found)
    if not is_multi_user(request):
        return
    visible_athlete_names(request)
    if owner_athlete_id not in request.state.visible_athlete_ids:
        raise NotFoundError(not_found)


def _no_athlete_message(user) -> str:
    if user is not None and user.role == "athlete":
        return ("This account is not linked to an athlete record any more. Ask the person who runs kneeguard "
                f"to recreate it: kneeguard users add {user.username} --role athlete --athlete NAME")
    name = user.username if user is not None else "USER"
    return ("No athlete is assigned to you yet. Ask the person who runs kneeguard to assign one: "
            f"kneeguard users assign {name} ATHLETE")


def csrf_token(request: Request) -> str:
    """The token forms must send back in multi-user mode (empty in single-user mode)."""
    settings = getattr(request.app.state, "auth", None)
    session_id = getattr(request.state, "csrf_session", None)
    return settings.signer.csrf_token(session_id) if settings is not None and session_id else ""


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    if "athlete" not in context:  # a page may render without one (login, error pages)
        context["athlete"] = athlete_name(request)
    context.setdefault("nav", NAV)
    context.setdefault("disclaimer", DISCLAIMER)
    context.setdefault("path", request.url.path)
    context.setdefault("user", signed_in_user(request))
    context.setdefault("csrf_token", csrf_token(request))
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def error_page(request: Request, message: str, status_code: int) -> HTMLResponse:
    try:
        name = athlete_name(request)
    except Exception:  # noqa: BLE001 - an error page must render even when the store is broken
        name = ""
    return render(request, "error.html", status_code=status_code, message=message, athlete=name)


# A stored row's id in an address: the database's integer range (a runner's /activities/99999999999999999999999
# overflowed SQLite's INTEGER: a 500); beyond it, the friendly page every unusable address value gets
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


def parse_day(text: str | None) -> dt.date:
    """A YYYY-MM-DD query parameter, today when absent; ValueError (a 400 page) when malformed."""
    if not text:
        return dt.date.today()
    return checked_day(text, "the date")


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
TEMPLATES.env.filters["cite_words"] = marker_words  # '[NR]', '[S]' spelled out for a runner
TEMPLATES.env.filters["shown_unit"] = shown_unit
TEMPLATES.env.filters["sentence"] = sentence  # a clause as a sentence: capitalised, full stop
TEMPLATES.env.globals["activity_seconds"] = activity_seconds  # timer, else moving, else elapsed: one rule
TEMPLATES.env.globals["duration_label"] = duration_label
TEMPLATES.env.globals["day_range"] = lambda: tuple(d.isoformat() for d in day_range())  # date inputs' min/max


def _register_words() -> None:
    """The words every page shares with the CLI and the report: a finding's value with its flag and whose
    (`report.measured.measured_text`), a stored answer in its question's words (`clinic.engine.value_in_words`)."""
    from kneeguard.clinic.engine import value_in_words
    from kneeguard.report.measured import measured_text

    TEMPLATES.env.globals["measured_text"] = measured_text
    TEMPLATES.env.globals["value_in_words"] = value_in_words


_register_words()


def _register_web_actions() -> None:
    from kneeguard.web.web_actions import command_link, web_actions

    TEMPLATES.env.filters["web_actions"] = web_actions  # advice texts: terminal commands become page links
    TEMPLATES.env.filters["command_link"] = command_link


_register_web_actions()
