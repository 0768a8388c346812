"""Plan: the sessions of the personal plan as a week-by-week table, the .ics calendar, and
ticking sessions off as done with the pain felt afterwards (0-10, optional).

The recorded pain is stored, shown, and read by the advice (`advice.pain`): above the acceptable
band after a session since the latest check-in, loads hold.
"""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kneeguard import evidence
from kneeguard.errors import InvalidInput
from kneeguard.findings import uncertain_groups
from kneeguard.plan_length import DEFAULT_PLAN_WEEKS
from kneeguard.web.advice_view import advice_for, banner_class
from kneeguard.web.common import athlete_name, parse_day, render, store_of

router = APIRouter()

RETURN_PAGES = ("/", "/plan")  # where a tick form may send the browser back to (no open redirect)
TICK_DAYS_BACK = 366  # a session older than this cannot be ticked any more
RECENT_DAYS = 7  # the plan starts tomorrow; the days just past come from the plan as it stood a week ago


@router.get("/plan")
def plan_page(request: Request, as_of: str | None = None, weeks: int = DEFAULT_PLAN_WEEKS):
    advice = advice_for(request, parse_day(as_of), weeks)
    grouped = [(i, advice.week(i)) for i in range(advice.weeks)]
    today = dt.date.today()
    recent = recent_sessions(request, today)
    first = min([advice.start] + [s.date for s in recent])
    return render(request, "plan.html", advice=advice, banner=advice.banner, weeks=grouped,
                  banner_class=banner_class(advice.banner), weeks_n=weeks,
                  ticks=ticks_between(request, first, advice.end), today=today, recent=recent,
                  tickable=tickable_kinds(), back="/plan",
                  pain_acceptable=evidence.value("advice.pain.acceptable_max"),
                  uncertain=list(uncertain_groups(advice.uncertain).items()))


@router.get("/plan.ics")
def plan_calendar(request: Request, as_of: str | None = None, weeks: int = DEFAULT_PLAN_WEEKS):
    from kneeguard.advice.ics import build_calendar

    advice = advice_for(request, parse_day(as_of), weeks)
    return Response(build_calendar(advice).to_ical(), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="kneeguard-plan.ics"'})


def tickable_kinds() -> tuple[str, ...]:
    from kneeguard.advice.session import SESSION_KINDS

    return tuple(k for k in SESSION_KINDS if k != "rest")


def recent_sessions(request: Request, today: dt.date, days: int = RECENT_DAYS) -> list:
    """The sessions of the last `days` days up to today, as the plan of `days` days ago had them
    (the current plan starts tomorrow, so these are the ones left to tick off)."""
    earlier = advice_for(request, today - dt.timedelta(days=days))
    return [s for s in earlier.days if s.date <= today and s.kind in tickable_kinds()]


def ticks_between(request: Request, start: dt.date, end: dt.date) -> dict[tuple[dt.date, str], dict]:
    """The current athlete's ticks from start to end: {(day, kind): {"pain", "done_at"}}."""
    from kneeguard.store import plan_log

    name = athlete_name(request)
    with store_of(request).session() as session:
        return plan_log.completions(session, name, start, end)


@router.post("/plan/done")
def plan_session_done(request: Request, day: str = Form(""), kind: str = Form(""), pain: str = Form(""),
                      back: str = Form("/plan")):
    from kneeguard.store import plan_log

    when, kind = _tick_target(day, kind)
    name = athlete_name(request)  # before the write: SQLite allows one writer at a time
    with store_of(request).write() as session:
        plan_log.mark_done(session, name, when, kind, _pain(pain))
    return RedirectResponse(_back(back, when), status_code=303)


@router.post("/plan/undo")
def plan_session_undo(request: Request, day: str = Form(""), kind: str = Form(""), back: str = Form("/plan")):
    from kneeguard.store import plan_log

    when, kind = _tick_target(day, kind)
    name = athlete_name(request)
    with store_of(request).write() as session:
        plan_log.unmark(session, name, when, kind)
    return RedirectResponse(_back(back, when), status_code=303)


def _tick_target(day: str, kind: str) -> tuple[dt.date, str]:
    """The session's day and kind, checked; ValueError (a 400 page) otherwise."""
    if not day:
        raise InvalidInput("the session's day is missing")
    when = parse_day(day)
    today = dt.date.today()
    if when > today:
        raise InvalidInput(f"a session on {when} is still to come: tick it off once it is done")
    if (today - when).days > TICK_DAYS_BACK:
        raise InvalidInput(f"a session on {when} is too long ago to tick off")
    if kind not in tickable_kinds():
        raise InvalidInput(f"unknown plan session {kind!r}; one of {', '.join(tickable_kinds())}")
    return when, kind


def _pain(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise InvalidInput(f"pain after the session must be a whole number from 0 to 10, got {text!r}")
    return int(text)


def _back(back: str, when: dt.date) -> str:
    page = back if back in RETURN_PAGES else "/plan"
    return f"{page}#day-{when.isoformat()}" if page == "/plan" else page
