"""The self-test definitions: every question grouped once, instructions present, norms from the registry."""
from __future__ import annotations

import datetime as dt

from kneeguard import evidence
from kneeguard.clinic import load_questionnaire
from kneeguard.clinic.history import CheckinRecord
from kneeguard.clinic.selftests import latest_results, load_selftests, results_by_test


def test_every_selftest_question_belongs_to_exactly_one_test():
    grouped = [q.id for t in load_selftests() for q in t.questions]
    section = [q.id for q in load_questionnaire().questions if q.section == "selftests"]
    assert sorted(grouped) == sorted(section) and len(grouped) == len(set(grouped))


def test_each_test_has_instructions_and_cited_norms():
    for test in load_selftests():
        assert test.instructions, test.id
        assert test.norms, test.id
        for rule in test.norms:
            assert rule.citations, rule.key
            assert evidence.rule(rule.key) is rule


def test_latest_result_per_question_and_its_findings():
    records = [CheckinRecord(dt.date(2026, 1, 5), {"heel_rise_left": 10, "heel_rise_right": 30, "bridge_left": 25}),
               CheckinRecord(dt.date(2026, 2, 5), {"heel_rise_left": 28, "pain_now": 2})]
    latest = latest_results(records)
    assert latest["heel_rise_left"] == (28, dt.date(2026, 2, 5)) and "pain_now" not in latest
    by_test = {r["test"].id: r for r in results_by_test(records, "male")}
    assert [f["code"] for f in by_test["heel_rise"]["findings"]] == []  # 28 and 30: above the median, within noise
    assert by_test["bridge"]["findings"] == [] and by_test["plank"]["values"] == []
    low = {r["test"].id: r for r in results_by_test([CheckinRecord(dt.date(2026, 1, 5), {"bridge_right": 12})], None)}
    assert [f["code"] for f in low["bridge"]["findings"]] == ["clinic.bridge_poor.right"]
