"""One dated entry of the personal plan (what the calendar and the report show)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kneeguard.evidence import Citation

# Every kind of plan session, in the order one day lists them (the one list: report, web and calendar read it).
# "walk": walking only (no running at all), its own kind so that it never reads as a walk/run step;
# "check_in": the re-check that decides a held plan's later weeks (`advice.recheck`).
SESSION_KINDS = ("see_professional", "run", "walk_run", "walk", "strength", "mobility", "film", "check_in", "rest")
RUNNING_KINDS = ("run", "walk_run")
# Each kind as a person reads it (the CLI's table; the web and the report show titles and use kinds for styling).
KIND_WORDS = {"see_professional": "see a professional", "run": "run", "walk_run": "walk/run", "walk": "walk",
              "strength": "strength", "mobility": "mobility", "film": "film", "check_in": "re-check", "rest": "rest"}


@dataclass
class Session:
    date: dt.date
    kind: str
    title: str
    details: str
    duration_min: float | None = None
    distance_km: float | None = None
    target_cadence_spm: int | None = None
    metronome_min: int | None = None  # minutes of this run at the target cadence (the rest at the usual one)
    reason: list[str] = field(default_factory=list)  # finding / rule codes behind it
    citations: list[Citation] = field(default_factory=list)
    rpe_max: int | None = None
    phase: str | None = None  # return-to-run phase name
    exercises: list[dict[str, Any]] = field(default_factory=list)  # strength: name + this week's dose
    pain_rule: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SESSION_KINDS:
            raise ValueError(f"unknown session kind {self.kind!r}")

    @property
    def kind_words(self) -> str:
        return KIND_WORDS[self.kind]

    @property
    def is_running(self) -> bool:
        return self.kind in RUNNING_KINDS

    @property
    def cadence_text(self) -> str:
        """The metronome dose as every view shows it: '176 bpm for 10 min' ('' without one); the beat alone
        would read as the whole run's step rate."""
        if not self.target_cadence_spm:
            return ""
        return f"{self.target_cadence_spm} bpm" + (f" for {self.metronome_min} min" if self.metronome_min else "")

    @property
    def metronome_sentence(self) -> str:
        """The metronome dose as a sentence ('' without one). Its one owner: `details` carry only the step
        rate's pain cue, so a view that shows the details and the dose says the dose once."""
        return f"Metronome: {self.cadence_text} of this run." if self.cadence_text else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(), "kind": self.kind, "title": self.title, "details": self.details,
            "duration_min": _round(self.duration_min), "distance_km": _round(self.distance_km),
            "target_cadence_spm": self.target_cadence_spm,
            "metronome_min": self.metronome_min, "rpe_max": self.rpe_max, "phase": self.phase,
            "exercises": self.exercises, "reason": list(self.reason), "pain_rule": self.pain_rule,
            "citations": [c.to_dict() for c in self.citations],
        }


def unique_citations(*groups) -> list[Citation]:
    seen: dict[str, Citation] = {}
    for group in groups:
        for c in group:
            seen.setdefault(c.key, c)
    return list(seen.values())


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


@dataclass
class Recommendation:
    """One piece of advice outside the calendar (footwear, when to see a professional...)."""

    domain: str
    title: str
    text: str
    reason: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    condition: str = ""  # when it applies, in the text's own words ('' = always): a shortened view keeps it
    bring: str = ""  # what to bring to a visit ("Bring: ..."), the end of `text`: the clinician summary leaves it out
    data_not_confirmed: bool = False  # from the profile's shoes or video while the check-in disagrees with it ('‡')

    @property
    def text_without_bring(self) -> str:
        return self.text.removesuffix(f" {self.bring}") if self.bring else self.text

    @classmethod
    def with_bring(cls, domain: str, title: str, text: str, bring: str, *args: Any, **kwargs: Any) -> "Recommendation":
        """`text` followed by `bring`, which stays known as its own part."""
        return cls(domain, title, f"{text} {bring}", *args, bring=bring, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "title": self.title, "text": self.text, "reason": list(self.reason),
                "citations": [c.to_dict() for c in self.citations], "condition": self.condition,
                "data_not_confirmed": self.data_not_confirmed}
