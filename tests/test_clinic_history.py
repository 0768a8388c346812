"""Check-in history (database, partial interview on disk) and trend findings."""
from __future__ import annotations

import datetime as dt

from kneeguard.advice.checkins import load_checkins, save_checkin
from kneeguard.cli.checkin_partial import athlete_dir, clear_partial, load_partial, save_partial
from kneeguard.clinic.history import CheckinRecord, consecutive_ostrc_substantial, trend_findings

D = dt.date(2026, 3, 2)
SUBSTANTIAL = {"ostrc_q1": "reduced", "ostrc_q2": "moderate", "ostrc_q3": "minor", "ostrc_q4": "mild"}


def rec(days: int, **answers) -> CheckinRecord:
    return CheckinRecord(D + dt.timedelta(days=days), {"has_pain": True, **answers})


def test_save_load_and_partial_round_trip(tmp_path):
    save_checkin(rec(7, pain_now=3), "Ana B.", tmp_path)
    save_checkin(rec(0, pain_now=2), "Ana B.", tmp_path)
    assert [r.answers["pain_now"] for r in load_checkins("Ana B.", tmp_path)] == [2, 3]  # by check-in date
    assert load_checkins("nobody yet", tmp_path) == []
    assert not list(tmp_path.glob("checkins/**/*T*.json"))  # completed check-ins go to the database
    assert load_partial("Ana B.", tmp_path) is None
    save_partial({"age": 30}, "Ana B.", tmp_path)
    assert load_partial("Ana B.", tmp_path) == {"age": 30}
    clear_partial("Ana B.", tmp_path)
    assert load_partial("Ana B.", tmp_path) is None
    assert athlete_dir("../etc", tmp_path).parent == tmp_path / "checkins"


def test_worse_over_two_weeks_and_morning_baseline():
    records = [rec(0, pain_now=2, pain_next_morning=1), rec(7, pain_now=3, pain_next_morning=1),
               rec(14, pain_now=5, pain_next_morning=3)]
    codes = {f.code for f in trend_findings(records)}
    assert codes == {"clinic.worse_over_two_weeks", "clinic.morning_pain_above_baseline"}
    steady = [rec(0, pain_now=3, pain_next_morning=1), rec(14, pain_now=4, pain_next_morning=1)]
    assert trend_findings(steady) == []


def test_ostrc_substantial_weeks():
    records = [rec(0, **SUBSTANTIAL), rec(7, **SUBSTANTIAL)]
    assert consecutive_ostrc_substantial(records) == 2
    finding = trend_findings(records)[0]
    assert finding.code == "clinic.ostrc_substantial" and finding.severity.value == "high"
    assert consecutive_ostrc_substantial([rec(0, **SUBSTANTIAL), rec(40, **SUBSTANTIAL)]) == 1
    assert consecutive_ostrc_substantial([rec(0, **{**SUBSTANTIAL, "ostrc_q2": "none", "ostrc_q3": "none"})]) == 0


def test_morning_pain_back_in_the_settled_band_is_not_a_finding():
    # issue 12: the plan says next-morning pain must be back to 2/10 or less, so 2/10 after a 1/10
    # baseline keeps the rule and is no finding (it was MODERATE, justified by a 1-point change).
    records = [rec(0, pain_next_morning=1), rec(7, pain_next_morning=1), rec(14, pain_next_morning=2)]
    assert "clinic.morning_pain_above_baseline" not in {f.code for f in trend_findings(records)}


def test_morning_rise_uses_the_plan_rule_and_its_severity():
    from kneeguard import evidence
    from kneeguard.pain_rule import LoadDecision, decision_severity, morning_decision

    change = evidence.rule("clinic.trend.pain_change")
    assert change.value == 2 and {c.key for c in change.citations} >= {"salaffi2004", "farrar2001"}
    # a rise below the minimal important change is noise, even when the morning is not settled
    assert trend_findings([rec(0, pain_next_morning=2), rec(7, pain_next_morning=3)]) == []
    rising = [rec(0, pain_next_morning=1), rec(7, pain_next_morning=3)]
    (finding,) = [f for f in trend_findings(rising) if f.code == "clinic.morning_pain_above_baseline"]
    decision = morning_decision(3, baseline=1)
    assert decision is LoadDecision.STEP_BACK
    assert finding.severity is decision_severity(decision)
    assert finding.rule.key == "clinic.trend.pain_change" and finding.threshold == 1 + change.value
