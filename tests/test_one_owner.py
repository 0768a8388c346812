"""One value, one owner (issue 11): thresholds that had a second definition now have one."""
from __future__ import annotations

from kneeguard import evidence
from kneeguard.advice.footwear import footwear_advice


def _gait_assessment_reasons(answers: dict) -> list[str]:
    advice = footwear_advice([], [], None, answers)
    return next(r for r in advice if r.domain == "gait_assessment").reason


def test_not_improving_follows_the_triage_rule_it_cites():
    weeks = int(evidence.value("clinic.triage.not_improving"))
    assert weeks == 2
    assert "clinic.triage.not_improving" in _gait_assessment_reasons({"trend": "same", "duration_weeks": weeks})
    assert "clinic.triage.not_improving" in _gait_assessment_reasons({"trend": "worse", "reduced_load_weeks": weeks})
    assert "clinic.triage.not_improving" not in _gait_assessment_reasons({"trend": "same", "duration_weeks": weeks - 1})
    assert "clinic.triage.not_improving" not in _gait_assessment_reasons({"trend": "better", "duration_weeks": 9})


def test_the_acceptable_pain_line_has_one_registry_key():
    """5/10 lives only in `advice.pain.acceptable_max`: triage reads it there, the pain chart draws it."""
    from kneeguard.clinic.conditions import referenced_rules
    from kneeguard.clinic.triage import triage_rules

    line = evidence.value("advice.pain.acceptable_max")
    pain_rules = {k for k, r in evidence.all_rules().items() if r.value == line and "0-10" in r.unit}
    assert pain_rules == {"advice.pain.acceptable_max"}
    above_band = next(r for r in triage_rules() if r.id == "pain_above_band")
    assert set(referenced_rules(above_band.when)) == {"advice.pain.acceptable_max"}
    assert above_band.level == "routine"


def _override(monkeypatch, **values):
    """Registry values replaced for one test (keys with '__' for '.'), to show who reads them."""
    real = evidence.value
    wanted = {k.replace("__", "."): v for k, v in values.items()}
    monkeypatch.setattr(evidence, "value", lambda key: wanted[key] if key in wanted else real(key))


def test_spike_window_is_read_from_the_registry_by_load_and_plan(monkeypatch):
    import datetime as dt

    from kneeguard.advice.running import longest_before
    from kneeguard.load.spike import spike_for_distances

    _override(monkeypatch, load__spike__window_days=10)
    day = dt.date(2025, 1, 11)
    assert longest_before(day, [(dt.date(2025, 1, 1), 10.0)]) == 10.0
    assert longest_before(day, [(dt.date(2024, 12, 31), 10.0)]) is None
    table = spike_for_distances(["2025-01-01T08:00Z", "2025-01-12T08:00Z"], [10_000.0, 10_000.0])
    assert table["spike_band"].tolist()[-1] == "return_after_break"


def test_plan_length_is_read_from_the_registry(monkeypatch):
    import pytest

    from kneeguard.plan_length import check_plan_weeks

    assert check_plan_weeks(4) == 4 and check_plan_weeks(8) == 8
    with pytest.raises(ValueError, match="between 4 and 8 weeks"):
        check_plan_weeks(9)
    _override(monkeypatch, advice__plan__weeks=[2, 3])
    assert check_plan_weeks(2) == 2
    with pytest.raises(ValueError):
        check_plan_weeks(4)


# Literals that once duplicated a registry value, with the file that held them: each now reads its owner.
REMOVED_DOUBLES = {
    "advice/running.py": ("start < d < day", "days < window_days()", "days <= window_days()", "<= 28", "3 <= p <= 15"),
    "advice/context.py": (".days < 30",),
    "advice/footwear.py": ('"duration_weeks") or 0) >= 3',),
    "load/analysis.py": ("today - 30",),
    "load/findings.py": ('evidence.value("load.spike.window_days")',),
    "report/charts.py": ("axhline(5,", "Dotted line: 5/10"),
    "advice/engine.py": ("MIN_WEEKS, MAX_WEEKS = 4, 8",),
    "web/advice_view.py": ("4 <= weeks <= 8",),
    "web/report_pages.py": ("4 <= weeks <= 8",),
    "cli/plan_cmd.py": ("4 <= weeks <= 8", "(4-8)"),
    "cli/report_cmd.py": ("min=4, max=8",),
    "load/plot.py": ("spike 10-30 %", "spike 30-100 %"),
}


def test_removed_doubles_stay_removed():
    from pathlib import Path

    import kneeguard

    root = Path(kneeguard.__file__).parent
    found = {(name, literal) for name, literals in REMOVED_DOUBLES.items() if (root / name).exists()
             for literal in literals if literal in (root / name).read_text("utf-8")}
    assert not found, f"a registry value is duplicated as a literal again: {sorted(found)}"
