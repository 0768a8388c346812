"""Plan: the personal plan as a calendar (`plan_calendar`: planned beside done), the .ics calendar, and
ticking sessions off as done with the pain during them and the next morning (0-10, optional).

The recorded pain is stored, shown, and read by the pain rule (`advice.pain`, `kneeguard.pain_rule`):
the next sessions progress, hold or step back by it. A ticked session can get its next-morning pain
added the day after (the same form, posted again).
"""
from __future__ import annotations

import datetime as dt
import re

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kneeguard import evidence
from kneeguard.advice.ticks import TICKABLE_KINDS, checked_tick, record_tick, undo_tick, with_ticked_today
from kneeguard.errors import InvalidInput
from kneeguard.findings import uncertain_groups
from kneeguard.plan_length import DEFAULT_PLAN_WEEKS
from kneeguard.web.advice_view import advice_for, banner_class, derived_for, todays_sessions
from kneeguard.web.common import athlete_name, parse_day, render, store_of
from kneeguard.web.plan_calendar import calendar_weeks, day_names

router = APIRouter()

RETURN_PAGES = ("/", "/plan")  # where a tick form may send the browser back to (no open redirect)
RECENT_DAYS = 7  # the plan starts tomorrow; the days just past come from the plan as it stood a week ago


@router.get("/plan")
def plan_page(request: Request, as_of: str | None = None, weeks: int = DEFAULT_PLAN_WEEKS):
    day = parse_day(as_of)
    advice = advice_for(request, day, weeks)
    # today as the dashboard's Today card has it (the plan started today), so the two pages never disagree
    last = advice.scheduled_end  # a plan held at week 1 shows no days after it (`Advice.later_weeks_words` says why)
    ticks = ticks_between(request, day - dt.timedelta(days=RECENT_DAYS), last)  # the calendar's days, today's too
    today = with_ticked_today(derived_for(request, day, ("today", day), lambda ctx, _: todays_sessions(ctx, day)),
                              [kind for (tick_day, kind) in ticks if tick_day == day], day)
    recent = [s for s in recent_sessions(request, day) if s.date < day] + today
    first = min([advice.start] + [s.date for s in recent])
    # today is the Today card's (a plan that stops training starts today: its day 1 would be shown twice); a visit
    # to book that today already holds is not shown again tomorrow (the plan from tomorrow books it on its day 1)
    booked_today = any(s.kind == "see_professional" for s in today)
    ahead = [s for s in advice.days if s.date > day and not (booked_today and s.kind == "see_professional")]
    calendar = calendar_weeks(recent + ahead, ticks, runs_between(request, first, day), first, last, day,
                              advice.start)
    return render(request, "plan.html", advice=advice, banner=advice.banner, calendar=calendar,
                  banner_class=banner_class(advice.banner), weeks_n=weeks, day_names=day_names(advice.start),
                  # a preview ahead (as_of in the future) offers no tick for days still to come (a runner's
                  # tick there was refused: 'still to come')
                  ticks=ticks, today=min(day, dt.date.today()), tickable=TICKABLE_KINDS, back="/plan",
                  pain_rule_text=advice.pain_rule_words,
                  # read 43: 'effort ≤ 4/10' beside the 5/10 pain limit was never defined
                  easy_effort=int(evidence.value("advice.run.easy_rpe")),
                  uncertain=list(uncertain_groups(advice.uncertain).items()))


@router.get("/plan.ics")
def plan_calendar(request: Request, as_of: str | None = None, weeks: int = DEFAULT_PLAN_WEEKS):
    from kneeguard.advice.ics import build_calendar

    advice = advice_for(request, parse_day(as_of), weeks)
    # the athlete in the file name: a coach's twelve downloads were all 'kneeguard-plan.ics'
    name = re.sub(r"[^A-Za-z0-9]+", "-", advice.athlete).strip("-")
    filename = f"kneeguard-plan-{name}.ics" if name else "kneeguard-plan.ics"
    return Response(build_calendar(advice).to_ical(), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def recent_sessions(request: Request, today: dt.date, days: int = RECENT_DAYS) -> list:
    """The sessions of the last `days` days up to today (rest days too), as the plan of `days` days ago had
    them (the current plan starts tomorrow, so these are the ones left to tick off), from the day the athlete
    began using kneeguard (`store.athletes.in_use_since`)."""
    from kneeguard.store import UnknownAthlete, athletes

    earlier = advice_for(request, today - dt.timedelta(days=days))
    with store_of(request).session() as session:
        try:  # no plan before the athlete used kneeguard: a new user's last week is not a week of missed sessions
            since = athletes.in_use_since(session, athlete_name(request))
        except UnknownAthlete:
            since = today
    return [s for s in earlier.days if since <= s.date <= today]


def runs_between(request: Request, first: dt.date, last: dt.date) -> list:
    """The current athlete's imported runs (running sports) from first to last, to set beside the plan."""
    from kneeguard.load.activities import RUNNING_SPORTS
    from kneeguard.store.queries import activities_between

    if last < first:
        return []
    name = athlete_name(request)
    with store_of(request).session() as session:
        return [a for a in activities_between(session, name, first, last) if a.sport in RUNNING_SPORTS]


def ticks_between(request: Request, start: dt.date, end: dt.date) -> dict:
    """The current athlete's ticks from start to end: {(day, kind): plan_log.Tick}."""
    from kneeguard.store import plan_log

    name = athlete_name(request)
    with store_of(request).session() as session:
        return plan_log.completions(session, name, start, end)


@router.post("/plan/done")
def plan_session_done(request: Request, day: str = Form(""), kind: str = Form(""), pain_during: str = Form(""),
                      pain_morning: str = Form(""), back: str = Form("/plan")):
    """Tick a session off, or add the next-morning pain to a ticked one (a pain left empty is kept)."""
    when = _day(day)
    tick = checked_tick(when, kind, dt.date.today(), pain_during=_pain(pain_during, "during the session"),
                        pain_morning=_pain(pain_morning, "the next morning"))
    name = athlete_name(request)  # before the write: SQLite allows one writer at a time
    record_tick(store_of(request), name, tick)
    return RedirectResponse(_back(back, when), status_code=303)


@router.post("/plan/undo")
def plan_session_undo(request: Request, day: str = Form(""), kind: str = Form(""), back: str = Form("/plan")):
    when = _day(day)
    checked_tick(when, kind, dt.date.today())
    name = athlete_name(request)
    undo_tick(store_of(request), name, when, kind)
    return RedirectResponse(_back(back, when), status_code=303)


def _day(day: str) -> dt.date:
    if not day:
        raise InvalidInput("the session's day is missing")
    return parse_day(day)


def _pain(text: str, when: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise InvalidInput(f"pain {when} must be a whole number from 0 to 10, got {text!r}")
    return int(text)


def _back(back: str, when: dt.date) -> str:
    page = back if back in RETURN_PAGES else "/plan"
    return f"{page}#day-{when.isoformat()}" if page == "/plan" else page
