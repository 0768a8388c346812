"""The running part of a plan as the other stages read it, and the registry rule entries it lists."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kneeguard import evidence
from kneeguard.advice.load_reference import LoadReference
from kneeguard.advice.session import Session


WALKING_ONLY = "walk"  # the mode of a plan that walks until walk/run may start
MODE_WORDS = {"walk": "walking only", "return_to_run": "walk/run return", "build": "building up", "stop": "stopped",
              "hold": "held"}


def walk_run_words(phase: dict[str, Any]) -> str:
    """A walk/run phase's repetitions in words: '4 x (walk 2 min + run 3 min)'."""
    return f"{phase['reps']} x (walk {phase['walk_min']} min + run {phase['run_min']} min)"


@dataclass
class RunningPlan:
    mode: str  # "stop" | "walk" (walking only, until walk/run may start) | "return_to_run" | "build" | "hold"
    sessions: list[Session]
    summary: str
    rules: list[dict[str, Any]] = field(default_factory=list)  # {"key", "text"} of the rules applied
    reference_longest_km: float | None = None
    runs_per_week: int = 0
    reason: list[str] = field(default_factory=list)
    reference: LoadReference | None = None  # what the distances were sized from, and why
    includes_running: bool = True  # False: no session of this plan has any running (stop, or walking only)
    brief: str = ""  # the summary shortened for the clinician's two pages ("" = the summary itself)
    long_run_days: frozenset = frozenset()  # the days of the weeks' long runs (strength is kept off their eves)

    @property
    def mode_words(self) -> str:
        """The mode as a person reads it (the CLI and the web plan page)."""
        return MODE_WORDS.get(self.mode, self.mode.replace("_", " "))

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "summary": self.summary, "rules": self.rules,
                "reference": self.reference.to_dict() if self.reference else None,
                "reference_longest_km": None if self.reference_longest_km is None else round(self.reference_longest_km, 2),
                "runs_per_week": self.runs_per_week, "reason": list(self.reason)}


def rule_entry(key: str) -> dict[str, Any]:
    try:
        r = evidence.rule(key)
    except evidence.UnknownEvidence:
        return {"key": key, "text": ""}
    return {"key": r.key, "text": r.summary, "citations": [c.key for c in r.citations]}
