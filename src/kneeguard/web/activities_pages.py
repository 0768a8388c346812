"""Activities: the list, one activity (streams, splits, zones, route), and the person's corrections."""
from __future__ import annotations


from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from kneeguard.errors import InvalidInput
from kneeguard.web.common import RowId, athlete_name, render, store_of

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
def activity_page(request: Request, activity_id: RowId, saved: int = 0):
    return _render_activity(request, activity_id, saved=bool(saved))


@router.post("/activities/{activity_id}/edit")
def edit_activity(request: Request, activity_id: RowId, sport: str = Form(""), title: str = Form(""),
                  shoe: str = Form(""), excluded: str = Form("")):
    from kneeguard.store.activity_edits import ActivityEdit
    from kneeguard.store.activity_edits import edit_activity as apply_edit

    athlete = athlete_name(request)  # before the write: SQLite allows one writer at a time
    edit = ActivityEdit(sport=sport, title=title, shoe=shoe.strip() or None, excluded=bool(excluded))
    try:
        with store_of(request).write() as session:
            apply_edit(session, athlete, activity_id, edit)  # UnknownActivity/UnknownShoe: a 404 page
    except InvalidInput as exc:
        return _render_activity(request, activity_id, error=str(exc), status_code=400)
    return RedirectResponse(f"/activities/{activity_id}?saved=1", status_code=303)


def _render_activity(request: Request, activity_id: int, *, saved: bool = False, error: str = "",
                     status_code: int = 200):
    from kneeguard.ingest.laps import laps_from_json
    from kneeguard.store import athletes, shoes
    from kneeguard.store.activity_edits import sport_choices
    from kneeguard.store.errors import UnknownActivity
    from kneeguard.store.importer import histogram_array
    from kneeguard.store.models import Activity
    from kneeguard.store.queries import list_activities, load_samples
    from kneeguard.web.activity_route import route_drawing
    from kneeguard.web.activity_streams import streams_payload
    from kneeguard.web.activity_view import heart_rate_zones, lap_rows, source_label, split_rows, summary_pace

    name = athlete_name(request)
    with store_of(request).session() as session:
        rows = list_activities(session, athlete=name, activity_id=activity_id)
        row = rows[0] if rows else None
        if row is None:  # also hides other athletes' activities from a guessed URL
            raise UnknownActivity(f"no activity with id {activity_id} for {name}")
        owner = athletes.get(session, name)
        profile = athletes.profile(owner)
        stored = session.get(Activity, activity_id)
        histogram, laps = histogram_array(stored.hr_histogram), laps_from_json(stored.laps)
        shoe_names = [s.name for s in shoes.list_shoes(session, owner) if not s.retired or s.name == row["shoe"]]
    samples = load_samples(store_of(request), activity_id)
    streams = streams_payload(samples, row["sport"])
    pace_label, pace_value = summary_pace(row)
    return render(
        request, "activity.html", status_code=status_code, a=row, source=source_label(row["source"]),
        streams=streams,
        sample_count=len(samples), laps=lap_rows(laps, row["sport"]), splits=split_rows(samples, row["sport"]), zones=heart_rate_zones(histogram, profile),
        route=route_drawing(samples), pace_label=pace_label, pace_value=pace_value,
        sports=sport_choices(row["sport"]), shoe_names=shoe_names, saved=saved, error=error)
