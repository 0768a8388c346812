"""Shoes: resolution precedence, distances, rotation data, management errors."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from kneeguard import evidence
from kneeguard.store import UnknownActivity, UnknownAthlete, UnknownShoe, athletes, shoes
from kneeguard.store.models import Activity
from kneeguard.store.queries import activities_frame
from tests.test_store_support import at

D = dt.date


def add_runs(store, athlete: str, *runs: tuple) -> list[int]:
    """runs: (start, km, sport, gear)."""
    with store.begin() as s:
        owner = athletes.get_or_create(s, athlete)
        rows = [Activity(athlete_id=owner.id, sport=sport, start_utc=start, distance_m=km * 1000, gear=gear,
                         source_name="t", content_hash=f"{owner.id}-{i}".rjust(64, "0"), session_index=0)
                for i, (start, km, sport, gear) in enumerate(runs)]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


FAR_FUTURE = D(2030, 1, 1)


def status(store, athlete: str, name: str, as_of: dt.date = FAR_FUTURE):
    with store.session() as s:
        found = [x for x in shoes.list_shoes(s, athlete, as_of) if x.name == name]
    return found[0] if found else None


def test_resolution_precedence(store):
    ids = add_runs(store, "ana",
                   (at(2024, 1, 10, 7), 10, "running", ""),          # 0 default
                   (at(2024, 2, 10, 7), 12, "running", ""),          # 1 date range
                   (at(2024, 2, 11, 7), 8, "running", "TRAIL X "),   # 2 gear beats range
                   (at(2024, 2, 12, 7), 5, "running", "Trail X"),    # 3 explicit beats gear
                   (at(2024, 2, 13, 7), 30, "cycling", ""),          # 4 not a run: no default/range
                   (at(2024, 3, 1, 7), 6, "running", "unknown gear"),  # 5 default
                   )
    with store.begin() as s:
        shoes.add(s, "ana", "Daily", default=True, created_on=D(2024, 1, 1))
        shoes.add(s, "ana", "Trail X", start_km=100)
        shoes.add(s, "ana", "Racer", alert_km=400, notes="race day only")
        shoes.assign(s, "ana", "racer", D(2024, 2, 1), D(2024, 2, 28))
        assert shoes.assign_activities(s, "ana", "Daily", [ids[3]]) == 1
    with store.session() as s:
        frame = activities_frame(s, athletes.get(s, "ana").id)
        by_name = {x.name: x for x in shoes.list_shoes(s, "ana", D(2030, 1, 1))}
        names = {x.id: x.name for x in by_name.values()}
    resolved = [None if v is pd.NA else names[v] for v in frame["shoe_id"].tolist()]
    assert resolved == ["Daily", "Racer", "Trail X", "Daily", None, "Daily"]
    assert by_name["Daily"].distance_km == pytest.approx(10 + 5 + 6)
    assert by_name["Daily"].runs == 3
    assert by_name["Trail X"].distance_km == pytest.approx(108)  # start_km + run
    assert by_name["Racer"].alert_km == 400
    assert by_name["Daily"].alert_km == evidence.value("load.shoe.alert_km")
    assert (by_name["Daily"].first_used, by_name["Daily"].last_used) == (D(2024, 1, 10), D(2024, 3, 1))


def test_later_assignment_applies_to_old_runs(store):
    add_runs(store, "ana", (at(2020, 5, 5, 7), 10, "running", ""))
    with store.begin() as s:
        shoes.add(s, "ana", "Old")
    assert status(store, "ana", "Old").runs == 0
    with store.begin() as s:
        shoes.assign(s, "ana", "Old", D(2020, 1, 1))
    assert status(store, "ana", "Old").distance_km == pytest.approx(10)


def test_latest_starting_range_wins_and_as_of(store):
    add_runs(store, "ana", (at(2024, 6, 1, 7), 10, "running", ""), (at(2024, 6, 20, 7), 7, "running", ""))
    with store.begin() as s:
        shoes.add(s, "ana", "A", created_on=D(2024, 1, 1))
        shoes.add(s, "ana", "B", created_on=D(2024, 1, 1))
        shoes.assign(s, "ana", "A", D(2024, 1, 1))
        shoes.assign(s, "ana", "B", D(2024, 6, 15), D(2024, 6, 30))
    assert status(store, "ana", "A").distance_km == pytest.approx(10)
    assert status(store, "ana", "B").distance_km == pytest.approx(7)
    assert status(store, "ana", "B", as_of=D(2024, 6, 19)).runs == 0
    # The run at 07:00 UTC on the as_of date counts (inclusive).
    assert status(store, "ana", "B", as_of=D(2024, 6, 20)).runs == 1


def test_default_shoe_spans_created_to_retired(store):
    add_runs(store, "ana",
             (at(2023, 12, 31, 7), 10, "running", ""),  # before the shoe was added: in start_km
             (at(2024, 1, 5, 7), 5, "running", ""),
             (at(2024, 3, 5, 7), 5, "running", ""))     # after retirement
    with store.begin() as s:
        shoes.add(s, "ana", "Daily", start_km=50, default=True, created_on=D(2024, 1, 1))
        shoes.retire(s, "ana", "daily", on=D(2024, 2, 1))
    daily = status(store, "ana", "Daily")
    assert (daily.distance_km, daily.runs, daily.retired) == (pytest.approx(55), 1, True)
    assert status(store, "ana", "Daily", as_of=D(2024, 1, 31)).retired is False
    assert status(store, "ana", "Daily", as_of=D(2023, 6, 1)) is None  # not bought yet
    with store.begin() as s:
        shoes.unretire(s, "ana", "Daily")
    assert status(store, "ana", "Daily").runs == 2


def test_one_default_at_a_time(store):
    with store.begin() as s:
        athletes.create(s, "ana")
        shoes.add(s, "ana", "A", default=True)
        shoes.add(s, "ana", "B", default=True)
        assert not shoes.get(s, "ana", "A").is_default
        assert shoes.get(s, "ana", "B").is_default
        shoes.set_default(s, "ana", None)
        assert not shoes.get(s, "ana", "B").is_default


def test_shoes_are_per_athlete(store):
    add_runs(store, "ana", (at(2024, 1, 10, 7), 10, "running", "Peg"))
    add_runs(store, "ben", (at(2024, 1, 10, 7), 20, "running", "Peg"))
    with store.begin() as s:
        shoes.add(s, "ana", "Peg")
        shoes.add(s, "ben", "Peg")
    assert status(store, "ana", "Peg").distance_km == pytest.approx(10)
    assert status(store, "ben", "Peg").distance_km == pytest.approx(20)


def test_management_errors(store):
    other = add_runs(store, "ben", (at(2024, 1, 1, 7), 1, "running", ""))
    with store.begin() as s:
        athletes.create(s, "ana")
        shoes.add(s, "ana", "Peg")
        with pytest.raises(UnknownAthlete, match="unknown athlete 'zed'"):
            shoes.add(s, "zed", "X")
        with pytest.raises(UnknownShoe, match="has no shoe 'Nope'; known: Peg") as info:
            shoes.get(s, "ana", "Nope")
        assert isinstance(info.value, LookupError)
        with pytest.raises(UnknownShoe):
            shoes.get(s, "ben", "Peg")  # another athlete's shoe
        with pytest.raises(ValueError, match="already has a shoe named 'peg'"):
            shoes.add(s, "ana", "peg")
        with pytest.raises(ValueError, match="alert distance"):
            shoes.set_alert(s, "ana", "Peg", 0)
        with pytest.raises(ValueError, match="start distance"):
            shoes.add(s, "ana", "Neg", start_km=-5)
        with pytest.raises(ValueError, match="ends .* before it starts"):
            shoes.assign(s, "ana", "Peg", D(2024, 2, 1), D(2024, 1, 1))
        with pytest.raises(UnknownActivity, match=f"no activity with id {other[0]}"):
            shoes.assign_activities(s, "ana", "Peg", other)
        assert shoes.set_alert(s, "ana", "Peg", 650).alert_km == 650
        shoes.assign(s, "ana", "Peg", D(2024, 1, 1))
        assert shoes.clear_assignments(s, "ana", "Peg") == 1


def test_explicit_assignment_can_be_removed(store):
    ids = add_runs(store, "ana", (at(2024, 1, 10, 7), 10, "running", ""))
    with store.begin() as s:
        shoes.add(s, "ana", "Peg")
        shoes.assign_activities(s, "ana", "Peg", ids)
    assert status(store, "ana", "Peg").runs == 1
    with store.begin() as s:
        shoes.assign_activities(s, "ana", None, ids)
        assert s.scalar(select(Activity.shoe_id)) is None
    assert status(store, "ana", "Peg").runs == 0
