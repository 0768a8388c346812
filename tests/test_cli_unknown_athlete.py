"""A misspelt --athlete is one line and exit code 2 for the plan and the report (they gave an empty plan and
report for 'anaa', exit 0; load, activities and shoes already refused it)."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kneeguard.cli import app
from tests.ingest_support import DATA

runner = CliRunner()


@pytest.mark.parametrize("command", [["plan"], ["report", "--out", "r.html"]])
def test_a_misspelt_athlete_is_refused(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    home = str(tmp_path / "home")
    run = str(DATA / "fitparse" / "activity-small-fenix2-run.fit")
    assert runner.invoke(app, ["import", run, "--athlete", "ana", "--home", home]).exit_code == 0
    result = runner.invoke(app, [*command, "--athlete", "anaa", "--home", home])
    assert result.exit_code == 2, result.output
    assert "unknown athlete 'anaa'; known: ana" in result.output
    assert not (tmp_path / "r.html").exists()
    assert runner.invoke(app, [*command, "--athlete", "ana", "--home", home]).exit_code == 0
