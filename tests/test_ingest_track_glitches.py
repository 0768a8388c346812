"""A GPS glitch never decides a GPX distance, and a summary that contradicts itself is never stored.

Found by a bad-input review: one 0°,0° fix cut a real 36 km GPX to 5 km (everything after it fell above the
distance limit), latitudes above 90° every 50th point stored 0 m, a FIT of 5.4 km in 0 s was stored as such,
and a TCX average speed stayed derived from a sentinel timer. Mutants are built at test time from real files.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from kneeguard.ingest.model import IngestError
from kneeguard.ingest.plausibility import EXCLUDED_PREFIX, violations
from kneeguard.ingest.readers import read_bytes
from kneeguard.ingest.track_glitches import GLITCH_SPEED_MPS, glitch_points, impossible_positions
from tests.fit_edit import set_field
from tests.ingest_support import DATA

GPX = (DATA / "sweatpy" / "4801048867_strava.gpx").read_bytes()  # a real 36 km ride, 5,159 points
TCX = (DATA / "sweatpy" / "activity_5039744860.tcx").read_bytes()
FIT_RUN = (DATA / "fitparse" / "activity-small-fenix2-run.fit").read_bytes()
TRKPT = re.compile(rb'<trkpt lat="[^"]*" lon="[^"]*"')


def _one(data: bytes, name: str = "mutant.gpx"):
    [activity] = read_bytes(name, data).activities
    assert violations(activity) == []
    return activity


def _moved(data: bytes, positions: dict[int, tuple[str, str]]) -> bytes:
    """`data` with the n-th track points moved to (lat, lon)."""
    count = -1

    def move(match: re.Match) -> bytes:
        nonlocal count
        count += 1
        if count in positions:
            lat, lon = positions[count]
            return f'<trkpt lat="{lat}" lon="{lon}"'.encode()
        return match.group(0)
    return TRKPT.sub(move, data)


ORIGINAL = _one(GPX, "original.gpx")


@pytest.mark.parametrize("positions", [
    {2000: ("0", "0")},  # one fix at null island
    {2000 + i: ("0", "0") for i in range(5)},  # five in a row (the receiver lost its lock)
    {2000: ("-33.86", "151.21")},  # one point on the far side of the globe
    {i: ("0", "0") for i in range(3)},  # the first fixes before the lock
    {5156: ("0", "0"), 5157: ("0", "0"), 5158: ("0", "0")},  # the last ones after it was lost
    {i: ("95", "10") for i in range(0, 5159, 50)},  # a latitude beyond 90° every 50th point
])
def test_a_gps_glitch_is_left_out_of_the_distance(positions):
    activity = _one(_moved(GPX, positions))
    assert activity.distance_m == pytest.approx(ORIGINAL.distance_m, rel=0.01)  # was 5 km, 0 m, 2.4 km
    assert len(activity.samples) == len(ORIGINAL.samples) - len(positions)
    assert any("are left out of the samples and the distance" in w for w in activity.warnings)
    assert activity.samples["lat_deg"].abs().max() <= 90 and (activity.samples["lat_deg"] != 0).all()


def test_real_gpx_files_lose_no_point():
    for path in sorted(DATA.rglob("*.gpx")):
        if path.name == "Mojstrovka.gpx":  # dated 1901: refused, said so elsewhere
            continue
        for activity in read_bytes(path.name, path.read_bytes()).activities:
            assert not any("GPS glitch" in w or "off the globe" in w for w in activity.warnings), path


def test_a_jump_with_no_way_back_is_kept():
    """A device carried on a train and restarted elsewhere: nothing shows which side is wrong."""
    t = np.arange(20.0)
    lat = np.r_[np.linspace(46.0, 46.001, 10), np.linspace(47.0, 47.001, 10)]
    lon = np.full(20, 14.0)
    assert not glitch_points(t, lat, lon, np.zeros(20, dtype=int)).any()


def test_a_detour_longer_than_five_minutes_is_kept_and_segments_are_apart():
    t = np.arange(0.0, 1000.0, 10.0)
    lat, lon = np.linspace(46.0, 46.01, t.size), np.full(t.size, 14.0)
    far = lat.copy()
    far[30:62] = 0.0  # 310 s away
    assert not glitch_points(t, far, lon, np.zeros(t.size, dtype=int)).any()
    near = lat.copy()
    near[30:35] = 0.0
    assert glitch_points(t, near, lon, np.zeros(t.size, dtype=int)).sum() == 5
    # a segment boundary is no step: a new segment starting elsewhere is not a jump
    segment = (np.arange(t.size) >= 50).astype(int)
    moved = lat + np.where(segment == 1, 1.0, 0.0)
    assert not glitch_points(t, moved, lon, segment).any()
    assert GLITCH_SPEED_MPS > 71  # above the speed-skiing record: no sport's real movement


def test_positions_off_the_globe():
    assert impossible_positions(np.array([90.0, 90.5, np.nan, 0.0]), np.array([180.0, 0.0, 0.0, -181.0])).tolist() \
        == [False, True, True, True]


def test_a_gpx_with_times_running_backwards_is_refused_by_name():
    points = re.findall(rb"<time>[^<]*</time>", GPX)[1:]  # the track points' times (the first is metadata)
    reversed_times = iter(points[::-1])
    data = GPX[:GPX.index(b"<trkseg>")] + re.sub(rb"<time>[^<]*</time>", lambda m: next(reversed_times),
                                                  GPX[GPX.index(b"<trkseg>"):])
    with pytest.raises(IngestError, match="1 track point.*forward-going time"):
        read_bytes("backwards.gpx", data)


def test_a_distance_in_zero_seconds_takes_its_time_from_the_records():
    activity = _one(set_field(set_field(FIT_RUN, "session", "total_timer_time", 0), "session",
                              "total_elapsed_time", 0), "zero.fit")
    assert activity.timer_s == pytest.approx(2832, abs=5) and activity.elapsed_s == pytest.approx(2832, abs=5)
    assert activity.distance_m == pytest.approx(9008, abs=5)
    assert any(w.startswith(EXCLUDED_PREFIX + "timer_s: 0 s for") for w in activity.warnings)


def test_a_gpx_whose_points_share_one_time_keeps_no_distance():
    stamp = re.findall(rb"<time>[^<]*</time>", GPX)[1]
    start = GPX.index(b"<trkseg>")
    data = GPX[:start] + re.sub(rb"<time>[^<]*</time>", stamp, GPX[start:])
    activity = _one(data)
    assert activity.distance_m is None
    assert any("recorded in 0 s (no time passed in the file); left empty" in w for w in activity.warnings)


def test_the_average_speed_follows_a_replaced_timer():
    pattern = re.compile(rb"(<Lap\b.*?<TotalTimeSeconds>)[^<]*(</TotalTimeSeconds>)", re.S)
    activity = _one(pattern.sub(rb"\g<1>4294967.295\g<2>", TCX, count=1), "sentinel.tcx")
    assert activity.timer_s < 200
    assert activity.avg_speed_mps == pytest.approx(activity.distance_m / activity.timer_s)


def test_a_distance_still_too_fast_after_the_samples_says_left_empty():
    # 500 km in the ride's 94 s, and the samples' own distance also made impossibly fast
    data = re.sub(rb"<DistanceMeters>([0-9.]+)</DistanceMeters>",
                  lambda m: b"<DistanceMeters>%.1f</DistanceMeters>" % (float(m.group(1)) * 60), TCX)
    activity = _one(data, "fast.tcx")
    [note] = [w for w in activity.warnings if w.startswith(EXCLUDED_PREFIX + "distance_m")]
    assert activity.distance_m is None and "left empty" in note and "recomputed" not in note
