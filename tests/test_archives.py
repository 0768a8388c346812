"""Strava and Garmin export zips, zip safety, and activities.csv parsing."""
from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeguard.ingest.archives import ZipLimits, detect_layout
from kneeguard.ingest.garmin_export import GarminIndex, fit_time_created
from kneeguard.ingest.model import IngestError
from kneeguard.ingest.sources import Source, SourceError, count_sources, iter_sources
from kneeguard.ingest.strava_csv import (
    StravaCsvError,
    normalise_sport,
    parse_activities_csv,
    parse_strava_date,
)
from tests.archive_builders import (
    DATA,
    STRAVA_HEADER,
    build_garmin_export,
    build_strava_export,
    strava_csv_text,
)

UTC = dt.timezone.utc
BIKE_FIT = DATA / "sweatpy" / "4801048867.fit"
RUN_FIT = DATA / "fitparse" / "garmin-fenix-5-run.fit"
WALK_FIT = DATA / "fitparse" / "garmin-fenix-5-walk.fit"
FENIX2_RUN = DATA / "fitparse" / "activity-small-fenix2-run.fit"
ROW_FIT = DATA / "sweatpy" / "6471559601_ACTIVITY.fit"
GPX = DATA / "sweatpy" / "activity_5039744860.gpx"
TCX = DATA / "sweatpy" / "activity_5039744860.tcx"
SMALL_GPX = DATA / "gpxpy" / "track-with-empty-segment.gpx"


def ms(*args) -> int:
    return int(dt.datetime(*args, tzinfo=UTC).timestamp() * 1000)


def split(items):
    sources = [item for item in items if isinstance(item, Source)]
    errors = [item for item in items if isinstance(item, SourceError)]
    assert len(sources) + len(errors) == len(items)
    return sources, errors


STRAVA_FILES = [
    (BIKE_FIT, {"id": "4801048867", "type": "Ride", "gzip": True, "gear": "Canyon Endurace",
                "date": "Apr 18, 2020, 11:10:44 AM", "distance": "36.32",
                "distance_m": "36322.80078125", "name": "Lunch Ride"}),
    (RUN_FIT, {"id": "1111", "type": "Run", "gear": "Pegasus 40", "rpe": "7",
               "date": "11 Jun 2017, 14:34:09", "distance": "0.1", "distance_m": "157.6",
               "name": "Easy run"}),
    (GPX, {"id": "2222", "type": "Ride", "date": "2020-06-01 14:52:40", "distance_m": "900.4"}),
    (TCX, {"id": "3333", "type": "Ride", "gzip": True, "date": "Jun 1, 2020, 2:52:40 PM",
           "distance": "0.42", "distance_m": "668.2", "rpe": "13"}),
    (None, {"id": "4444", "type": "Weight Training", "date": "Jul 1, 2025, 6:30:00 AM"}),
    (FENIX2_RUN, {"id": "5555", "type": "Trail Run", "omit": True, "date": "Aug 15, 2015, 2:45:08 PM"}),
]


@pytest.fixture()
def strava_zip(tmp_path: Path) -> Path:
    extra = {"activities/99999.gpx": SMALL_GPX.read_bytes(), "routes/route.gpx": SMALL_GPX.read_bytes(),
             "profile.csv": b"Athlete ID\n1\n", "activities/.DS_Store": b"junk"}
    return build_strava_export(tmp_path / "export_42.zip", STRAVA_FILES, extra_members=extra)


def test_strava_export_sources_metadata_and_errors(strava_zip: Path):
    sources, errors = split(list(iter_sources([strava_zip])))
    z = str(strava_zip)
    assert [s.name for s in sources] == [
        f"{z}!activities/4801048867.fit.gz", f"{z}!activities/1111.fit", f"{z}!activities/2222.gpx",
        f"{z}!activities/3333.tcx.gz", f"{z}!activities/99999.gpx",
    ]
    assert [(e.name, e.problem) for e in errors] == [
        (f"{z}!activities/5555.fit", "listed in activities.csv but missing from the archive")]

    bike, run, gpx, tcx, extra = (s.metadata for s in sources)
    assert bike == {"origin": "strava", "external_id": "4801048867", "name": "Lunch Ride",
                    "gear": "Canyon Endurace", "sport": "cycling",
                    "start": dt.datetime(2020, 4, 18, 11, 10, 44, tzinfo=UTC),
                    "distance_m": pytest.approx(36322.80078125)}
    assert run["distance_m"] == pytest.approx(157.6)  # second Distance column, not 0.1
    assert run["start"] == dt.datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC)
    assert (run["sport"], run["gear"], run["rpe"]) == ("running", "Pegasus 40", 7.0)
    assert gpx["start"] == dt.datetime(2020, 6, 1, 14, 52, 40, tzinfo=UTC)
    assert tcx["start"] == dt.datetime(2020, 6, 1, 14, 52, 40, tzinfo=UTC)
    assert "rpe" not in tcx and tcx["warnings"] == ["activities.csv rpe: out of range (13)"]
    assert extra == {}

    assert gzip.decompress(sources[0].read()) == BIKE_FIT.read_bytes()
    assert sources[1].read() == RUN_FIT.read_bytes()
    assert gzip.decompress(sources[3].read()) == TCX.read_bytes()
    assert sources[1].size == RUN_FIT.stat().st_size


def test_strava_export_one_folder_down(tmp_path: Path):
    archive = build_strava_export(tmp_path / "e.zip", STRAVA_FILES[:2], folder="export_42/")
    sources, errors = split(list(iter_sources([archive])))
    assert not errors
    assert [s.name.split("!")[1] for s in sources] == [
        "export_42/activities/4801048867.fit.gz", "export_42/activities/1111.fit"]
    assert sources[1].metadata["gear"] == "Pegasus 40"


def test_strava_export_with_broken_csv_still_yields_files(tmp_path: Path):
    archive = build_strava_export(tmp_path / "e.zip", STRAVA_FILES[:1])
    rebuilt = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for info in src.infolist():
            data = b"no,header,here\n1,2,3\n" if info.filename == "activities.csv" else src.read(info)
            dst.writestr(info.filename, data)
    sources, errors = split(list(iter_sources([rebuilt])))
    assert len(sources) == 1 and sources[0].metadata == {}
    assert errors[0].name.endswith("!activities.csv") and "Filename" in errors[0].problem


def garmin_files():
    return [
        (BIKE_FIT, {"activityId": 4801048867, "file_name": "runner@example.com_4801048867.fit",
                    "name": "Zwift-free ride", "activityType": "road_biking", "sportType": "CYCLING",
                    "startTimeGmt": ms(2020, 4, 18, 11, 10, 44), "duration": 5158600.0,
                    "distance": 3632280.0}),
        (RUN_FIT, {"activityId": 2000000001, "file_name": "123456789012.fit", "name": "Run",
                   "activityType": {"typeKey": "trail_running"},
                   "startTimeGmt": ms(2017, 6, 11, 14, 34, 9), "duration": 56900.0, "distance": 15760.0}),
        # Metres where centimetres belong: caught by the speed plausibility check.
        (WALK_FIT, {"activityId": 2000000003, "file_name": "323456789012.fit", "activityType": "walking",
                    "startTimeGmt": ms(2017, 6, 11, 14, 32, 51), "duration": 45400.0, "distance": 67.8}),
        # time_created is the END of this activity (fenix 2).
        (FENIX2_RUN, {"activityId": 2000000002, "file_name": "223456789012.fit", "sportType": "RUNNING",
                      "startTimeGmt": ms(2015, 8, 15, 14, 45, 8), "duration": 2832000.0, "distance": 900820.0}),
        (ROW_FIT, {"file_name": "6471559601_ACTIVITY.fit", "summary": False}),
        (None, {"activityId": 2000000009, "activityType": "running", "startTimeGmt": ms(2021, 1, 1)}),
    ]


@pytest.mark.parametrize("folder", [
    "DI-Connect-Uploaded-Files", "DI-Connect-Fitness-Uploaded-Files", "DI-Connect-Fitness"])
def test_garmin_export_matches_summaries(tmp_path: Path, folder: str):
    archive = build_garmin_export(tmp_path / "garmin.zip", garmin_files(), upload_folder=folder, files_per_part=3)
    sources, errors = split(list(iter_sources([archive])))
    assert not errors
    by_member = {s.name.rsplit("!", 1)[1]: s for s in sources}
    assert sorted(by_member) == sorted(
        ["runner@example.com_4801048867.fit", "123456789012.fit", "323456789012.fit",
         "223456789012.fit", "6471559601_ACTIVITY.fit"])
    bike = by_member["runner@example.com_4801048867.fit"]
    assert bike.name == f"{archive}!DI_CONNECT/{folder}/UploadedFiles_0-_Part1.zip!runner@example.com_4801048867.fit"
    assert bike.metadata == {"origin": "garmin", "external_id": "4801048867", "name": "Zwift-free ride",
                             "sport": "cycling", "start": dt.datetime(2020, 4, 18, 11, 10, 44, tzinfo=UTC),
                             "distance_m": pytest.approx(36322.8)}
    assert bike.read() == BIKE_FIT.read_bytes()
    run = by_member["123456789012.fit"].metadata  # matched by FIT time_created
    assert (run["external_id"], run["sport"], run["distance_m"]) == ("2000000001", "running", pytest.approx(157.6))
    walk = by_member["323456789012.fit"].metadata  # nearest of two overlapping spans
    assert walk["external_id"] == "2000000003" and walk["distance_m"] == pytest.approx(67.8)
    assert walk["warnings"] == ["Garmin summary distance read as metres, not centimetres"]
    assert by_member["223456789012.fit"].metadata["external_id"] == "2000000002"
    assert by_member["6471559601_ACTIVITY.fit"].metadata == {}
    assert by_member["6471559601_ACTIVITY.fit"].read() == ROW_FIT.read_bytes()
    assert count_sources([archive]) >= 2  # nested zips are only estimated


def test_garmin_distance_scale_guard_ignores_sports_that_barely_move():
    index = GarminIndex()
    index.add_json(b'[{"summarizedActivitiesExport": [{"activityId": 123456, "activityType": "yoga",'
                   b' "duration": 2700000.0, "distance": 5000.0}, {"activityId": 123457,'
                   b' "activityType": "running", "duration": 2700000.0, "distance": 5000.0}]}]')
    yoga, run = index.match("123456.fit"), index.match("123457.fit")
    assert yoga["distance_m"] == 50.0 and "warnings" not in yoga
    assert run["distance_m"] == 5000.0 and run["warnings"]


def test_garmin_index_tolerates_junk():
    index = GarminIndex()
    index.add_json(b'[{"summarizedActivitiesExport": [1, "x", {"activityId": true, "distance": "far"},'
                   b' {"activityId": 7, "startTimeGmt": 1e30, "duration": -5}]}, 3]')
    assert index.match("7.fit") == {} and index.match("x_1234567.fit") == {}
    with pytest.raises(ValueError):
        index.add_json(b"[" * 100_000)
    with pytest.raises(ValueError):
        index.add_json(b"\xff not json")


def test_fit_time_created_on_real_files():
    assert fit_time_created(BIKE_FIT.read_bytes()[:4096]) == dt.datetime(2020, 4, 18, 11, 10, 43, tzinfo=UTC)
    assert fit_time_created(FENIX2_RUN.read_bytes()[:4096]) == dt.datetime(2015, 8, 15, 15, 32, 41, tzinfo=UTC)
    # FR70 stores a device-relative time_created: not a date.
    assert fit_time_created((DATA / "fitparse" / "compressed-speed-distance.fit").read_bytes()[:4096]) is None
    assert fit_time_created(GPX.read_bytes()[:4096]) is None
    assert fit_time_created(BIKE_FIT.read_bytes()[:20]) is None


def write_zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]], method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def test_malicious_paths_are_refused(tmp_path: Path):
    fit = RUN_FIT.read_bytes()
    archive = write_zip(tmp_path / "evil.zip", [
        (zipfile.ZipInfo("../evil.fit"), fit), (zipfile.ZipInfo("/abs.fit"), fit),
        (zipfile.ZipInfo("C:/windows.fit"), fit), (zipfile.ZipInfo("ok/..\\sneaky.fit"), fit),
        (zipfile.ZipInfo("../notes.txt"), b"x"), ("good.fit", fit)])
    sources, errors = split(list(iter_sources([archive])))
    assert [s.name for s in sources] == [f"{archive}!good.fit"]
    assert sorted(e.name.split("!", 1)[1] for e in errors) == sorted(
        ["../evil.fit", "/abs.fit", "C:/windows.fit", "ok/..\\sneaky.fit", "../notes.txt"])
    assert {e.problem for e in errors} == {"unsafe path in archive"}


def test_zip_bomb_whole_archive(tmp_path: Path):
    # 2 MB of zeros in small pieces: each member is harmless, the archive is not.
    archive = write_zip(tmp_path / "bomb.zip", [(f"z{i}.fit", bytes(40_000)) for i in range(50)])
    items = list(iter_sources([archive], limits=ZipLimits(ratio_floor_bytes=1_000_000)))
    assert len(items) == 1 and isinstance(items[0], SourceError)
    assert items[0].name == str(archive) and "looks like a zip bomb" in items[0].problem


def test_zip_bomb_single_member_and_size_caps(tmp_path: Path):
    archive = write_zip(tmp_path / "mixed.zip", [
        ("bomb.fit", bytes(2_000_000)), ("noise.fit", os.urandom(1_000_000)), ("run.fit", RUN_FIT.read_bytes())])
    limits = ZipLimits(ratio_floor_bytes=1_000_000, max_member_bytes=1_500_000)
    sources, errors = split(list(iter_sources([archive], limits=limits)))
    assert [s.name.split("!")[1] for s in sources] == ["noise.fit", "run.fit"]
    assert errors[0].name.endswith("!bomb.fit") and "looks like a zip bomb" in errors[0].problem

    small = ZipLimits(max_member_bytes=10_000)
    sources, errors = split(list(iter_sources([archive], limits=small)))
    assert [s.name.split("!")[1] for s in sources] == ["run.fit"]
    assert all("too large" in e.problem or "zip bomb" in e.problem for e in errors) and len(errors) == 2

    sources, errors = split(list(iter_sources([archive], limits=ZipLimits(max_total_bytes=2_004_000))))
    assert [s.name.split("!")[1] for s in sources] == ["bomb.fit"]  # under the default ratio floor
    assert [e.name.split("!")[1] for e in errors] == ["noise.fit", "run.fit"]
    assert all("in total: not read" in e.problem for e in errors)
    items = list(iter_sources([archive], limits=ZipLimits(max_members=2)))
    assert len(items) == 1 and "too many members (3 > 2)" in items[0].problem


def test_corrupt_and_truncated_zips_give_one_error(tmp_path: Path):
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK\x03\x04" + os.urandom(3000))
    whole = build_strava_export(tmp_path / "whole.zip", STRAVA_FILES[:2]).read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole[: len(whole) // 2])
    items = list(iter_sources([garbage, truncated]))
    assert [(i.name, type(i)) for i in items] == [(str(garbage), SourceError), (str(truncated), SourceError)]
    assert all(i.problem.startswith("not a readable zip archive") for i in items)


def _patch_flags(data: bytes, name: bytes, *, flag: int = 0, method: int | None = None) -> bytes:
    """Rewrite general-purpose flags / method of `name` in local and central headers."""
    out = bytearray(data)
    for signature, flag_at, method_at, name_at in ((b"PK\x03\x04", 6, 8, 30), (b"PK\x01\x02", 8, 10, 46)):
        at = out.find(signature)
        while at != -1:
            if out[at + name_at: at + name_at + len(name)] == name:
                out[at + flag_at] |= flag
                if method is not None:
                    out[at + method_at: at + method_at + 2] = method.to_bytes(2, "little")
            at = out.find(signature, at + 4)
    return bytes(out)


def test_encrypted_and_unsupported_members(tmp_path: Path):
    raw = write_zip(tmp_path / "x.zip", [("secret.fit", b"x" * 100), ("deflate64.fit", b"y" * 100),
                                          ("run.fit", RUN_FIT.read_bytes())]).read_bytes()
    raw = _patch_flags(_patch_flags(raw, b"secret.fit", flag=0x1), b"deflate64.fit", method=9)
    (tmp_path / "x.zip").write_bytes(raw)
    sources, errors = split(list(iter_sources([tmp_path / "x.zip"])))
    assert [s.name.split("!")[1] for s in sources] == ["run.fit"]
    problems = {e.name.split("!")[1]: e.problem for e in errors}
    assert problems == {"secret.fit": "encrypted member: cannot be read",
                        "deflate64.fit": "unsupported compression method 9"}


def test_damaged_member_fails_on_read_with_ingest_error(tmp_path: Path):
    payload = RUN_FIT.read_bytes()
    raw = bytearray(write_zip(tmp_path / "d.zip", [("run.fit", payload)], zipfile.ZIP_STORED).read_bytes())
    at = raw.find(payload[100:140])
    raw[at] ^= 0xFF
    (tmp_path / "d.zip").write_bytes(bytes(raw))
    [source] = list(iter_sources([tmp_path / "d.zip"]))
    with pytest.raises(IngestError, match="CRC"):
        source.read()


def test_generic_zip_with_nested_zips(tmp_path: Path):
    deepest = write_zip(tmp_path / "deep.zip", [("deep.fit", b"x")]).read_bytes()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("b/run.fit", RUN_FIT.read_bytes())
        zf.writestr("a.gpx.gz", gzip.compress(SMALL_GPX.read_bytes()))
        zf.writestr("deep.zip", deepest)
        zf.writestr("readme.txt", b"hi")
    archive = write_zip(tmp_path / "outer.zip", [
        ("inner.zip", inner.getvalue()), ("top.TCX", TCX.read_bytes()), ("notes.md", b"x"),
        ("__MACOSX/._top.TCX", b"junk"), ("empty/", b"")])
    items = list(iter_sources([archive]))
    sources, errors = split(items)
    assert [s.name for s in sources] == [
        f"{archive}!inner.zip!a.gpx.gz", f"{archive}!inner.zip!b/run.fit", f"{archive}!top.TCX"]
    assert [(e.name, e.problem) for e in errors] == [
        (f"{archive}!inner.zip!deep.zip", "zip inside a nested zip: not opened")]
    assert [item.name for item in items][2] == f"{archive}!inner.zip!deep.zip"  # sorted within the nested zip
    assert sources[1].read() == RUN_FIT.read_bytes()


def test_reads_after_iteration_and_out_of_order(tmp_path: Path):
    strava = build_strava_export(tmp_path / "s.zip", STRAVA_FILES[:3])
    garmin = build_garmin_export(tmp_path / "g.zip", garmin_files()[:3], files_per_part=1)
    sources, errors = split(list(iter_sources([strava, garmin])))
    assert not errors and len(sources) == 6
    expected = [gzip.compress(BIKE_FIT.read_bytes(), mtime=0), RUN_FIT.read_bytes(), GPX.read_bytes(),
                BIKE_FIT.read_bytes(), RUN_FIT.read_bytes(), WALK_FIT.read_bytes()]
    garmin_sources = sorted(sources[3:], key=lambda s: s.name)  # Part1, Part2, Part3
    for index in (5, 0, 4, 2, 3, 1, 5):  # jump between archives and nested zips
        source = (sources[:3] + garmin_sources)[index]
        assert source.read() == expected[index]


def test_detect_layout():
    assert detect_layout(["activities.csv", "activities/1.fit.gz"]) == ("strava", "")
    assert detect_layout(["x/activities.csv", "x/activities/1.gpx"]) == ("strava", "x/")
    assert detect_layout(["a/b/activities.csv", "a/b/activities/1.gpx"]) == ("generic", "")
    assert detect_layout(["activities.csv"]) == ("generic", "")
    assert detect_layout(["DI_CONNECT/DI-Connect-Fitness/x_summarizedActivities.json"]) == ("garmin", "")


# --- activities.csv ------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Jul 1, 2025, 6:30:00 AM", (2025, 7, 1, 6, 30, 0)),
    ("Jul 1, 2025, 12:05:09 AM", (2025, 7, 1, 0, 5, 9)),
    ("Jul 1, 2025, 12:05:09 PM", (2025, 7, 1, 12, 5, 9)),
    ("Dec 31, 2024, 11:59:59\u202fPM", (2024, 12, 31, 23, 59, 59)),
    ("1 Oct 2023, 07:30:00", (2023, 10, 1, 7, 30, 0)),
    ("1 Sept 2023, 17:30:00", (2023, 9, 1, 17, 30, 0)),
    ("01.10.2023, 07:30:00", (2023, 10, 1, 7, 30, 0)),
    ("2023-10-01 07:30:00", (2023, 10, 1, 7, 30, 0)),
    ("2023-10-01T09:30:00+02:00", (2023, 10, 1, 7, 30, 0)),
])
def test_parse_strava_date_styles(text, expected):
    assert parse_strava_date(text) == dt.datetime(*expected, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "10/01/2023, 07:30:00", "Foo 1, 2025, 6:30:00 AM",
                                  "Feb 30, 2025, 6:30:00 AM", "Jul 1, 2025, 13:30:00 PM"])
def test_parse_strava_date_rejects(text):
    with pytest.raises(StravaCsvError):
        parse_strava_date(text)


def test_parse_activities_csv_by_position():
    rows = parse_activities_csv(strava_csv_text([
        {"id": "1", "type": "Run", "distance": "6.21", "distance_m": "10000.5", "filename": "activities/1.fit.gz",
         "date": "Jul 1, 2025, 6:30:00 AM", "gear": "Shoe A", "rpe": "4"},
        {"id": "2", "type": "VirtualRun", "distance_m": "1,234.5", "date": "bad date"},
    ]).encode("utf-8-sig"))
    first, second = rows
    assert first.filename == "activities/1.fit.gz"
    assert first.metadata["distance_m"] == 10000.5 and first.metadata["rpe"] == 4.0
    assert second.filename == "" and second.metadata["sport"] == "running"
    assert second.metadata["distance_m"] == 1234.5 and "start" not in second.metadata
    assert second.warnings == ("activities.csv: unrecognised date 'bad date'",)


def test_single_distance_column_is_not_guessed():
    text = "Activity ID,Activity Date,Distance,Filename\n7,\"Jul 1, 2025, 6:30:00 AM\",10.5,activities/7.gpx\n"
    [row] = parse_activities_csv(text)
    assert "distance_m" not in row.metadata and row.filename == "activities/7.gpx"


def test_normalise_sport():
    assert [normalise_sport(t) for t in ["Run", "Trail Run", "TrailRun", "Ride", "Walk", "Swim",
                                         "Weight Training", "Kitesurf", "Sailing Dinghy"]] == [
        "running", "running", "running", "cycling", "walking", "swimming",
        "strength_training", "kitesurf", "sailing_dinghy"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parse_activities_csv_never_raises_other_errors(text):
    for prefix in ("", ",".join(STRAVA_HEADER) + "\n"):
        try:
            rows = parse_activities_csv(prefix + text)
        except StravaCsvError:
            continue
        for row in rows:
            assert isinstance(row.filename, str) and isinstance(row.metadata, dict)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parse_strava_date_only_raises_strava_error(text):
    try:
        when = parse_strava_date(text)
    except StravaCsvError:
        return
    assert when.tzinfo is not None and when.utcoffset() == dt.timedelta(0)


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)))
def test_both_locale_styles_round_trip(when):
    when = when.replace(microsecond=0)
    us = f"{when:%b} {when.day}, {when.year}, {(when.hour % 12) or 12}:{when:%M:%S} {'AM' if when.hour < 12 else 'PM'}"
    uk = f"{when.day} {when:%b} {when.year}, {when:%H:%M:%S}"
    assert parse_strava_date(us) == parse_strava_date(uk) == when.replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def fuzz_seeds(tmp_path_factory) -> list[bytes]:
    """A small Strava export and a small generic zip with a nested zip."""
    folder = tmp_path_factory.mktemp("fuzz")
    strava = build_strava_export(folder / "strava.zip", [
        (SMALL_GPX, {"gzip": True, "date": "Jul 1, 2025, 6:30:00 AM"}),
        (DATA / "fitparse" / "Activity.fit", {"type": "Run"})])
    inner = write_zip(folder / "inner.zip", [("a.fit", b"x" * 50), ("b.gpx", SMALL_GPX.read_bytes())])
    generic = write_zip(folder / "generic.zip", [("inner.zip", inner.read_bytes()), ("c.tcx", b"<x/>" * 20)])
    return [strava.read_bytes(), generic.read_bytes()]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_archives_never_raise(tmp_path: Path, fuzz_seeds: list[bytes], data):
    raw = bytearray(data.draw(st.sampled_from(fuzz_seeds)))
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(raw) // 2, len(raw)))
    target = tmp_path / "fuzzed.zip"
    target.write_bytes(bytes(raw[:cut]))
    for item in iter_sources([target]):
        assert isinstance(item, (Source, SourceError))
        if isinstance(item, Source):
            try:
                assert isinstance(item.read(), bytes)
            except IngestError:
                pass
