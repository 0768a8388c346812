"""GPX and TCX readers against the real files in tests/data/activities.

GPX has no device summary: the manifest's GPX numbers are gpxpy length_3d or
length_2d and plain point means, so they are references, not truth. We use
2-D WGS84 length, so distance must be within 1 % of the reference (3-D adds
up to ~2 % on hilly tracks); the same ride's FIT file gives the truth, where
distance must agree within 0.5 % and average HR within 1 bpm.
TCX totals are device lap sums: distance 0.5 %, timer 1 s, HR 1 bpm.
"""
from __future__ import annotations


import pytest

from kneeguard.ingest.model import SAMPLE_COLUMNS, IngestError
from kneeguard.ingest.readers import read_bytes
from tests.ingest_support import parsed, utc


# file: (sport, start, distance reference m, elapsed s, avg HR or None, device)
GPX_REFERENCES = {
    "gpxpy/around-visnjan-with-car.gpx": (
        "unknown", "2020-12-18 06:15:50", 2741.9, 514.0, None, "eTrex 20x"),
    # Eight ACTIVE LOG tracks: elapsed is first to last point (the manifest's
    # 4239 s sums per-track durations and leaves out the gaps between them).
    "gpxpy/cerknicko-jezero.gpx": (
        "unknown", "2010-08-05 14:23:59", 4580.1, 7190.0, None, "GPSBabel - http://www.gpsbabel.org"),
    "gpxpy/track-with-empty-segment.gpx": (
        "unknown", "2013-07-06 17:26:26", 85.9, 76.0, None, "TC2 to GPX11 XSLT stylesheet"),
    "sweatpy/4801048867_strava.gpx": (
        "cycling", "2020-04-18 11:10:44", 36322.9, 5158.0, 130.3, "StravaGPX"),
    "sweatpy/activity_4801048867.gpx": (
        "cycling", "2020-04-18 11:10:44", 36322.0, 5158.0, 130.3, "Garmin Connect"),
    "sweatpy/activity_5039744860.gpx": (
        "cycling", "2020-06-01 14:52:40", 900.4, 126.0, 150.0, "Garmin Connect"),
}


@pytest.mark.parametrize("relative", sorted(GPX_REFERENCES))
def test_gpx_totals_match_references(relative: str) -> None:
    sport, start, distance, elapsed, avg_hr, device = GPX_REFERENCES[relative]
    result = parsed(relative)
    assert result.format == "gpx"
    (activity,) = result.activities
    assert activity.sport == sport
    assert activity.start == utc(start)
    assert activity.distance_m == pytest.approx(distance, rel=0.01)
    assert activity.elapsed_s == pytest.approx(elapsed, abs=1.0)
    assert activity.timer_s is None  # GPX has no device timer
    assert 0 < activity.moving_s <= elapsed
    if avg_hr is not None:
        assert activity.avg_hr == pytest.approx(avg_hr, abs=1.0)
    assert activity.device == device
    assert set(activity.samples.columns) <= set(SAMPLE_COLUMNS)
    for column in activity.samples.columns:
        assert str(activity.samples[column].dtype) == SAMPLE_COLUMNS[column]


@pytest.mark.parametrize("relative", ["sweatpy/4801048867_strava.gpx", "sweatpy/activity_4801048867.gpx"])
def test_gpx_export_agrees_with_the_original_fit(relative: str) -> None:
    fit = parsed("sweatpy/4801048867.fit").activities[0]
    gpx = parsed(relative).activities[0]
    assert gpx.start == fit.start
    assert gpx.distance_m == pytest.approx(fit.distance_m, rel=0.005)
    assert gpx.avg_hr == pytest.approx(fit.avg_hr, abs=1.0)
    assert gpx.elapsed_s == pytest.approx(fit.elapsed_s, abs=2.0)
    assert len(gpx.samples) == 5159
    assert sum(gpx.hr_seconds_by_bpm) == pytest.approx(sum(fit.hr_seconds_by_bpm), rel=0.02)


def test_gpx_with_bogus_1901_times_cannot_be_placed_in_history() -> None:
    with pytest.raises(IngestError, match="timestamps before 1970 .the device clock was not set.; cannot place it"):
        parsed("gpxpy/Mojstrovka.gpx")


def test_gpx_with_only_a_waypoint_is_skipped() -> None:
    result = parsed("gpxpy/unicode_with_bom.gpx")  # also starts with a UTF-8 BOM
    assert result.activities == [] and "no recorded track" in result.skipped_reason


def test_gpx_untimed_route_copy_is_ignored_next_to_timed_tracks() -> None:
    result = parsed("gpxpy/korita-zbevnica.gpx")
    (activity,) = result.activities
    assert any("without timestamps" in w for w in result.warnings)
    # Only the two timed ACTIVE LOG tracks count (the manifest's 15256 m also
    # counts the untimed 358-point route copy).
    assert 6000 < activity.distance_m < 6600
    assert activity.start == utc("2010-10-03 09:36:30")


GPX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
            'xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:tpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">')


def _gpx(points: str, kind: str = "running") -> bytes:
    return f"{GPX_HEAD}<trk><type>{kind}</type><trkseg>{points}</trkseg></trk></gpx>".encode()


def _point(second: int, lat: float, hr: int, cad: int) -> str:
    return (f'<trkpt lat="{lat:.6f}" lon="13.0"><time>2024-05-01T07:00:{second:02d}Z</time>'
            f"<extensions><tpx:TrackPointExtension><tpx:hr>{hr}</tpx:hr><tpx:cad>{cad}</tpx:cad>"
            "</tpx:TrackPointExtension></extensions></trkpt>")


def test_gpx_running_cadence_is_doubled_and_hr_read_from_extension() -> None:
    points = "".join(_point(s, 46.0 + s * 0.00003, 140 + s % 3, 85) for s in range(0, 60, 2))
    (run,) = read_bytes("run.gpx", _gpx(points)).activities
    assert run.sport == "running"
    assert run.avg_cadence_spm == pytest.approx(170.0)
    assert run.samples["cadence_spm"].eq(170.0).all()
    assert 140 <= run.avg_hr <= 142
    assert run.distance_m == pytest.approx(29 * 0.00006 * 111_200, rel=0.01)


def test_gpx_trackpoint_without_position_is_dropped_not_fatal() -> None:
    points = (_point(0, 46.0, 120, 80) + "<trkpt><time>2024-05-01T07:00:05Z</time></trkpt>"
              + _point(10, 46.001, 121, 80))
    result = read_bytes("gap.gpx", _gpx(points, kind="9"))  # Strava's numeric "run"
    (run,) = result.activities
    assert run.sport == "running"
    assert len(run.samples) == 2
    assert any("without latitude/longitude" in w for w in result.warnings)


def test_gpx_without_any_time_is_an_error() -> None:
    points = '<trkpt lat="46.0" lon="13.0"></trkpt><trkpt lat="46.1" lon="13.0"></trkpt>'
    with pytest.raises(IngestError, match="GPX has no timestamps"):
        read_bytes("route.gpx", _gpx(points))


# file: (sport, start, distance m, timer s, avg HR or None, device)
TCX_DEVICE_LAPS = {
    "sweatpy/activity_5039744860.tcx": (
        "cycling", "2020-06-01 14:52:40", 668.2, 126.0, 150.8, "Garmin Edge 1000"),
    "tcxreader/cross-country-skiing_activity_1.tcx": (
        "other", "2020-12-26 15:14:21", 5692.0, 2401.3, 142.7, "vívoactive HR"),
    "tcxreader/mapmyride_biking.tcx": (
        "cycling", "2022-11-12 15:58:25", 15350.4, 3111.0, None, ""),
    "tcxreader/sup_activity_1.tcx": (
        "other", "2022-07-16 16:08:25", 1157.5, 1112.3, 87.9, "vívoactive HR"),
}


@pytest.mark.parametrize("relative", sorted(TCX_DEVICE_LAPS))
def test_tcx_totals_match_lap_sums(relative: str) -> None:
    sport, start, distance, timer, avg_hr, device = TCX_DEVICE_LAPS[relative]
    result = parsed(relative)
    assert result.format == "tcx"
    (activity,) = result.activities
    assert activity.sport == sport
    assert activity.start == utc(start)
    assert activity.distance_m == pytest.approx(distance, rel=0.005)
    assert activity.timer_s == pytest.approx(timer, abs=1.0)
    if avg_hr is None:
        assert activity.avg_hr is None
    else:
        assert activity.avg_hr == pytest.approx(avg_hr, abs=1.0)
    assert activity.device == device
    assert activity.avg_cadence_spm is None  # not a foot sport
    assert set(activity.samples.columns) <= set(SAMPLE_COLUMNS)


def test_tcx_export_agrees_with_the_original_fit() -> None:
    fit = parsed("sweatpy/2020-06-01-16-52-40.fit").activities[0]
    tcx = parsed("sweatpy/activity_5039744860.tcx").activities[0]
    assert tcx.start == fit.start
    assert tcx.distance_m == pytest.approx(fit.distance_m, rel=0.005)
    assert tcx.avg_hr == pytest.approx(fit.avg_hr, abs=1.0)


TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


def _tcx(laps: str, sport: str = "Running") -> bytes:
    return (f'<?xml version="1.0"?><TrainingCenterDatabase xmlns="{TCX_NS}" xmlns:ax="{AX_NS}">'
            f'<Activities><Activity Sport="{sport}"><Id>2024-05-01T07:00:00Z</Id>{laps}'
            "<Creator><Name>Forerunner 255</Name></Creator></Activity></Activities>"
            "</TrainingCenterDatabase>").encode()


def _lap(first_second: int, seconds: int, hr: int, run_cadence: int, distance: bool = True) -> str:
    points = "".join(
        f"<Trackpoint><Time>2024-05-01T07:{(first_second + s) // 60:02d}:{(first_second + s) % 60:02d}Z"
        f"</Time><DistanceMeters>{(first_second + s) * 3.0}</DistanceMeters>"
        f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm><Extensions><ax:TPX>"
        f"<ax:RunCadence>{run_cadence}</ax:RunCadence></ax:TPX></Extensions></Trackpoint>"
        for s in range(0, seconds, 5))
    lap_distance = f"<DistanceMeters>{seconds * 3.0}</DistanceMeters>" if distance else ""
    return (f'<Lap StartTime="2024-05-01T07:00:{first_second:02d}Z">'
            f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds>{lap_distance}"
            f"<AverageHeartRateBpm><Value>{hr}</Value></AverageHeartRateBpm>"
            f"<Track>{points}</Track><Extensions><ax:LX><ax:AvgRunCadence>{run_cadence}"
            "</ax:AvgRunCadence></ax:LX></Extensions></Lap>")


def test_tcx_running_laps_weight_hr_by_time_and_double_cadence() -> None:
    result = read_bytes("run.tcx", _tcx(_lap(0, 30, 120, 80) + _lap(30, 10, 160, 90)))
    (run,) = result.activities
    assert run.sport == "running"
    assert run.timer_s == pytest.approx(40.0)
    assert run.distance_m == pytest.approx(120.0)
    assert run.avg_hr == pytest.approx((120 * 30 + 160 * 10) / 40)
    assert run.avg_cadence_spm == pytest.approx((80 * 30 + 90 * 10) / 40 * 2)
    assert run.samples["cadence_spm"].isin([160.0, 180.0]).all()
    assert run.device == "Forerunner 255"


def test_tcx_laps_without_distance_fall_back_to_trackpoints_with_warning() -> None:
    (run,) = read_bytes("run.tcx", _tcx(_lap(0, 30, 130, 85, distance=False))).activities
    assert run.distance_m == pytest.approx(75.0)  # last trackpoint DistanceMeters
    assert any("distance taken from trackpoints" in w for w in run.warnings)


def test_tcx_without_any_time_is_an_error_and_a_course_is_skipped() -> None:
    untimed = _tcx("<Lap><TotalTimeSeconds>10</TotalTimeSeconds></Lap>").replace(
        b"<Id>2024-05-01T07:00:00Z</Id>", b"<Id>1901-12-13T20:45:52Z</Id>")
    with pytest.raises(IngestError, match=r"TCX has only timestamps before 1970 \(the device clock was not set\)"):
        read_bytes("x.tcx", untimed)
    course = f'<TrainingCenterDatabase xmlns="{TCX_NS}"><Courses/></TrainingCenterDatabase>'
    assert "not an activity" in read_bytes("c.tcx", course.encode()).skipped_reason
