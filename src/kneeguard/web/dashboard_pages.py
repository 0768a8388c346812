"""Dashboard: the triage banner from the latest check-in, the top factors, the next sessions."""
from __future__ import annotations

from fastapi import APIRouter, Request

from kneeguard.web.advice_view import advice_for, banner_class, upcoming
from kneeguard.web.common import athlete_name, parse_day, render, store_of

router = APIRouter()


@router.get("/")
def dashboard(request: Request, as_of: str | None = None):
    from kneeguard.store import plan_log
    from kneeguard.store.queries import count_activities, list_activities

    day = parse_day(as_of)
    advice = advice_for(request, day)
    sessions = upcoming(advice, day)
    with store_of(request).session() as session:
        count = count_activities(session, athlete_name(request), analysed_only=True)
        latest = list_activities(session, athlete=athlete_name(request), newest_first=True, limit=1,
                                 analysed_only=True)
        recent_ticks = plan_log.recent(session, athlete_name(request), limit=5)
    return render(request, "dashboard.html", advice=advice, banner=advice.banner,
                  banner_class=banner_class(advice.banner),
                  factors=advice.top_factors[:5], sessions=sessions, day=day,
                  activity_count=count, last_activity=latest[0] if latest else None,
                  recent_ticks=recent_ticks)
