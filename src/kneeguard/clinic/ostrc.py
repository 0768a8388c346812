"""OSTRC Overuse Injury Questionnaire (OSTRC-O 1.0, Clarsen 2013): severity 0-100 and 'substantial problem'.

Point values (Q1 and Q4 0/8/17/25, Q2 and Q3 0/6/13/19/25) and the substantial-problem
options live in the evidence registry (`clinic.ostrc.*`). They were verified against the
OSTRC's own implementation (ostRc R package, Bache-Mathiesen & Clarsen: its tests accept
only "the classic 0, 8, 17, 25 or 0, 6, 13, 19, 25 values"; version 1.0 substantial = Q2 or
Q3 >= 13); the 2013 paper's figure itself was not available to re-read.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from kneeguard import evidence

QUESTIONS = ("ostrc_q1", "ostrc_q2", "ostrc_q3", "ostrc_q4")


@dataclass(frozen=True)
class OstrcScore:
    severity: int
    substantial: bool
    answers: dict[str, str]

    def value_words(self) -> str:
        """The score and its substantial-problem flag: '28/100' or '61/100, a substantial problem'."""
        return f"{self.severity}/100" + (", a substantial problem" if self.substantial else "")

    def words(self) -> str:
        """The score as a runner reads it: what 0 and 100 mean, and the substantial-problem flag."""
        return (f"OSTRC severity {self.value_words()} (how much the knee affects your running: 0 not at all, "
                "100 unable to run)")

    def to_dict(self) -> dict[str, Any]:
        points = evidence.rule("clinic.ostrc.points")
        substantial = evidence.rule("clinic.ostrc.substantial")
        return {
            "severity": self.severity,
            "max": 100,
            "substantial_problem": self.substantial,
            "answers": self.answers,
            "definition": substantial.summary,
            "verification": points.summary,
            "citations": [c.to_dict() for c in dict.fromkeys((*points.citations, *substantial.citations))],
        }


def score_ostrc(answers: Mapping[str, Any]) -> OstrcScore | None:
    """None unless all four OSTRC answers are present (validation enforces all-or-none)."""
    if any(answers.get(q) is None for q in QUESTIONS):
        return None
    from kneeguard.clinic.engine import load_questionnaire

    qn = load_questionnaire()
    points = evidence.value("clinic.ostrc.points")
    substantial_options = evidence.value("clinic.ostrc.substantial")
    total, substantial = 0, False
    for number, qid in enumerate(QUESTIONS, start=1):
        index = qn.by_id[qid].values.index(answers[qid])
        total += points[f"q{number}"][index]
        substantial |= index in substantial_options.get(f"q{number}", [])
    return OstrcScore(total, substantial, {q: answers[q] for q in QUESTIONS})
