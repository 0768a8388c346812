"""What every vignette set shares.

The red-flag follow-ups issue #13 added (asked only when an earlier answer makes them relevant) did not
exist when the earlier sets were written and frozen. Their cases describe no such sign, so they are run
with these follow-ups answered "no" where a case leaves them out; a case that names one keeps its answer.
Left out in a real check-in, each still counts as its worse answer (`clinic/unknowns.py`).
"""
from __future__ import annotations

ISSUE_13_FOLLOW_UPS_NO = {"foot_pulse_absent": "no", "weakness_both_legs": False, "knee_injection_recent": False,
                          "skin_wound_knee": False}


def with_follow_ups(answers: dict) -> dict:
    return {**ISSUE_13_FOLLOW_UPS_NO, **answers}


def assert_disagreements_documented(disagreements: list, documented: dict) -> None:
    """Every (case id, expected, got) a vignette set disagrees on is listed with that pair and its decision."""
    for case_id, expected, got in disagreements:
        assert case_id in documented, (case_id, expected, got)
        assert documented[case_id][:2] == (expected, got), case_id
