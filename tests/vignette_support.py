"""What every vignette set shares.

The red-flag follow-ups issue #13 added (asked only when an earlier answer makes them relevant) did not
exist when the earlier sets were written and frozen. Their cases describe no such sign, so they are run
with these follow-ups answered "no" where a case leaves them out; a case that names one keeps its answer.
Left out in a real check-in, each still counts as its worse answer (`clinic/unknowns.py`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

ISSUE_13_FOLLOW_UPS_NO = {"foot_pulse_absent": "no", "weakness_both_legs": False, "knee_injection_recent": False,
                          "skin_wound_knee": False}


def with_follow_ups(answers: dict) -> dict:
    return {**ISSUE_13_FOLLOW_UPS_NO, **answers}


def assert_disagreements_documented(disagreements: list, documented: dict) -> None:
    """Every (case id, expected, got) a vignette set disagrees on is listed with that pair and its decision."""
    for case_id, expected, got in disagreements:
        assert case_id in documented, (case_id, expected, got)
        assert documented[case_id][:2] == (expected, got), case_id


@dataclass(frozen=True)
class FrozenSet:
    """A blinded vignette set as its writer froze it (cases, their sha256 in the header) and the engine's level
    for each case on the set's day: what the blinded sets' tests read."""

    doc: dict
    results: dict[str, str]

    @classmethod
    def load(cls, path: Path, today: dt.date) -> "FrozenSet":
        from kneeguard.clinic import assess

        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(doc, {c["id"]: assess(c["answers"], today=today).level.value for c in doc["cases"]})

    @property
    def cases(self) -> list[dict]:
        return self.doc["cases"]

    def frozen(self, separators: tuple[str, str] | None = None) -> bool:
        """The cases still hash to the header's sha256 (`separators` as the writer's `json.dumps` had them)."""
        canon = json.dumps(self.cases, sort_keys=True, ensure_ascii=False, separators=separators).encode("utf-8")
        return hashlib.sha256(canon).hexdigest() == self.doc["cases_sha256"]

    def figures(self) -> dict:
        """Agreement, under-triage and every disagreement as (case id, expected, got)."""
        from kneeguard.clinic import TriageLevel

        rank = {level.value: level.rank for level in TriageLevel}
        got = self.results
        return {
            "cases": len(self.cases),
            "agreement": sum(got[c["id"]] == c["expected_level"] for c in self.cases) / len(self.cases),
            "under_triage": [(c["id"], c["expected_level"], got[c["id"]]) for c in self.cases
                             if rank[got[c["id"]]] < rank[c["expected_level"]]],
            "disagreements": [(c["id"], c["expected_level"], got[c["id"]]) for c in self.cases
                              if got[c["id"]] != c["expected_level"]],
        }

    def unsourced(self, ambiguity_key: str) -> list[str]:
        """Cases without a source, a description, a known level, or (marked ambiguous) the reason why."""
        from kneeguard.clinic import TriageLevel

        levels = {level.value for level in TriageLevel}
        return [c["id"] for c in self.cases
                if not (c["source"].strip() and c["description"].strip() and c["expected_level"] in levels)
                or (c.get("ambiguous") and not c.get(ambiguity_key, "").strip())]

    def red_flags_at_self_care(self) -> list[str]:
        """Cases naming a red flag, expected above self-care, that the engine sent to self-care."""
        return [c["id"] for c in self.cases if c["expected_red_flags"] and c["expected_level"] != "self-care"
                and self.results[c["id"]] == "self-care"]

