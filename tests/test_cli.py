"""The command line end to end on real files: import, activities, athletes, shoes, load."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kneeguard.cli import app
from tests.archive_builders import DATA, build_garmin_export, build_strava_export

runner = CliRunner()

RUN_FR110 = DATA / "fitparse" / "2013-02-06-12-11-14.fit"  # 4835.4 m, HR 147, 2013-02-06 12:11:14Z
RUN_FENIX2 = DATA / "fitparse" / "activity-small-fenix2-run.fit"  # 9008.2 m
RIDE_FIT = DATA / "sweatpy" / "4801048867.fit"  # same ride as the two GPX exports below
RIDE_STRAVA_GPX = DATA / "sweatpy" / "4801048867_strava.gpx"
TRUNCATED = DATA / "fitparse" / "activity-unexpected-eof.fit"


def kg(*args: str, home: Path):
    return runner.invoke(app, [*args, "--home", str(home)], catch_exceptions=False)


def import_json(home: Path, *paths: Path, athlete: str = "ana"):
    result = kg("import", *map(str, paths), "--athlete", athlete, "--json", home=home)
    return result, json.loads(result.stdout)


def test_import_json_then_reimport_is_duplicate(tmp_path):
    result, rows = import_json(tmp_path, RUN_FR110, RUN_FENIX2)
    assert result.exit_code == 0
    assert [(r["status"], r["activities"], r["error"]) for r in rows] == [("imported", 1, None)] * 2
    assert set(rows[0]) >= {"file", "status", "activities", "error"}
    result, rows = import_json(tmp_path, RUN_FR110, RUN_FENIX2)
    assert result.exit_code == 0
    assert [r["status"] for r in rows] == ["duplicate", "duplicate"]


def test_same_activity_from_another_export_is_not_duplicated(tmp_path):
    _, rows = import_json(tmp_path, RIDE_FIT)
    assert rows[0]["status"] == "imported"
    _, rows = import_json(tmp_path, RIDE_STRAVA_GPX)
    assert rows[0]["status"] == "duplicate"
    acts = json.loads(kg("activities", "--athlete", "ana", "--json", home=tmp_path).stdout)
    assert len(acts) == 1


def test_bad_file_is_one_clear_line_and_the_batch_goes_on(tmp_path):
    junk = tmp_path / "notes.fit"
    junk.write_text("this is not a watch file")
    result, rows = import_json(tmp_path, junk, RUN_FR110)
    assert result.exit_code == 1
    assert rows[0]["status"] == "error" and "notes.fit" in rows[0]["file"]
    assert rows[0]["error"] and "Traceback" not in rows[0]["error"]
    assert rows[1]["status"] == "imported"


def test_human_output_names_the_broken_file_without_traceback(tmp_path):
    junk = tmp_path / "broken.gpx"
    junk.write_text("<gpx><trk><trkseg><trkpt lat='1' lon='2'></trkpt></trkseg></trk></gpx>")
    result = kg("import", str(junk), home=tmp_path)
    assert result.exit_code == 1
    assert "broken.gpx" in result.output and "Traceback" not in result.output


def test_missing_path_is_reported(tmp_path):
    result, rows = import_json(tmp_path, tmp_path / "nope.fit")
    assert result.exit_code == 1
    assert rows[0]["status"] == "error"


def test_activities_json_fields(tmp_path):
    import_json(tmp_path, RUN_FR110)
    acts = json.loads(kg("activities", "--athlete", "ana", "--json", home=tmp_path).stdout)
    assert len(acts) == 1
    a = acts[0]
    required = {"id", "athlete", "sport", "start", "distance_m", "timer_s", "elapsed_s", "avg_hr",
                "avg_cadence_spm", "device", "source"}
    assert required <= set(a)
    assert a["athlete"] == "ana" and a["sport"] == "running"
    assert a["start"].startswith("2013-02-06T12:11:14") and a["start"].endswith("+00:00")
    assert a["distance_m"] == pytest.approx(4835.4, rel=0.005)
    assert a["avg_hr"] == pytest.approx(147, abs=1)


def test_strava_export_imports_with_gear(tmp_path):
    archive = build_strava_export(tmp_path / "export_1.zip", [
        (RUN_FR110, {"type": "Run", "gear": "Pegasus", "date": "Feb 6, 2013, 12:11:14 PM", "gzip": True,
                     "distance_m": "4835.4"}),
        (RUN_FENIX2, {"type": "Run", "gear": "Pegasus", "date": "15 Aug 2015, 14:45:08"}),
    ])
    kg("shoes", "add", "Pegasus", "--athlete", "ana", home=tmp_path)
    result, rows = import_json(tmp_path, archive)
    assert result.exit_code == 0, rows
    assert sum(r["activities"] for r in rows) == 2
    shoes = json.loads(kg("shoes", "list", "--athlete", "ana", "--json", home=tmp_path).stdout)
    assert shoes[0]["distance_km"] == pytest.approx(4.8354 + 9.0082, abs=0.1)


def test_garmin_export_imports(tmp_path):
    archive = build_garmin_export(tmp_path / "garmin.zip", [(RUN_FR110, {}), (RUN_FENIX2, {})])
    result, rows = import_json(tmp_path, archive)
    assert result.exit_code == 0, rows
    assert sum(r["activities"] for r in rows) == 2


def test_truncated_file_is_reported_not_fatal(tmp_path):
    result, rows = import_json(tmp_path, TRUNCATED, RUN_FR110)
    assert rows[0]["status"] in {"imported", "error"}
    if rows[0]["status"] == "imported":
        assert rows[0]["warnings"], "a truncated import must say data was cut"
    assert rows[1]["status"] == "imported"


def test_athlete_and_shoe_commands(tmp_path):
    assert kg("athlete", "add", "ben", "--sex", "male", "--hr-max", "190", "--hr-rest", "50",
              home=tmp_path).exit_code == 0
    listed = json.loads(kg("athlete", "list", "--json", home=tmp_path).stdout)
    assert listed[0]["name"] == "ben" and listed[0]["hr_max"] == 190
    bad = kg("athlete", "set", "ben", "--hr-rest", "200", home=tmp_path)
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    unknown = kg("athlete", "set", "nobody", "--sex", "male", home=tmp_path)
    assert unknown.exit_code == 2 and "nobody" in unknown.output
    assert kg("shoes", "add", "Old", "--athlete", "ben", "--start-km", "650", home=tmp_path).exit_code == 0
    assert kg("shoes", "assign", "Old", "--athlete", "ben", "--from", "2013-01-01", home=tmp_path).exit_code == 0
    import_json(tmp_path, RUN_FR110, athlete="ben")
    shoes = json.loads(kg("shoes", "list", "--athlete", "ben", "--json", home=tmp_path).stdout)
    assert shoes[0]["distance_km"] == pytest.approx(650 + 4.84, abs=0.05)
    assert kg("shoes", "retire", "Old", "--athlete", "ben", "--on", "2014-01-01", home=tmp_path).exit_code == 0
    shoes = json.loads(kg("shoes", "list", "--athlete", "ben", "--json", home=tmp_path).stdout)
    assert shoes[0]["retired"] is True


def test_load_json_and_plot(tmp_path):
    import_json(tmp_path, RUN_FR110, RUN_FENIX2, DATA / "fitparse" / "developer-types-sample.fit")
    plot = tmp_path / "load.png"
    result = kg("load", "--athlete", "ana", "--as-of", "2017-02-01", "--json", "--plot", str(plot), home=tmp_path)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["athlete"] == "ana" and report["as_of"] == "2017-02-01"
    assert {"summary", "findings", "weekly", "runs"} <= set(report)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for finding in report["findings"]:
        assert finding["citations"], finding["code"]
    table = kg("load", "--athlete", "ana", "--as-of", "2017-03-01", home=tmp_path).output  # weeks without runs
    assert "nan" not in table  # a week without runs has no longest run (a coach read 'nan')


def test_load_rejects_bad_date_and_unknown_athlete(tmp_path):
    bad = kg("load", "--as-of", "yesterday", home=tmp_path)
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    unknown = kg("load", "--athlete", "ghost", home=tmp_path)
    assert unknown.exit_code == 2 and "ghost" in unknown.output


def test_demo_prints_load_findings(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Run 4" in result.output or "longer than your recent longest" in result.output
    report = json.loads((tmp_path / "demo" / "load.json").read_text())
    codes = {f["code"] for f in report["findings"]}
    assert {"load.spike", "load.no_rest", "load.shoe_over_limit"} <= codes
    assert (tmp_path / "demo" / "load.png").exists()
    html = (tmp_path / "demo" / "report.html").read_text()
    summary = (tmp_path / "demo" / "report-summary.html").read_text()
    assert "not a diagnosis" in summary.lower()  # the two-page summary
    pytest.importorskip("weasyprint")
    from tests.test_report_summary import MAX_SUMMARY_PAGES, summary_pages

    # the real demo, not only the report fixtures: the plan's wording grew it to three pages once
    assert summary_pages(summary) <= MAX_SUMMARY_PAGES
    # Golden structure of the demo athlete's report: triage and summary first, disclaimer last.
    import re

    from kneeguard.report.document import SECTION_ORDER

    assert re.findall(r'<section id="([a-z_-]+)"', html) == [key for key, _ in SECTION_ORDER]
    assert "not a diagnosis" in html.lower()
    assert "routine" in html.lower()  # the bundled check-in's triage level
    assert not re.search(r'(src|href)\s*=\s*["\']?https?:', html)  # nothing fetched from the network
    import icalendar

    calendar = icalendar.Calendar.from_ical((tmp_path / "demo" / "plan.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) > 20


def test_the_summary_of_a_worse_week_still_fits_two_pages(tmp_path):
    """The demo runner after a worse week (6/10 in runs, 4/10 next morning, rising over 3 check-ins; the plan
    held at walking with a re-check): the summary a clinician is handed in exactly this case grew to three pages."""
    pytest.importorskip("weasyprint")
    from tests.test_report_summary import MAX_SUMMARY_PAGES, summary_pages

    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    home = ["--home", str(out / "data"), "--athlete", "demo runner"]
    worse = Path(__file__).parent / "data" / "checkins" / "worse_routine.json"
    assert runner.invoke(app, ["checkin", *home, "--answers", str(worse)], catch_exceptions=False).exit_code == 0
    summary = tmp_path / "summary.html"
    result = runner.invoke(app, ["report", *home, "--out", str(summary), "--summary-only"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = summary.read_text(encoding="utf-8")
    assert "re-check on" in html and "Walking only" in html  # the held plan, not the demo's own
    # what a physiotherapist asked the summary to hand over (read 8: B5 the cap and what is left to her, B6 the
    # gait numbers): said within the same two pages
    assert "Walk/run stays at its first step until a professional has seen the knee" in html
    assert "Not started yet (the physiotherapist starts them):" in html and "step rate 168/min" in html
    assert "peak knee bend L 28° / R 20°, ±5 deg 2D-video error" in html  # the plan's reason gives the same
    assert summary_pages(html) <= MAX_SUMMARY_PAGES


def test_the_summary_of_an_urgent_check_in_fits_two_pages_and_prescribes_nothing(tmp_path):
    """The demo runner with a swollen, tender calf (urgent): the summary ran to three pages with five plan rows of
    'nothing', one of them 'no shoes are tracked' beside a tracked pair."""
    pytest.importorskip("weasyprint")
    from tests.test_report_summary import MAX_SUMMARY_PAGES, summary_pages

    out = tmp_path / "demo"
    assert runner.invoke(app, ["demo", "--out", str(out), "--no-pdf"], catch_exceptions=False).exit_code == 0
    home = ["--home", str(out / "data"), "--athlete", "demo runner"]
    answers = json.loads((Path(__file__).parent / "data" / "checkins" / "worse_routine.json").read_text())
    urgent = tmp_path / "urgent.json"
    urgent.write_text(json.dumps({**answers, "calf_swelling": True, "calf_tender": True}))
    assert runner.invoke(app, ["checkin", *home, "--answers", str(urgent)], catch_exceptions=False).exit_code == 0
    summary = tmp_path / "summary.html"
    result = runner.invoke(app, ["report", *home, "--out", str(summary), "--summary-only"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = summary.read_text(encoding="utf-8")
    assert "Nothing until a professional has seen the runner: no running, exercises, gait or footwear" in html
    assert "no shoes are tracked" not in html  # headline, action and the warning-sign list each say it once:
    assert html.count("See a doctor today") == 3
    assert summary_pages(html) <= MAX_SUMMARY_PAGES
