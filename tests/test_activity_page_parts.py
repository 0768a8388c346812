"""The activity page's parts: per-km splits, the uPlot stream data, the route drawing, pace text,
heart-rate zone bounds and the file name shown."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kneeguard.ingest.readers import read_bytes
from kneeguard.load.splits import MIN_LAST_SPLIT_M, km_splits
from kneeguard.load.trimp import zone_index_by_bpm
from kneeguard.load.zones import ZONE_LABELS, zone_bounds_bpm
from kneeguard.numbers import pace_text
from kneeguard.web.activity_route import route_drawing
from kneeguard.web.activity_streams import MAX_POINTS, streams_payload
from kneeguard.web.activity_view import heart_rate_zones, source_label, summary_pace

DATA = Path(__file__).parent / "data" / "activities"


def _samples(path: Path) -> pd.DataFrame:
    return read_bytes(path.name, path.read_bytes()).activities[0].samples


def _steady(seconds: int, speed: float, hr: float | None = 150.0) -> pd.DataFrame:
    t = np.arange(seconds, dtype=float)
    frame = pd.DataFrame({"time": pd.to_datetime(t, unit="s", utc=True), "distance_m": t * speed,
                          "speed_mps": np.full(seconds, speed)})
    if hr is not None:
        frame["heart_rate_bpm"] = hr
    return frame


@pytest.mark.parametrize(("seconds", "text"), [(307, "5:07 /km"), (299.6, "5:00 /km"), (59.4, "0:59 /km"),
                                                (None, ""), (float("nan"), ""), (0, "")])
def test_pace_text(seconds, text):
    assert pace_text(seconds) == text


def test_steady_run_splits_every_kilometre():
    splits = km_splits(_steady(1900, 3.3333333))  # 6.33 km at 5:00 /km
    assert [s.number for s in splits] == [1, 2, 3, 4, 5, 6, 7]
    assert all(s.pace_s_per_km == pytest.approx(300, abs=0.5) for s in splits)
    assert splits[-1].distance_m == pytest.approx(330, abs=5)
    assert all(s.avg_hr == pytest.approx(150) for s in splits)
    assert km_splits(_steady(330, 3.3333333))[0].distance_m == pytest.approx(1096.7, abs=1)  # no 97 m tail row


def test_splits_of_a_real_run_add_up_to_the_file():
    samples = _samples(DATA / "fitparse" / "2013-02-06-12-11-14.fit")
    splits = km_splits(samples)
    assert len(splits) == 5 and sum(s.distance_m for s in splits) == pytest.approx(4835.4, abs=1)
    elapsed = (samples["time"].iloc[-1] - samples["time"].iloc[0]).total_seconds()
    assert sum(s.duration_s for s in splits) == pytest.approx(elapsed, abs=15)  # to the last distance change
    assert all(100 < s.avg_hr < 200 for s in splits)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 8.0), min_size=2, max_size=300), st.floats(1.0, 5.0))
def test_splits_never_overlap_and_cover_the_distance(speeds, interval):
    t = np.arange(len(speeds)) * interval
    distance = np.concatenate([[0.0], np.cumsum(np.asarray(speeds[1:]) * interval)])
    frame = pd.DataFrame({"time": pd.to_datetime(t, unit="s", utc=True), "distance_m": distance})
    splits = km_splits(frame)
    assert all(s.duration_s >= 0 and 0 < s.distance_m for s in splits)
    assert all(s.distance_m <= 1000 + MIN_LAST_SPLIT_M + 1e-6 or s is splits[-1] for s in splits)
    if splits:
        assert sum(s.distance_m for s in splits) == pytest.approx(distance[-1], abs=1e-6)
        assert sum(s.duration_s for s in splits) <= t[-1] + 1e-6


def test_stream_data_for_a_run_has_pace_and_both_axes():
    payload = streams_payload(_samples(DATA / "fitparse" / "2013-02-06-12-11-14.fit"), "running")
    keys = [s["key"] for s in payload["series"]]
    assert keys == ["heart_rate", "pace", "elevation"]
    pace = next(s for s in payload["series"] if s["key"] == "pace")
    assert pace["unit"] == "min/km" and pace["invert"]
    assert 180 < np.nanmedian([v for v in pace["values"] if v is not None]) < 900  # seconds per km
    assert len(payload["seconds"]) == len(payload["km"]) == len(pace["values"])
    assert payload["km"][-1] == pytest.approx(4.835, abs=0.01) and payload["km"] == sorted(payload["km"])
    json.dumps(payload, allow_nan=False)  # no NaN reaches the page


def test_long_streams_are_downsampled_and_rides_keep_speed():
    samples = _samples(DATA / "fitparse" / "2019-02-17-062644-ELEMNT-297E-195-0.fit")  # 13,471 samples
    payload = streams_payload(samples, "cycling")
    assert payload["samples"] == len(samples)
    assert MAX_POINTS <= len(payload["seconds"]) <= MAX_POINTS + 40  # the points and a gap point per pause
    speed = next(s for s in payload["series"] if s["key"] == "speed")
    assert speed["unit"] == "km/h" and not speed["invert"] and "pace" not in [s["key"] for s in payload["series"]]
    assert "power" in [s["key"] for s in payload["series"]]
    assert payload["seconds"] == sorted(payload["seconds"])


def test_a_pause_breaks_the_lines():
    before, after = _steady(600, 3.0), _steady(600, 3.0)
    after["time"] = after["time"] + pd.Timedelta(minutes=20)
    after["distance_m"] += 1800.0
    payload = streams_payload(pd.concat([before, after], ignore_index=True), "running")
    heart = next(s for s in payload["series"] if s["key"] == "heart_rate")["values"]
    gap = heart.index(None)
    assert gap == 600 and payload["seconds"][gap - 1] < payload["seconds"][gap] < payload["seconds"][gap + 1]
    assert heart.count(None) == 1 and payload["km"] == sorted(payload["km"])


def test_no_stream_data_without_a_timed_stream():
    assert streams_payload(pd.DataFrame(), "running") is None
    assert streams_payload(pd.DataFrame({"heart_rate_bpm": [120.0, 130.0]}), "running") is None


def test_the_route_keeps_its_shape_north_up_and_marks_start_and_finish():
    lat0, lon0 = 46.0, 14.5
    frame = pd.DataFrame({"lat_deg": [0.0, lat0, lat0, lat0 + 0.009], "lon_deg": [0.0, lon0, lon0 + 0.013, lon0 + 0.013]})
    route = route_drawing(frame)  # (0, 0) is "no fix yet" and dropped
    assert route.width_m == pytest.approx(0.013 * math.pi / 180 * 6_371_000 * math.cos(math.radians(lat0 + 0.0045)), rel=1e-3)
    assert route.height_m == pytest.approx(0.009 * math.pi / 180 * 6_371_000, rel=1e-3)
    assert route.start == pytest.approx((0.0, route.height_m))  # south-west corner: bottom left
    assert route.finish == pytest.approx((route.width_m, 0.0))  # north-east: top right
    assert len(route.points.split()) == 3
    assert route_drawing(pd.DataFrame({"lat_deg": [lat0, lat0], "lon_deg": [lon0, lon0]})) is None
    assert route_drawing(pd.DataFrame({"heart_rate_bpm": [1.0]})) is None


def test_zone_bounds_are_those_the_load_analysis_bins_with():
    hr_max = 187.0
    zone = zone_index_by_bpm(hr_max)
    bounds = zone_bounds_bpm(hr_max)
    assert len(bounds) == len(ZONE_LABELS)
    for bpm in range(30, 230):
        low, high = bounds[zone[bpm]]
        assert (low is None or bpm >= low) and (high is None or bpm < high), bpm


def test_zones_of_one_activity_use_the_profiles_maximum():
    from kneeguard.profile import AthleteProfile

    histogram = np.zeros(256)
    histogram[150] = 600.0  # ten minutes at 150 bpm
    mine = heart_rate_zones(histogram, AthleteProfile(name="x", hr_max=200.0))
    assert [r.seconds for r in mine.rows if r.seconds] == [600.0] and mine.rows[3].label == "Zone 3"
    assert "your maximum heart rate of 200 bpm" in mine.note
    default = heart_rate_zones(histogram, AthleteProfile(name="x"))
    assert "default maximum" in default.note
    assert heart_rate_zones(None, None) is None and heart_rate_zones(np.zeros(256), None) is None


@pytest.mark.parametrize(("stored", "shown"), [
    ("/home/ana/runs/2024-05-01.fit", "2024-05-01.fit"),
    ("C:\\Users\\ana\\run.gpx", "run.gpx"),
    ("/data/export.zip!activities/123.fit.gz", "export.zip › activities/123.fit.gz"),
    ("/srv/kg/jobs/0123456789abcdef0123456789abcdef/0003_Morning_Run.fit", "Morning_Run.fit"),
    ("Morning Run.fit", "Morning Run.fit"),
    ("", ""),
])
def test_source_label_never_shows_a_folder(stored, shown):
    assert source_label(stored) == shown


def test_summary_pace_for_runs_and_speed_for_rides():
    assert summary_pace({"sport": "running", "distance_m": 10_000, "timer_s": 3000}) == ("Pace", "5:00 /km")
    assert summary_pace({"sport": "cycling", "distance_m": 30_000, "timer_s": 3600}) == ("Speed", "30.0 km/h")
    assert summary_pace({"sport": "running", "distance_m": None, "timer_s": 3000}) == ("Pace", "")


def test_fit_laps_are_the_devices_own():
    [run] = read_bytes("r.fit", (DATA / "fitparse" / "compressed-speed-distance.fit").read_bytes()).activities
    assert len(run.laps) == 11 and run.laps[0].distance_m == pytest.approx(1000, abs=1)
    assert (run.laps[0].timer_s, run.laps[0].avg_hr) == (pytest.approx(540, abs=1), 149.0)
    assert sum(lap.distance_m for lap in run.laps) == pytest.approx(10248.7, abs=2)  # the session's total


def test_laps_stay_with_their_session_in_a_multisport_file():
    parsed = read_bytes("t.fit", (DATA / "fitparse" / "sample_mulitple_header.fit").read_bytes())
    assert [len(a.laps) for a in parsed.activities] == [1, 1, 1, 1, 1]
    assert parsed.activities[4].laps[0].distance_m == pytest.approx(9805.9, abs=1)


def test_tcx_laps_and_their_stored_form():
    from kneeguard.ingest.laps import laps_from_json, laps_json

    [ride] = read_bytes("a.tcx", (DATA / "sweatpy" / "activity_5039744860.tcx").read_bytes()).activities
    assert len(ride.laps) == 5 and ride.laps[0].avg_hr == 154.0 and ride.laps[0].start is not None
    assert laps_from_json(laps_json(ride.laps)) == ride.laps
    assert laps_json(ride.laps[:1]) is None and laps_from_json(None) == [] and laps_from_json("{bad") == []


def test_lap_rows_read_as_pace_for_runs_and_speed_for_rides():
    from kneeguard.ingest.laps import make_lap
    from kneeguard.web.activity_view import lap_rows

    laps = [make_lap(None, 300, 1000, 150), make_lap(None, 150, 400, 0)]
    run = lap_rows(laps, "running")
    assert [r.pace for r in run] == ["5:00 /km", "6:15 /km"] and run[1].avg_hr is None  # 0 bpm: no strap
    ride = lap_rows(laps, "cycling")
    assert ride[0].pace == "" and ride[0].speed_kmh == pytest.approx(12.0)
    assert lap_rows(laps[:1], "running") == []


@settings(max_examples=80, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=12))
def test_stored_laps_that_are_not_what_we_wrote_read_as_none_or_numbers(document):
    """A damaged or hand-edited laps column never breaks the page: unknown shapes read as no laps."""
    from kneeguard.ingest.laps import laps_from_json

    laps = laps_from_json(json.dumps(document))
    laps += laps_from_json(json.dumps([{"start": document, "timer_s": document, "avg_hr": document}]))
    for lap in laps:
        assert lap.start is None or lap.start.tzinfo is not None
        assert all(v is None or math.isfinite(v) for v in (lap.timer_s, lap.distance_m, lap.avg_hr))
