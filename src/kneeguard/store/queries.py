"""Read-side helpers: the activity table for the load engine, listings, samples."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from kneeguard.ingest.plausibility import EXCLUDED_PREFIX
from kneeguard.store import athletes, shoes
from kneeguard.store import samples as samples_io
from kneeguard.store.errors import UnknownActivity
from kneeguard.store.models import UTC, Activity, Athlete, Shoe, counted_in_analysis

if TYPE_CHECKING:
    from kneeguard.store.db import Store

FRAME_COLUMNS = ("id", "start", "sport", "sub_sport", "distance_m", "timer_s", "moving_s",
                 "elapsed_s", "avg_hr", "rpe", "hr_seconds_by_bpm", "shoe_id", "values_excluded")
_FLOATS = ("distance_m", "timer_s", "moving_s", "elapsed_s", "avg_hr", "rpe")


def _day_end(until: dt.date) -> dt.datetime:
    return dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=UTC)


def activities_frame(session: Session, athlete_id: int, until: dt.date | None = None) -> pd.DataFrame:
    """All activities of one athlete counted in analysis (not excluded by the person), oldest first, up to
    `until` (inclusive, UTC date). Every analysis reads activities here, so an exclusion reaches them all.

    Columns: FRAME_COLUMNS; `start` is datetime64[ns, UTC], floats are float64
    with NaN for missing, `hr_seconds_by_bpm` is None or a 256-float ndarray,
    `shoe_id` is the resolved shoe (Int64, <NA> when none).
    """
    fast_sqlite = session.get_bind().dialect.name == "sqlite"
    # On SQLite, read the stored UTC text and parse it vectorised: per-row
    # datetime processing would dominate the time of this hot query.
    start_col = type_coerce(Activity.start_utc, String) if fast_sqlite else Activity.start_utc
    query = select(
        Activity.id, start_col, Activity.sport, Activity.sub_sport, Activity.distance_m,
        Activity.timer_s, Activity.moving_s, Activity.elapsed_s, Activity.avg_hr, Activity.rpe,
        Activity.hr_histogram, Activity.shoe_id, Activity.gear,
        # the import left out implausible values (see ingest/plausibility.py)
        Activity.warnings.like(f'%"{EXCLUDED_PREFIX}%'),
    ).where(Activity.athlete_id == athlete_id, counted_in_analysis()).order_by(Activity.start_utc, Activity.id)
    if until is not None:
        query = query.where(Activity.start_utc < _day_end(until))
    rows = session.connection().execute(query).all()  # Core: no ORM row overhead
    cols = list(zip(*rows, strict=True)) if rows else [()] * 14
    (ids, starts, sport, sub_sport, dist, timer, moving, elapsed, avg_hr, rpe,
     blobs, explicit, gear, excluded) = cols
    if fast_sqlite:
        start = pd.to_datetime(pd.Series(starts, dtype=object), format="ISO8601").dt.tz_localize(UTC)
    else:
        start = pd.to_datetime(pd.Series(starts, dtype=object), utc=True)
    frame = pd.DataFrame({
        "id": np.asarray(ids, dtype=np.int64),
        "start": start.astype("datetime64[ns, UTC]"),
        "sport": pd.Series(sport, dtype="str"),
        "sub_sport": pd.Series(sub_sport, dtype="str"),
    })
    for name, values in zip(_FLOATS, (dist, timer, moving, elapsed, avg_hr, rpe), strict=True):
        frame[name] = np.array(values, dtype=np.float64)  # None becomes NaN
    frame["hr_seconds_by_bpm"] = pd.Series(
        [None if b is None else np.frombuffer(b, dtype="<f4").astype(np.float64) for b in blobs],
        dtype=object,
    )
    resolved = shoes.resolve(shoes.load_rules(session, athlete_id), explicit, gear, sport, frame["start"])
    frame["shoe_id"] = resolved.to_numpy()
    frame["shoe_id"] = frame["shoe_id"].astype("Int64")
    frame["values_excluded"] = np.array([bool(x) for x in excluded], dtype=bool)
    return frame[list(FRAME_COLUMNS)]


def _activity_filter(session: Session, athlete: athletes.AthleteRef | None, sport: str | None,
                     activity_id: int | None, analysed_only: bool = False) -> list:
    conditions = [counted_in_analysis()] if analysed_only else []
    if athlete is not None:
        conditions.append(Activity.athlete_id == athletes.get(session, athlete).id)
    if sport:
        conditions.append(Activity.sport == sport)
    if activity_id is not None:
        conditions.append(Activity.id == activity_id)
    return conditions


def count_activities(session: Session, athlete: athletes.AthleteRef | None = None, *,
                     sport: str | None = None, analysed_only: bool = False) -> int:
    return int(session.scalar(select(func.count(Activity.id))
                              .where(*_activity_filter(session, athlete, sport, None, analysed_only))))


def activity_sports(session: Session, athlete: athletes.AthleteRef | None = None) -> list[str]:
    query = select(Activity.sport).where(*_activity_filter(session, athlete, None, None)).distinct()
    return sorted(s for s in session.scalars(query) if s)


@dataclass(frozen=True)
class DatedActivity:
    """One activity on its (UTC) calendar day, for views that set activities beside a plan."""

    id: int
    day: dt.date
    sport: str
    distance_m: float | None
    timer_s: float | None


def activities_between(session: Session, athlete: athletes.AthleteRef, first: dt.date,
                       last: dt.date) -> list[DatedActivity]:
    """The athlete's activities whose UTC start day is first..last (inclusive), oldest first; those excluded
    from analysis (a wrong clock, say) are left out, as the plan they are set against leaves them out."""
    start = dt.datetime.combine(first, dt.time(), tzinfo=UTC)
    query = (select(Activity.id, Activity.start_utc, Activity.sport, Activity.distance_m, Activity.timer_s)
             .where(Activity.athlete_id == athletes.get(session, athlete).id, Activity.start_utc >= start,
                    Activity.start_utc < _day_end(last), counted_in_analysis())
             .order_by(Activity.start_utc, Activity.id))
    return [DatedActivity(i, when.astimezone(UTC).date(), sport or "", dist, timer)
            for i, when, sport, dist, timer in session.execute(query)]


def list_activities(session: Session, athlete: athletes.AthleteRef | None = None, *, sport: str | None = None,
                    activity_id: int | None = None, newest_first: bool = False, limit: int | None = None,
                    offset: int = 0, analysed_only: bool = False) -> list[dict[str, Any]]:
    """Activities (of one athlete, or everyone), oldest first unless `newest_first`, as plain
    dicts for display/JSON: start is ISO 8601 UTC, shoe is the resolved shoe's name or None.
    `sport`, `activity_id`, `limit` and `offset` narrow it in the database (pages of a long history);
    `analysed_only` leaves out the activities the person excluded from analysis."""
    order = (Activity.start_utc.desc(), Activity.id.desc()) if newest_first else (Activity.start_utc, Activity.id)
    query = (select(Activity, Athlete.name).join(Athlete, Athlete.id == Activity.athlete_id)
             .where(*_activity_filter(session, athlete, sport, activity_id, analysed_only)).order_by(*order)
             .offset(offset).limit(limit))
    rows = session.execute(query).all()
    shoe_of: dict[int, Any] = {}
    for athlete_id in {activity.athlete_id for activity, _ in rows}:
        mine = [activity for activity, _ in rows if activity.athlete_id == athlete_id]
        resolved = shoes.resolve(
            shoes.load_rules(session, athlete_id), [a.shoe_id for a in mine], [a.gear for a in mine],
            [a.sport for a in mine], [a.start_utc for a in mine],
        )
        shoe_of.update(zip((a.id for a in mine), resolved.tolist(), strict=True))
    names = {shoe_id: name for shoe_id, name in session.execute(select(Shoe.id, Shoe.name))}
    out = []
    for activity, athlete_name in rows:
        shoe_id = shoe_of.get(activity.id)
        out.append({
            "id": activity.id,
            "athlete": athlete_name,
            "sport": activity.sport,
            "sub_sport": activity.sub_sport,
            "start": activity.start_utc.astimezone(UTC).isoformat(),
            "distance_m": activity.distance_m,
            "timer_s": activity.timer_s,
            "elapsed_s": activity.elapsed_s,
            "moving_s": activity.moving_s,
            "avg_hr": activity.avg_hr,
            "avg_cadence_spm": activity.avg_cadence_spm,
            "device": activity.device,
            "source": activity.source_name,
            "gear": activity.gear,
            "shoe": None if shoe_id is None or shoe_id is pd.NA else names.get(int(shoe_id)),
            "shoe_explicit": activity.shoe_id is not None,
            "title": activity.name,
            "excluded": bool(activity.excluded),
            "edited_at": None if activity.edited_at is None else activity.edited_at.astimezone(UTC).isoformat(),
        })
    return out


def load_inputs(session: Session, athlete: athletes.AthleteRef, until: dt.date):
    """What the load analysis needs for one athlete up to `until`: (profile, activities frame, shoe statuses)."""
    from kneeguard.store.shoes import shoe_statuses

    row = athletes.get(session, athlete)
    return athletes.profile(row), activities_frame(session, row.id, until=until), shoe_statuses(session, row.id,
                                                                                                 as_of=until)


def get_activity(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise UnknownActivity(f"no activity with id {activity_id}")
    return activity


def load_samples(store: Store, activity_id: int) -> pd.DataFrame:
    """The activity's sample stream (empty frame when it has none)."""
    with store.session() as session:
        key = get_activity(session, activity_id).samples_key
    if key is None:
        return pd.DataFrame()
    return samples_io.read_samples(store.samples_dir, key)
