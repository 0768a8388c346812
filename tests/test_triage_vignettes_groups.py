"""Special-group and unknown-escalation vignettes (tests/data/vignettes_groups.json, issue #13).

Each case cites its published source; expected levels (and the surgeon route where the source puts the
surgeon first) were written and committed before the engine was run on any case. Never edit a case to
agree: a disagreement is a rule to fix or is documented below with the reason.
Run `python -m tests.test_triage_vignettes_groups` for the figures recorded in docs/triage.md.
"""
from __future__ import annotations

from tests.vignette_support import with_follow_ups

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from kneeguard.clinic import TriageLevel, assess, load_questionnaire

DATA = Path(__file__).parent / "data" / "vignettes_groups.json"
DOC = json.loads(DATA.read_text(encoding="utf-8"))
CASES = DOC["cases"]
TODAY = dt.date(2026, 5, 4)
KNOWN = set(load_questionnaire().by_id)
# Cases that need a general question the QUESTIONS half of issue #13 adds run once it is merged.
RUNNABLE = [c for c in CASES if set(c.get("needs_questions", [])) <= KNOWN]
DOCUMENTED_DISAGREEMENTS: dict[str, tuple[str, str, str]] = {}


def run(case: dict) -> dict:
    result = assess(with_follow_ups(case["answers"]), history=[], today=TODAY).to_dict()
    assert result["validation"]["errors"] == [] and result["validation"]["contradictions"] == [], case["id"]
    return result


RESULTS = {c["id"]: run(c) for c in RUNNABLE}


def figures() -> dict:
    rank = lambda level: TriageLevel(level).rank  # noqa: E731
    got = {c["id"]: RESULTS[c["id"]]["level"] for c in RUNNABLE}
    return {
        "n": len(CASES), "run": len(RUNNABLE),
        "exact": sum(got[c["id"]] == c["expected_level"] for c in RUNNABLE),
        "under_triage": [c["id"] for c in RUNNABLE if rank(got[c["id"]]) < rank(c["expected_level"])],
        "over_triage": [c["id"] for c in RUNNABLE if rank(got[c["id"]]) > rank(c["expected_level"])],
        "route_agreement": sum(("surgeon" in RESULTS[c["id"]]["routes"]) == (c.get("expected_route") == "surgeon")
                               for c in RUNNABLE),
        "disagreements": [(c["id"], c["expected_level"], got[c["id"]]) for c in RUNNABLE if got[c["id"]] != c["expected_level"]],
    }


def test_cases_are_frozen_sourced_and_enough():
    canon = json.dumps(CASES, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert hashlib.sha256(canon).hexdigest() == DOC["cases_sha256"], "a case was edited after it was written"
    assert len(CASES) >= 15 and len({c["id"] for c in CASES}) == len(CASES)
    for c in CASES:
        assert c["source"].strip() and c["description"].strip() and c["expected_level"] in DOC["levels"], c["id"]


@pytest.mark.parametrize("case", RUNNABLE, ids=[c["id"] for c in RUNNABLE])
def test_no_under_triage(case):
    assert TriageLevel(RESULTS[case["id"]]["level"]).rank >= TriageLevel(case["expected_level"]).rank


@pytest.mark.parametrize("case", RUNNABLE, ids=[c["id"] for c in RUNNABLE])
def test_surgeon_route_where_the_source_puts_the_surgeon_first(case):
    assert ("surgeon" in RESULTS[case["id"]]["routes"]) == (case.get("expected_route") == "surgeon")


def test_every_disagreement_is_documented():
    for case_id, expected, got in figures()["disagreements"]:
        assert DOCUMENTED_DISAGREEMENTS.get(case_id, ())[:2] == (expected, got), (case_id, expected, got)


def test_a_replaced_knee_lists_no_impossible_causes():
    for c in RUNNABLE:
        if "total_knee_replacement" in c["answers"].get("surgery", []):
            assert not {"meniscus", "knee_oa"} & {p["id"] for p in RESULTS[c["id"]]["possible_causes"]}, c["id"]


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(figures(), indent=1))
