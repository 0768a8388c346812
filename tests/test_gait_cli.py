"""`kneeguard gait --keypoints ... --json` without mediapipe: the JSON contract of issue 3."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kneeguard.cli import app

FIXTURE = Path(__file__).parent / "data" / "gait" / "male_side.mediapipe.json"
REQUIRED = ("view", "n_steps", "cadence_spm", "contact_time_ms", "duty_factor", "knee_flexion_ic_deg",
            "peak_knee_flexion_deg", "shank_angle_ic_deg", "overstride_cm", "overstride_pct_leg", "foot_strike",
            "trunk_lean_deg", "vertical_oscillation_cm", "left", "right", "findings", "warnings")


def test_keypoint_json_has_every_required_field_at_the_top(tmp_path):
    result = CliRunner().invoke(
        app, ["gait", "--keypoints", str(FIXTURE), "--height-cm", "178", "--json", "--home", str(tmp_path),
              "--out", str(tmp_path / "out")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [k for k in REQUIRED if k not in report] == []
    assert report["view"] == "side"
    assert abs(report["cadence_spm"] - 168.9) / 168.9 < 0.01  # ground truth of the clip
    for finding in report["findings"]:
        assert finding["citations"], finding["code"]


def test_unreadable_keypoint_file_is_one_line(tmp_path):
    bad = tmp_path / "k.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(app, ["gait", "--keypoints", str(bad), "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "k.json" in result.output
