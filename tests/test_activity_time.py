"""One rule for an activity's duration in every view (a coach saw no time and no pace on every GPX run: the views
read only the watch timer, which GPX files and Strava exports do not carry)."""
from __future__ import annotations

import math

from typer.testing import CliRunner

from kneeguard.activity_time import activity_seconds, duration_label
from kneeguard.cli import app
from kneeguard.web.activity_view import summary_pace
from tests.ingest_support import DATA


def test_timer_then_moving_then_elapsed():
    assert activity_seconds({"timer_s": 3000.0, "moving_s": 2900.0, "elapsed_s": 3100.0}) == (3000.0, "timer_s")
    assert activity_seconds({"timer_s": None, "moving_s": 5750.0, "elapsed_s": 5760.0}) == (5750.0, "moving_s")
    assert activity_seconds({"timer_s": 0.0, "moving_s": math.nan, "elapsed_s": 60.0}) == (60.0, "elapsed_s")
    assert activity_seconds({"timer_s": None}) == (None, "")
    assert duration_label("elapsed_s") == "Elapsed time" and duration_label("moving_s") == "Moving time"


def test_a_gpx_run_without_a_timer_has_a_pace_and_a_time():
    assert summary_pace({"sport": "running", "distance_m": 15302.0, "timer_s": None, "moving_s": 5750.0}) == \
        ("Pace", "6:16 /km")


def test_the_activity_list_gives_a_gpx_runs_time(tmp_path):
    runner = CliRunner()
    home = str(tmp_path / "home")
    gpx = DATA / "gpxpy" / "cerknicko-jezero.gpx"
    assert runner.invoke(app, ["import", str(gpx), "--home", home]).exit_code == 0
    listed = runner.invoke(app, ["activities", "--home", home, "--json"])
    (row,) = __import__("json").loads(listed.stdout)
    assert row["timer_s"] is None and (row["moving_s"] or row["elapsed_s"])
    table = runner.invoke(app, ["activities", "--home", home], env={"COLUMNS": "160"}).output
    seconds = int(round(activity_seconds(row)[0]))
    assert f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" in table
