"""Shoes, which runs they carried, and how far they have gone.

Which shoe an activity was on is resolved at query time, never stored (except
the explicit per-activity choice), so rules added later apply to old runs:
    1. explicit per-activity assignment (`assign_activities`), any sport;
    2. gear name == shoe name, case-insensitive (Strava 'Activity Gear'), any sport;
    3. a dated assignment covering the run's UTC date (latest-starting range wins), runs only;
    4. the default shoe, for runs from its `created_on` to its `retired_on`, runs only.
The default starts at `created_on` because `start_km` already holds the distance
the shoe had when it was added; counting older runs would count them twice.
A shoe's distance = start_km + distance of RUNNING activities resolved to it.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kneeguard import evidence
from kneeguard.errors import InvalidInput
from kneeguard.profile import ShoeStatus
from kneeguard.store import athletes
from kneeguard.store.errors import UnknownActivity, UnknownShoe
from kneeguard.store.models import UTC, Activity, Shoe, ShoeAssignment, counted_in_analysis

RUNNING = "running"
ShoeRef = Shoe | str | int


@dataclass(frozen=True)
class ShoeRules:
    """An athlete's shoe rules, loaded once and applied to many activities."""

    by_gear: dict[str, int]
    ranges: tuple[tuple[int, dt.date, dt.date | None], ...]  # sorted by from_date
    default: tuple[int, dt.date, dt.date | None] | None  # shoe id, since, until


def load_rules(session: Session, athlete_id: int) -> ShoeRules:
    shoes = list(session.scalars(select(Shoe).where(Shoe.athlete_id == athlete_id)))
    by_gear = {s.name.strip().lower(): s.id for s in shoes}
    rows = session.execute(
        select(ShoeAssignment.shoe_id, ShoeAssignment.from_date, ShoeAssignment.to_date)
        .join(Shoe, Shoe.id == ShoeAssignment.shoe_id)
        .where(Shoe.athlete_id == athlete_id)
        .order_by(ShoeAssignment.from_date, ShoeAssignment.id)
    ).all()
    default = next(((s.id, s.created_on, s.retired_on) for s in shoes if s.is_default), None)
    return ShoeRules(by_gear=by_gear, ranges=tuple((r[0], r[1], r[2]) for r in rows), default=default)


def resolve(rules: ShoeRules, explicit: Any, gear: Any, sport: Any, start: Any) -> pd.Series:
    """Shoe id per activity (Int64, <NA> for none); arguments are equal-length
    sequences; `start` holds UTC timestamps."""
    # Plain arrays first: callers' Series may carry unrelated indexes.
    shoe = pd.Series(np.asarray(explicit, dtype=object), dtype="Int64")
    n = len(shoe)
    if n == 0:
        return shoe
    if rules.by_gear:
        names = pd.Series(np.asarray(gear, dtype=object)).fillna("").astype(str).str.strip().str.lower()
        shoe = shoe.fillna(pd.Series(names.map(rules.by_gear).to_numpy(), dtype="Int64"))
    running = np.asarray(sport, dtype=object) == RUNNING
    stamps = pd.Series(start).reset_index(drop=True)
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = pd.to_datetime(stamps, utc=True)
    stamps = pd.DatetimeIndex(stamps)
    days = stamps.tz_convert(None).to_numpy().astype("datetime64[D]")
    ranged = pd.Series(pd.NA, index=range(n), dtype="Int64")
    for shoe_id, start_day, end_day in rules.ranges:
        covered = running & (days >= np.datetime64(start_day))
        if end_day is not None:
            covered &= days <= np.datetime64(end_day)
        ranged[covered] = shoe_id  # later-starting ranges overwrite earlier ones
    shoe = shoe.fillna(ranged)
    if rules.default is not None:
        shoe_id, since, until = rules.default
        covered = running & (days >= np.datetime64(since))
        if until is not None:
            covered &= days <= np.datetime64(until)
        shoe = shoe.mask(shoe.isna() & covered, shoe_id)
    return shoe


def shoe_statuses(session: Session, athlete_id: int, as_of: dt.date | None = None) -> list[ShoeStatus]:
    """Every shoe of the athlete with its distance, runs and use dates up to `as_of`
    (inclusive, UTC dates; default today). Active shoes first, then by name."""
    as_of = as_of or dt.date.today()
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=UTC)
    rows = session.execute(
        select(Activity.start_utc, Activity.sport, Activity.distance_m, Activity.gear, Activity.shoe_id)
        .where(Activity.athlete_id == athlete_id, Activity.start_utc < until, counted_in_analysis())
    ).all()
    frame = pd.DataFrame(rows, columns=["start", "sport", "distance_m", "gear", "shoe_id"])
    frame["resolved"] = resolve(load_rules(session, athlete_id), frame["shoe_id"], frame["gear"],
                                frame["sport"], frame["start"]).to_numpy()
    runs = frame[(frame["sport"] == RUNNING) & frame["resolved"].notna()]
    per_shoe = {
        int(shoe_id): group for shoe_id, group in runs.groupby("resolved")
    } if not runs.empty else {}
    statuses = []
    for shoe in session.scalars(select(Shoe).where(Shoe.athlete_id == athlete_id)):
        group = per_shoe.get(shoe.id)
        if shoe.created_on > as_of and group is None:
            continue  # not bought yet at that date
        km = shoe.start_km
        first = last = None
        n_runs = 0
        if group is not None:
            km += float(pd.to_numeric(group["distance_m"]).fillna(0.0).sum()) / 1000.0
            first, last, n_runs = min(group["start"]).date(), max(group["start"]).date(), len(group)
        statuses.append(ShoeStatus(
            id=shoe.id, name=shoe.name, distance_km=km, alert_km=shoe.alert_km,
            retired=shoe.retired_on is not None and shoe.retired_on <= as_of,
            first_used=first, last_used=last, runs=n_runs,
        ))
    return sorted(statuses, key=lambda s: (s.retired, s.name.lower()))


# ----------------------------------------------------------------- management
def _km(label: str, value: Any, *, positive: bool) -> float:
    try:
        km = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{label} must be a number of km, got {value!r}") from None
    if not math.isfinite(km) or km < 0 or (positive and km == 0):
        raise InvalidInput(f"{label} must be {'above' if positive else 'at least'} 0 km, got {value!r}")
    return km


def _find(session: Session, athlete_id: int, name: str) -> Shoe | None:
    return session.scalar(
        select(Shoe).where(Shoe.athlete_id == athlete_id, func.lower(Shoe.name) == name.strip().lower())
    )


def get(session: Session, athlete: athletes.AthleteRef, shoe: ShoeRef) -> Shoe:
    """The athlete's shoe by object, name (case-insensitive) or id; UnknownShoe if absent."""
    owner = athletes.get(session, athlete)
    if isinstance(shoe, Shoe):
        found: Shoe | None = shoe if shoe.athlete_id == owner.id else None
    elif isinstance(shoe, int) and not isinstance(shoe, bool):
        found = session.get(Shoe, shoe)
        found = found if found is not None and found.athlete_id == owner.id else None
    else:
        found = _find(session, owner.id, str(shoe))
    if found is None:
        names = [s.name for s in session.scalars(select(Shoe).where(Shoe.athlete_id == owner.id))]
        known = f"; known: {', '.join(sorted(names))}" if names else "; none added yet"
        label = getattr(shoe, "name", shoe)
        raise UnknownShoe(f"athlete {owner.name!r} has no shoe {label!r}{known}")
    return found


def add(
    session: Session,
    athlete: athletes.AthleteRef,
    name: str,
    start_km: float = 0.0,
    alert_km: float | None = None,
    default: bool = False,
    notes: str = "",
    *,
    brand: str | None = None,
    model: str | None = None,
    created_on: dt.date | None = None,
) -> Shoe:
    owner = athletes.get(session, athlete)
    name = athletes.clean_name(name, "shoe name")
    if _find(session, owner.id, name) is not None:
        raise InvalidInput(f"athlete {owner.name!r} already has a shoe named {name!r}")
    alert = evidence.value("load.shoe.alert_km") if alert_km is None else alert_km
    shoe = Shoe(
        athlete_id=owner.id, name=name, brand=brand, model=model,
        start_km=_km("start distance", start_km, positive=False),
        alert_km=_km("alert distance", alert, positive=True),
        is_default=False, created_on=created_on or dt.date.today(), notes=notes or "",
    )
    session.add(shoe)
    session.flush()
    if default:
        set_default(session, owner, shoe)
    return shoe


def list_shoes(session: Session, athlete: athletes.AthleteRef, as_of: dt.date | None = None) -> list[ShoeStatus]:
    return shoe_statuses(session, athletes.get(session, athlete).id, as_of)


def assign(
    session: Session, athlete: athletes.AthleteRef, shoe: ShoeRef,
    from_date: dt.date, to_date: dt.date | None = None,
) -> ShoeAssignment:
    """Runs dated from_date..to_date (inclusive; open-ended without to_date) were on `shoe`."""
    target = get(session, athlete, shoe)
    if to_date is not None and to_date < from_date:
        raise InvalidInput(f"assignment ends ({to_date}) before it starts ({from_date})")
    assignment = ShoeAssignment(shoe_id=target.id, from_date=from_date, to_date=to_date)
    session.add(assignment)
    session.flush()
    return assignment


def clear_assignments(session: Session, athlete: athletes.AthleteRef, shoe: ShoeRef) -> int:
    target = get(session, athlete, shoe)
    found = list(session.scalars(select(ShoeAssignment).where(ShoeAssignment.shoe_id == target.id)))
    for assignment in found:
        session.delete(assignment)
    session.flush()
    return len(found)


def assign_activities(
    session: Session, athlete: athletes.AthleteRef, shoe: ShoeRef | None, activity_ids: Iterable[int],
) -> int:
    """Put these activities explicitly on `shoe` (None removes the explicit choice)."""
    owner = athletes.get(session, athlete)
    shoe_id = None if shoe is None else get(session, owner, shoe).id
    ids = sorted({int(i) for i in activity_ids})
    owned = set(session.scalars(
        select(Activity.id).where(Activity.athlete_id == owner.id, Activity.id.in_(ids))
    ))
    missing = [i for i in ids if i not in owned]
    if missing:
        raise UnknownActivity(f"athlete {owner.name!r} has no activit{'y' if len(missing) == 1 else 'ies'} "
                              f"with id {', '.join(map(str, missing))}")
    if ids:
        session.execute(update(Activity).where(Activity.id.in_(ids)).values(shoe_id=shoe_id))
    return len(ids)


def set_default(session: Session, athlete: athletes.AthleteRef, shoe: ShoeRef | None) -> Shoe | None:
    """Make `shoe` the one default (None: no default)."""
    owner = athletes.get(session, athlete)
    target = None if shoe is None else get(session, owner, shoe)
    for other in session.scalars(select(Shoe).where(Shoe.athlete_id == owner.id, Shoe.is_default)):
        other.is_default = False
    if target is not None:
        target.is_default = True
    session.flush()
    return target


def set_alert(session: Session, athlete: athletes.AthleteRef, shoe: ShoeRef, alert_km: float) -> Shoe:
    target = get(session, athlete, shoe)
    target.alert_km = _km("alert distance", alert_km, positive=True)
    session.flush()
    return target


def retire(session: Session, athlete: athletes.AthleteRef, shoe: ShoeRef, on: dt.date | None = None) -> Shoe:
    """Retire from `on` (default today); the default rule stops there too."""
    target = get(session, athlete, shoe)
    target.retired_on = on or dt.date.today()
    session.flush()
    return target


def unretire(session: Session, athlete: athletes.AthleteRef, shoe: ShoeRef) -> Shoe:
    target = get(session, athlete, shoe)
    target.retired_on = None
    session.flush()
    return target
