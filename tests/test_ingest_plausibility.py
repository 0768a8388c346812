"""Issue 14, scope 1: no impossible value is stored, whatever the format.

Every mutant is built at test time from a real file in tests/data (see
fit_edit.py for CRC-valid FIT edits); each reproduces a value a fuzzing
campaign got stored before the plausibility limits existed.
"""
from __future__ import annotations

import math
import re

import pytest

from tests.fit_edit import set_field
from tests.ingest_support import DATA
from kneeguard.ingest.model import IngestError
from kneeguard.ingest.plausibility import EXCLUDED_PREFIX, violations
from kneeguard.ingest.readers import read_bytes

TCX = (DATA / "sweatpy" / "activity_5039744860.tcx").read_bytes()
FIT_RUN = (DATA / "fitparse" / "activity-small-fenix2-run.fit").read_bytes()
LAP_DISTANCE = re.compile(rb"(<Lap\b.*?<DistanceMeters>)[^<]*(</DistanceMeters>)", re.S)


def _first_lap(data: bytes, tag: bytes, value: bytes) -> bytes:
    pattern = re.compile(rb"(<Lap\b.*?<" + tag + rb">)[^<]*(</" + tag + rb">)", re.S)
    return pattern.sub(rb"\g<1>" + value + rb"\g<2>", data, count=1)


def _only(data: bytes, name: str = "mutant"):
    parsed = read_bytes(name, data)
    assert len(parsed.activities) == 1
    activity = parsed.activities[0]
    assert violations(activity) == []
    return activity


def _excluded(activity, field: str) -> list[str]:
    return [w for w in activity.warnings if w.startswith(EXCLUDED_PREFIX + field)]


def test_real_files_are_clean() -> None:
    original = _only(TCX)
    assert not _excluded(original, "")
    assert original.distance_m == pytest.approx(668.2, abs=1.0)


@pytest.mark.parametrize("value", [b"-1e308", b"3.4e38", b"1e308"])
def test_impossible_tcx_lap_distance_is_recomputed_from_trackpoints(value: bytes) -> None:
    activity = _only(_first_lap(TCX, b"DistanceMeters", value))
    assert activity.distance_m is not None and 0 < activity.distance_m < 1000
    assert _excluded(activity, "distance_m")


def test_negative_tcx_distance_is_not_silently_zero() -> None:
    activity = _only(_first_lap(TCX, b"DistanceMeters", b"-1e308"))
    (warning,) = _excluded(activity, "distance_m")
    assert "recomputed from the samples" in warning


def test_1e308_tcx_timer_is_recomputed() -> None:
    activity = _only(_first_lap(TCX, b"TotalTimeSeconds", b"1e308"))
    assert activity.timer_s is not None and 0 < activity.timer_s < 200
    assert _excluded(activity, "timer_s")


def test_negative_heart_rate_in_laps_and_points_is_excluded() -> None:
    data = _first_lap(TCX, b"AverageHeartRateBpm><Value", b"-999999")
    data = re.sub(rb"(<Trackpoint>.*?<HeartRateBpm>\s*<Value>)[^<]*", rb"\g<1>-999999", data, count=1, flags=re.S)
    activity = _only(data)
    assert activity.avg_hr is not None and 25 <= activity.avg_hr <= 240
    assert (activity.samples["heart_rate_bpm"].dropna() > 0).all()


def test_fit_distance_of_13968_km_is_recomputed_from_records() -> None:
    activity = _only(set_field(FIT_RUN, "session", "total_distance", 1_396_800_000))
    assert activity.distance_m == pytest.approx(9008.2, abs=5)
    assert _excluded(activity, "distance_m")


def test_fit_timer_32_bit_sentinel_is_not_a_duration() -> None:
    activity = _only(set_field(FIT_RUN, "session", "total_timer_time", 0xFFFFFFFE))
    assert activity.timer_s == pytest.approx(2832, abs=5)
    assert _excluded(activity, "timer_s")


def test_fit_sentinel_speed_in_one_record_drops_that_point_only() -> None:
    clean = _only(FIT_RUN)
    activity = _only(set_field(FIT_RUN, "record", "speed", 0xFFFE, occurrence=100))
    assert len(activity.samples) == len(clean.samples)
    assert activity.samples["speed_mps"].isna().sum() == clean.samples["speed_mps"].isna().sum() + 1
    assert _excluded(activity, "speed")


def test_1e305_km_run_cannot_become_the_longest_run() -> None:
    activity = _only(_first_lap(TCX, b"DistanceMeters", b"1e308"))
    assert activity.distance_m < 1000  # not 1e305 km: it would hide every real spike
    assert math.isfinite(activity.distance_m)


def test_distance_impossible_for_its_duration_is_recomputed() -> None:
    # 500 km in a 94 s ride: each value alone is within its limit, together they are not.
    activity = _only(_first_lap(TCX, b"DistanceMeters", b"500000"))
    assert activity.distance_m < 1000
    assert _excluded(activity, "distance_m")


def test_activity_with_nothing_plausible_left_is_rejected() -> None:
    data = re.sub(rb"<Track>.*?</Track>", b"", TCX, flags=re.S)
    data = re.sub(rb"<DistanceMeters>[^<]*", b"<DistanceMeters>1e308", data)
    data = re.sub(rb"<TotalTimeSeconds>[^<]*", b"<TotalTimeSeconds>-5", data)
    with pytest.raises(IngestError, match="no plausible distance, duration or samples"):
        read_bytes("hopeless.tcx", data)


def test_violations_lists_each_bad_value() -> None:
    activity = _only(TCX)
    activity.distance_m, activity.avg_hr = -1.0, 999.0
    found = violations(activity)
    assert any(f.startswith("distance_m") for f in found)
    assert any(f.startswith("avg_hr") for f in found)


# ---- point-level problems drop the point or the value, not the file
GPX = (DATA / "gpxpy" / "cerknicko-jezero.gpx").read_bytes()


@pytest.mark.parametrize("year", [b"0001", b"9999"])
def test_out_of_range_time_in_one_tcx_point_drops_that_point(year: bytes) -> None:
    clean = _only(TCX)
    data = re.sub(rb"(<Trackpoint>\s*<Time>)\d{4}", rb"\g<1>" + year, TCX, count=1)
    activity = _only(data)
    assert len(activity.samples) == len(clean.samples) - 1


@pytest.mark.parametrize("value", [b"", b"abc"])
def test_one_bad_gpx_elevation_drops_that_value(value: bytes) -> None:
    parsed = read_bytes("ele.gpx", re.sub(rb"<ele>[^<]*</ele>", b"<ele>" + value + b"</ele>", GPX, count=1))
    assert len(parsed.activities) == 1
    assert len(parsed.activities[0].samples) == len(read_bytes("ok.gpx", GPX).activities[0].samples)


def test_utf16_gpx_imports() -> None:
    text = GPX.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    parsed = read_bytes("utf16.gpx", text.encode("utf-16"))
    assert len(parsed.activities[0].samples) == len(read_bytes("utf8.gpx", GPX).activities[0].samples)


def test_gpx_with_internal_dtd_is_refused_by_name() -> None:
    data = GPX.replace(b"<gpx", b'<!DOCTYPE gpx [ <!ENTITY a "aaaaaaaaaa"> ]>\n<gpx', 1)
    with pytest.raises(IngestError, match="GPX with a DTD") as caught:
        read_bytes("dtd.gpx", data)
    assert "not a FIT, GPX or TCX" not in str(caught.value)


def test_1901_timestamps_say_the_clock_was_not_set() -> None:
    with pytest.raises(IngestError, match=r"timestamps before 1970 \(the device clock was not set\)"):
        read_bytes("Mojstrovka.gpx", (DATA / "gpxpy" / "Mojstrovka.gpx").read_bytes())


def test_moving_time_never_exceeds_the_elapsed_time() -> None:
    """A research engineer's `activities --json`: garmin-edge-820-bike.fit had moving 68.5 s against 64.5 s
    elapsed (each rounded by the device on its own)."""
    bike = _only((DATA / "fitparse" / "garmin-edge-820-bike.fit").read_bytes(), "garmin-edge-820-bike.fit")
    assert bike.moving_s is not None and bike.elapsed_s is not None and bike.moving_s <= bike.elapsed_s
    assert _excluded(bike, "moving_s")[0].endswith("capped at it")


def test_a_zero_moving_time_for_a_distance_is_unknown_not_zero() -> None:
    """An 11 km, 59-minute run stored moving 0 s (its speed stream all zeros): no time passed is impossible."""
    from kneeguard.ingest.model import ParsedActivity
    from kneeguard.ingest.plausibility import clean_activity
    import datetime as dt

    run = ParsedActivity(sport="running", start=dt.datetime(2024, 5, 1, 7, tzinfo=dt.timezone.utc),
                         distance_m=11270.0, timer_s=3540.0, moving_s=0.0, elapsed_s=3560.0)
    assert clean_activity(run) is None
    assert run.moving_s is None and run.timer_s == 3540.0 and run.distance_m == 11270.0
    assert _excluded(run, "moving_s")[-1].endswith("left empty")
