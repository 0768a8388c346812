"""Overview: every athlete this account may see in one table (a clinician's or coach's caseload),
sortable on the server by `?sort=COLUMN&order=asc|desc`, each row switching to that athlete.

Single-user mode lists every athlete in the store; multi-user mode the account's own
(`visible_athlete_names`: a clinician or coach their assigned athletes, an athlete account itself).
The rows are `overview_view.OverviewRow`s, built from the dashboard's own advice.
"""
from __future__ import annotations

import time

from fastapi import APIRouter, Request

from kneeguard.errors import InvalidInput
from kneeguard.web.common import parse_day, render, signed_in_user, visible_athlete_names
from kneeguard.web.overview_view import ADHERENCE_DAYS, DEFAULT_SORT, SORTS, overview_row, sorted_rows

router = APIRouter()
ORDERS = {"asc": False, "desc": True}


@router.get("/overview")
def overview_page(request: Request, sort: str = DEFAULT_SORT, order: str | None = None, as_of: str | None = None):
    if sort not in SORTS:
        raise InvalidInput(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    if order is not None and order not in ORDERS:
        raise InvalidInput(f"order must be asc or desc, got {order!r}")
    day = parse_day(as_of)
    started = time.perf_counter()
    rows = [overview_row(request, name, day) for name in visible_athlete_names(request)]
    descending = ORDERS[order] if order else SORTS[sort][2]
    rows = sorted_rows(rows, sort, descending)
    elapsed_ms = (time.perf_counter() - started) * 1000
    user = signed_in_user(request)
    response = render(request, "overview.html", rows=rows, sorts=SORTS, sort=sort, descending=descending,
                      day=day, as_of=as_of or "", adherence_days=ADHERENCE_DAYS,
                      may_switch=user is None or user.role != "athlete")
    # How long the rows took on the server (browsers show it in their network panel).
    response.headers["Server-Timing"] = f"overview;dur={elapsed_ms:.1f};desc=\"{len(rows)} athletes\""
    return response
