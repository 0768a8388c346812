"""Issue 14, scope 2: one outing is stored once, whatever format or device it came from."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kneeguard.store import import_sources, load_samples, open_store
from kneeguard.store.models import Activity
from tests.ingest_support import DATA
from tests.test_store_support import Decoder, FakeSource, activity, at, samples_frame

T0 = at(2024, 5, 1, 6, 30, 0)
TWIN = ["2020-06-01-16-52-40.fit", "activity_5039744860.gpx"]


def _rows(store) -> list[Activity]:
    with store.session() as s:
        return list(s.scalars(select(Activity).order_by(Activity.start_utc)))


@pytest.mark.parametrize("order", [TWIN, TWIN[::-1]])
def test_real_fit_and_gpx_twin_import_once_keeping_the_fit(tmp_path, order):
    # The GPX track measures 35 % longer than the device: distance must not decide.
    sources = [FakeSource(name, (DATA / "sweatpy" / name).read_bytes()) for name in order]
    with open_store(home=tmp_path) as store:
        outcomes = import_sources(store, sources, "ana")
        [row] = _rows(store)
        assert row.source_name == "2020-06-01-16-52-40.fit"  # the richer copy: device summary
        assert row.timer_s == pytest.approx(93.7, abs=0.5)
        assert len(load_samples(store, row.id)) > 50
    last = outcomes[-1]
    assert any(order[0] in w and order[1] in w for w in last.warnings), last.warnings


def test_richer_copy_arriving_second_keeps_the_row_and_the_athletes_rpe(store):
    dec = Decoder()
    poor = activity(T0, samples=False, timer_s=None, rpe=6.0)
    rich = activity(T0 + dt.timedelta(seconds=2))
    outcomes = import_sources(store, [dec.add(b"poor", poor), dec.add(b"rich", rich)], "ana", decoder=dec)
    assert [o.status for o in outcomes] == ["imported", "imported"]
    assert "replaced it with the richer copy from rich.fit" in outcomes[1].warnings[0]
    [row] = _rows(store)
    assert row.source_name == "rich.fit" and row.samples_key is not None and row.rpe == 6.0


def test_two_runs_the_same_morning_are_both_kept(store):
    dec = Decoder()
    warm_up = activity(T0, distance_m=800.0, timer_s=25.0, elapsed_s=25.0)
    main = activity(T0 + dt.timedelta(seconds=40))
    outcomes = import_sources(store, [dec.add(b"warm", warm_up), dec.add(b"main", main)], "ana", decoder=dec)
    assert [o.status for o in outcomes] == ["imported", "imported"]
    assert len(_rows(store)) == 2


def test_ride_and_run_starting_together_are_both_kept(store):
    dec = Decoder()
    ride, run = activity(T0, sport="cycling"), activity(T0 + dt.timedelta(seconds=5))
    outcomes = import_sources(store, [dec.add(b"ride", ride), dec.add(b"run", run)], "ana", decoder=dec)
    assert [o.status for o in outcomes] == ["imported", "imported"]


def _track(start, lat0):
    frame = samples_frame(start, n=60)
    frame["lat_deg"] = lat0 + frame.index * 1e-5
    frame["lon_deg"] = 14.5
    return frame


def test_same_start_and_span_but_tracks_far_apart_are_both_kept(store):
    dec = Decoder()
    here = activity(T0, samples=False)
    there = activity(T0, samples=False)
    here.samples, there.samples = _track(T0, 46.0), _track(T0, 46.1)  # 11 km apart
    outcomes = import_sources(store, [dec.add(b"here", here), dec.add(b"there", there)], "ana", decoder=dec)
    assert [o.status for o in outcomes] == ["imported", "imported"]


def test_corrupted_twin_with_wild_distance_is_still_a_duplicate(store):
    dec = Decoder()
    device = activity(T0, distance_m=10_000.0)
    broken = activity(T0, distance_m=3.0, samples=False)
    outcomes = import_sources(store, [dec.add(b"dev", device), dec.add(b"broken", broken)], "ana", decoder=dec)
    assert [o.status for o in outcomes] == ["imported", "duplicate"]


def test_twin_files_are_in_the_test_data():
    for name in TWIN:
        assert (DATA / "sweatpy" / name).is_file()  # attributed in MANIFEST.md


def test_imported_activity_with_excluded_values_is_flagged_for_the_load_analysis(store):
    from kneeguard.store.queries import activities_frame
    dec = Decoder()
    fixed = activity(T0, warnings=["implausible distance_m: 1e+308 is outside 0 to 2,000,000 m; left empty"])
    import_sources(store, [dec.add(b"fixed", fixed), dec.add(b"fine", activity(T0 + dt.timedelta(days=1)))],
                   "ana", decoder=dec)
    with store.session() as s:
        frame = activities_frame(s, _rows(store)[0].athlete_id)
    assert frame["values_excluded"].tolist() == [True, False]


@pytest.mark.parametrize("cut_first", [True, False])
def test_a_copy_cut_short_never_wins_over_the_whole_run(tmp_path, cut_first):
    """A truncated FIT (its first 5,000 bytes: 2 of 47 minutes, no session summary) and the whole file: the
    whole run is kept in either order (it was the cut copy, stored first, that stayed: 394 m of 9 km)."""
    whole = (DATA / "fitparse" / "activity-small-fenix2-run.fit").read_bytes()
    sources = [FakeSource("cut.fit", whole[:5000]), FakeSource("whole.fit", whole)]
    with open_store(home=tmp_path) as store:
        outcomes = import_sources(store, sources if cut_first else sources[::-1], "ana")
        [row] = _rows(store)
        assert row.source_name == "whole.fit" and row.distance_m == pytest.approx(9008, abs=5)
        assert row.timer_s == pytest.approx(2832, abs=1)
    note = outcomes[-1].warnings[-1]
    assert ("replaced it with the fuller copy from whole.fit (47 min; that one was cut short: 2 min)" in note
            if cut_first else "not cut.fit (cut short: 2 min)" in note), note


def test_a_device_started_a_minute_late_is_not_cut_short():
    from kneeguard.store.duplicates import Richness, cut_short, keeps_incoming

    assert not cut_short(3540.0, 3600.0) and cut_short(3000.0, 3600.0) and not cut_short(None, 3600.0)
    rich, poor = Richness(True, True, True), Richness(True, False, False)
    assert not keeps_incoming(poor, 3600.0, rich, 3545.0)  # richness decides when neither is cut short
    assert keeps_incoming(poor, 3600.0, rich, 600.0) and not keeps_incoming(rich, 600.0, poor, 3600.0)
