"""Plan: the sessions of the personal plan as a week-by-week table, and the .ics calendar."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kneeguard.web.advice_view import BANNER_CLASS, advice_for
from kneeguard.web.common import parse_day, render

router = APIRouter()


@router.get("/plan")
def plan_page(request: Request, as_of: str | None = None, weeks: int = 6):
    advice = advice_for(request, parse_day(as_of), weeks)
    grouped = [(i, advice.week(i)) for i in range(advice.weeks)]
    return render(request, "plan.html", advice=advice, banner=advice.banner, weeks=grouped,
                  banner_class=BANNER_CLASS.get(advice.banner.level, "routine"), weeks_n=weeks)


@router.get("/plan.ics")
def plan_calendar(request: Request, as_of: str | None = None, weeks: int = 6):
    from kneeguard.advice.ics import build_calendar

    advice = advice_for(request, parse_day(as_of), weeks)
    return Response(build_calendar(advice).to_ical(), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="kneeguard-plan.ics"'})
