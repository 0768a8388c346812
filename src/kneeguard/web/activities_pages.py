"""Activities: the list, and one activity with its sample streams."""
from __future__ import annotations

from fastapi import APIRouter, Request

from kneeguard.web.common import athlete_name, render, store_of
from kneeguard.web.stream_chart import stream_charts

router = APIRouter()
PAGE_SIZE = 200


@router.get("/activities")
def activities_page(request: Request, sport: str | None = None, page: int = 1):
    from kneeguard.store.queries import activity_sports, count_activities, list_activities

    name, page = athlete_name(request), max(page, 1)
    with store_of(request).session() as session:
        sports = activity_sports(session, name)
        total = count_activities(session, name, sport=sport or None)
        shown = list_activities(session, name, sport=sport or None, newest_first=True, limit=PAGE_SIZE,
                                offset=(page - 1) * PAGE_SIZE)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render(request, "activities.html", rows=shown, total=total, sports=sports, sport=sport or "",
                  page=page, pages=pages)


@router.get("/activities/{activity_id}")
def activity_page(request: Request, activity_id: int):
    from kneeguard.store.errors import UnknownActivity
    from kneeguard.store.queries import list_activities, load_samples

    with store_of(request).session() as session:
        rows = list_activities(session, athlete=athlete_name(request), activity_id=activity_id)
    row = rows[0] if rows else None
    if row is None:  # also hides other athletes' activities from a guessed URL
        raise UnknownActivity(f"no activity with id {activity_id} for {athlete_name(request)}")
    samples = load_samples(store_of(request), activity_id)
    return render(request, "activity.html", a=row, charts=stream_charts(samples), sample_count=len(samples))
