"""Dashboard: the triage banner from the latest check-in, pain against load over a chosen period, a
"today" card with the session to tick off, the top factors as short cards, the next sessions.

The chart's numbers come from the `LoadReport` the advice was computed from, so the dashboard runs the load
analysis once; the chart and today's sessions are kept with the cached advice (`derived_for`: check-ins,
ticks and plan edits are in its data fingerprint). `/dashboard/chart.json` serves the same data as JSON.
"""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kneeguard.advice.session import KIND_WORDS
from kneeguard.web.advice_view import advice_for, banner_class, derived_for, todays_sessions, upcoming
from kneeguard.web.common import athlete_name, parse_day, render, store_of
from kneeguard.web.pain_load_chart import PERIODS, build_chart, checked_period, period_start

router = APIRouter()


@router.get("/")
def dashboard(request: Request, as_of: str | None = None, period: str | None = None):
    from kneeguard.advice.factors import later_onset_words
    from kneeguard.advice.ticks import TICKABLE_KINDS, with_ticked_today
    from kneeguard.store import plan_log
    from kneeguard.store.queries import count_activities, list_activities

    day, period = parse_day(as_of), checked_period(period)
    advice = advice_for(request, day)
    chart, chart_data = _chart_and_data(request, day, period)
    sessions = upcoming(advice, day)
    today = dt.date.today()
    due = derived_for(request, day, ("today", today), lambda ctx, _: todays_sessions(ctx, today)) if day == today else []
    with store_of(request).session() as session:
        count = count_activities(session, athlete_name(request), analysed_only=True)
        latest = list_activities(session, athlete=athlete_name(request), newest_first=True, limit=1,
                                 analysed_only=True)
        recent_ticks = plan_log.recent(session, athlete_name(request), limit=5)
        ticks = plan_log.completions(session, athlete_name(request), today, today) if day == today else {}
    due = with_ticked_today(due, [kind for (_, kind) in ticks], today) if day == today else []
    return render(request, "dashboard.html", advice=advice, banner=advice.banner,
                  banner_class=banner_class(advice.banner),
                  factors=advice.top_factors[:5], sessions=sessions, day=day, aggravating=advice.aggravating,
                  aggravating_later=later_onset_words(advice.aggravating),
                  activity_count=count, last_activity=latest[0] if latest else None,
                  recent_ticks=recent_ticks, kind_words=KIND_WORDS, chart=chart, chart_data=chart_data, period=period,
                  periods=[(key, label) for key, (label, _) in PERIODS.items()],
                  due=due, next_session=sessions[0] if sessions else None, ticks=ticks, today=today,
                  tickable=TICKABLE_KINDS, back="/", starts_tomorrow=advice.start > today
                  and advice.banner.checkin_date == today,
                  earlier_today_kinds=[k for k in ("run", "walk", "strength", "mobility") if k in TICKABLE_KINDS])


@router.get("/dashboard/chart.json")
def dashboard_chart(request: Request, as_of: str | None = None, period: str | None = None):
    """The pain/load chart's data, as the dashboard embeds it."""
    day, period = parse_day(as_of), checked_period(period)
    return JSONResponse(_chart_and_data(request, day, period)[1])


def _chart_and_data(request: Request, day: dt.date, period: str):
    """(PainLoadChart, its JSON data), made once per data state and period."""
    def make(context, _advice):
        chart = _chart(request, context, day, period)
        return chart, chart.to_dict()

    return derived_for(request, day, ("pain_load_chart", period), make)


def _chart(request: Request, context, day: dt.date, period: str):
    from kneeguard.advice.checkins import parse_records
    from kneeguard.store import UnknownAthlete, plan_log, plan_overrides, records

    name = athlete_name(request)
    with store_of(request).session() as session:
        try:
            stored = [r["record"] for r in records.list_checkins(session, name)]
            ticks = plan_log.completions(session, name, period_start(period, day), day)
            edits = plan_overrides.list_active(session, name)
        except UnknownAthlete:
            stored, ticks, edits = [], {}, []
    checkins = [r for r in parse_records(stored) if r.on_date <= day]
    return build_chart(context.load_report, day, period, checkins, ticks, edits)
