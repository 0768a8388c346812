"""GaitSummary: one typed, one-shape record of an analysed clip that still reads the shapes stored before."""
from __future__ import annotations

import datetime as dt

import pytest

from kneeguard.findings import Finding, Severity
from kneeguard.gait.compare import compare_summaries, is_gait_summary
from kneeguard.gait.summary import GaitSummary

FINDING = {"code": "gait.overstride", "severity": "moderate", "title": "Your foot lands well ahead of your hip",
           "measured": 16.0, "threshold": 8, "unit": "% leg length", "rule": "gait.overstride.warn_pct_leg",
           "citations": [], "domain": "gait"}
BLOCK = {"view": "side", "n_steps": 18, "fps": 60.0, "cadence_spm": 162.0, "overstride_pct_leg": 16.0,
         "quality": 0.8, "left": {"cadence_spm": 161.0}, "right": {"cadence_spm": 163.0},
         "uncertainty": {"cadence_spm": "±1 %"}}
# What `outputs.build_summary` stored until now: headline metrics at the top level AND nested under "summary".
OLD_DOUBLE = {**BLOCK, "athlete": "ana", "recorded_at": "2025-05-01T10:00:00+02:00", "source": "clip.mp4",
              "video": {"fps": 60.0}, "direction": 1, "summary": dict(BLOCK), "findings": [FINDING],
              "warnings": ["only 18 steps"], "events": [], "steps": [{"side": "left", "cadence_spm": 161.0}],
              "outputs_id": "abc", "session_id": 7}
OLD_NESTED_ONLY = {"view": "side", "summary": dict(BLOCK), "findings": [FINDING]}


def test_old_stored_shapes_are_read():
    for old in (OLD_DOUBLE, OLD_NESTED_ONLY):
        s = GaitSummary.from_dict(old)
        assert (s.view, s.n_steps, s.cadence_spm, s.overstride_pct_leg, s.quality) == ("side", 18, 162.0, 16.0, 0.8)
        assert s.value("cadence_spm", "left") == 161.0 and s.uncertainty["cadence_spm"] == "±1 %"
        # stored as moderate; read back low: the overstride band is not injury-based (capped in `Finding`)
        assert isinstance(s.findings[0], Finding) and s.findings[0].severity == Severity.LOW
        assert s.findings[0].rule.key == "gait.overstride.warn_pct_leg"
    s = GaitSummary.from_dict(OLD_DOUBLE)
    assert (s.session_id, s.outputs_id, s.recorded_date) == (7, "abc", dt.date(2025, 5, 1))


def test_one_shape_round_trips_without_duplication():
    stored = GaitSummary.from_dict(OLD_DOUBLE).to_dict()
    assert "summary" not in stored and stored["cadence_spm"] == 162.0 and stored["findings"][0]["code"] == "gait.overstride"
    again = GaitSummary.from_dict(stored)
    assert again.to_dict() == stored


def test_compare_reads_old_and_new_shapes_alike():
    old, new = GaitSummary.from_dict(OLD_NESTED_ONLY), GaitSummary.from_dict(GaitSummary.from_dict(OLD_DOUBLE).to_dict())
    rows = {r["key"]: r for r in compare_summaries(old, new)}
    assert rows["cadence_spm"]["change"] == 0 and rows["n_steps"]["before"] == 18
    assert is_gait_summary(OLD_NESTED_ONLY) and is_gait_summary(OLD_DOUBLE) and not is_gait_summary({"x": 1})


def test_from_report_keeps_headline_findings_and_provenance():
    from kneeguard.gait.analysis import analyze_gait
    from tests.gait_synth import RunModel

    report = analyze_gait(RunModel(fps=60, duration_s=8).series(seed=1), height_cm=180)
    s = GaitSummary.from_report(report, athlete="ana", source="clip.mp4", extra_warnings=["30 fps is low"])
    assert s.cadence_spm == pytest.approx(report.summary["cadence_spm"]) and s.n_steps == report.summary["n_steps"]
    assert s.findings == report.findings and s.athlete == "ana" and s.steps
    assert s.warnings[:len(report.warnings)] == report.warnings
