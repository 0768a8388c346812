"""A research engineer's try of the CLI before using it on a cohort: crashes and wrong results, each with the
command that showed it."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kneeguard.cli import app
from tests.advice_support import BASE_ANSWERS

RUN = Path(__file__).resolve().parents[1] / "src" / "kneeguard" / "sample" / "files" / "activity-small-fenix2-run.fit"
runner = CliRunner()


def test_a_report_after_a_check_in_without_the_optional_reduced_load_weeks(tmp_path):
    """`report` crashed (TypeError formatting None weeks) when the check-in left out `reduced_load_weeks` and the
    imported runs ended long before it: the usual case for a runner importing an old history."""
    home = str(tmp_path / "home")
    assert runner.invoke(app, ["import", str(RUN), "--home", home]).exit_code == 0
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({**BASE_ANSWERS, "pain_during_run": 3, "pain_next_morning": 1}))
    assert "reduced_load_weeks" not in json.loads(answers.read_text())
    assert runner.invoke(app, ["checkin", "--answers", str(answers), "--home", home]).exit_code == 0
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "r.html"), "--home", home])
    assert result.exit_code == 0, result.output
    assert "may be missing from the import" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_pain_free_check_in_is_not_told_to_run_less_than_before_the_pain():
    """`has_pain: false` still read 'Self-manage: run less than before the pain and build back up gradually'."""
    from kneeguard import evidence
    from kneeguard.clinic import assess

    calm = assess({k: v for k, v in {**BASE_ANSWERS, "has_pain": False}.items()
                   if k not in ("onset", "location", "pain_now")})
    assert calm.level == "self-care" and calm.what_to_do[0] == evidence.value("clinic.level.self_care_pain_free")
    assert calm.is_action(calm.what_to_do[0]) and "before the pain" not in " ".join(calm.what_to_do)
    sore = assess({**BASE_ANSWERS, "pain_during_run": 3, "pain_next_morning": 1})
    assert sore.what_to_do[0] == evidence.value("clinic.level.self_care")


def _intervals(events: dict[str, list[int]]):
    """Counting-process rows: per band, one athlete-run per listed event flag (1 = injury), a day at risk each."""
    import pandas as pd

    rows, run = [], 0
    for band, flags in events.items():
        for i, flag in enumerate(flags):
            run += 1
            rows.append({"athlete": f"a{i % 3}", "run_id": run, "band": band, "event": flag,
                         "entry": float(run), "exit": float(run) + 1.0})
    return pd.DataFrame(rows)


def test_a_band_without_injuries_keeps_its_interval_around_its_estimate():
    """`batch cohort` crashed drawing a band with 0 injuries: Wilson's lower bound (~1e-14) sat above the 0 rate."""
    from kneeguard.batch.cohort_stats import incidence_by_band

    table = incidence_by_band(_intervals({"reference": [1, 0, 0, 0], "small": [0] * 6}))  # Wilson: ~1e-17 > 0
    for row in table.itertuples():
        assert row.per_1000_runs_low <= row.per_1000_runs <= row.per_1000_runs_high
        assert row.per_1000_days_low <= row.per_1000_days <= row.per_1000_days_high


def test_hazard_ratios_say_why_there_are_none_instead_of_crashing(monkeypatch):
    """Only the reference band with injuries ('need at least one array to concatenate'), and a Cox fit with a
    singular information matrix (LinAlgError, then statsmodels' ValueError): notes and NaN, not a crash."""
    import math

    import numpy as np
    from statsmodels.duration.hazard_regression import PHReg

    from kneeguard.batch.cohort_stats import hazard_ratios

    table, notes, p = hazard_ratios(_intervals({"reference": [1, 0, 1], "small": [0, 0]}))
    assert table.empty and math.isnan(p) and notes[-1] == ("no injury outside the reference band: no hazard ratio "
                                                           "can be estimated")

    def singular(self, *args, **kwargs):
        raise np.linalg.LinAlgError("Singular matrix") if not kwargs else ValueError("need covariance")

    monkeypatch.setattr(PHReg, "fit", singular)
    table, notes, p = hazard_ratios(_intervals({"reference": [1, 0, 1], "small": [1, 0]}))
    assert table.empty and math.isnan(p) and "the Cox model cannot be fitted" in notes[-1]


def test_out_naming_a_file_is_a_usage_error(tmp_path):
    """`batch load --out afile` and `batch cohort --out afile` ended in 'internal error: FileExistsError'."""
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    for command in (["batch", "load"], ["batch", "cohort"]):
        result = runner.invoke(app, [*command, "--out", str(a_file), "--home", str(tmp_path / "home")],
                               env={"COLUMNS": "400"})
        assert result.exit_code == 2 and "is a file" in result.output and "internal error" not in result.output


def test_activities_limit_and_sport_filter(tmp_path):
    """`activities --limit -1` dropped the oldest row from the table only; `--sport RUNNING` found nothing and
    said nothing."""
    home = str(tmp_path / "home")
    assert runner.invoke(app, ["import", str(RUN), "--home", home]).exit_code == 0
    assert runner.invoke(app, ["activities", "--limit", "-1", "--home", home]).exit_code == 2
    upper = runner.invoke(app, ["activities", "--sport", "RUNNING", "--json", "--home", home])
    assert upper.exit_code == 0 and len(json.loads(upper.stdout)) == 1
    bogus = runner.invoke(app, ["activities", "--sport", "bogus", "--home", home])
    assert "no 'bogus' activities; the sports here: running" in " ".join(bogus.output.split())


def test_a_renamed_athlete_is_not_counted_twice_in_the_dataset(tmp_path):
    """After `athlete set alice --rename alicia`, `batch load` left alice's files beside alicia's: every reader
    counted her runs twice."""
    import pandas as pd

    home, out = str(tmp_path / "home"), tmp_path / "dataset"
    assert runner.invoke(app, ["import", str(RUN), "--athlete", "alice", "--home", home]).exit_code == 0
    load = ["batch", "load", "--out", str(out), "--home", home, "--workers", "0", "--as-of", "2024-01-01", "--json"]
    assert runner.invoke(app, load).exit_code == 0
    assert runner.invoke(app, ["athlete", "set", "alice", "--rename", "alicia", "--home", home]).exit_code == 0
    result = runner.invoke(app, load)
    assert result.exit_code == 0, result.output
    statuses = {r["athlete"]: r["status"] for r in json.loads(result.stdout)}
    assert statuses == {"alice": "removed", "alicia": "written"}
    assert set(pd.read_parquet(out / "daily")["athlete"]) == {"alicia"}
