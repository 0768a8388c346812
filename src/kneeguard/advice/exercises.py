"""The exercise library (data in exercises.toml, doses in the evidence registry) and prescriptions.

A `Prescription` is one exercise with a dose for each plan week. Progression
moves one stage a week at most, and only when the pain rules allow it: while
they say *hold*, every week repeats the first stage (the plan is regenerated
after the next check-in, which is when progress resumes).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from kneeguard import evidence
from kneeguard.evidence import Citation

KINDS = ("strength", "warmup", "flexibility")
# With no self-test measured, a minimal programme covering hamstrings, calves and hips/core.
DEFAULT_PROGRAMME = ("single_leg_bridge", "heel_drop_bent", "side_plank")


@dataclass(frozen=True)
class Stage:
    """One week's dose."""

    sets: int
    reps: str
    per_week: int
    added_kg: float = 0.0

    @property
    def load_index(self) -> tuple[int, float, int, float]:
        """Comparable size of a dose: more sets, reps, sessions or added load = more."""
        return (self.sets, _first_number(self.reps) * self.sets, self.per_week, self.added_kg)

    def text(self) -> str:
        per = "before every run" if self.per_week == 0 else f"{self.per_week}x/week"
        extra = f", +{self.added_kg:g} kg" if self.added_kg else ""
        return f"{self.sets} x {self.reps}{extra}, {per}"

    def to_dict(self) -> dict[str, Any]:
        return {"sets": self.sets, "reps": self.reps, "per_week": self.per_week, "added_kg": self.added_kg,
                "text": self.text()}


@dataclass(frozen=True)
class Exercise:
    key: str
    name: str
    kind: str
    targets: tuple[str, ...]
    dose_rule: str
    tempo: str
    instructions: str
    progression: str
    regression: str
    chosen_for: tuple[str, ...]
    evidence: str
    hold_swap: str | None = None

    @property
    def stages(self) -> tuple[Stage, ...]:
        return tuple(Stage(int(s["sets"]), str(s["reps"]), int(s["per_week"]), float(s.get("added_kg", 0)))
                     for s in evidence.value(self.dose_rule))

    @property
    def citations(self) -> tuple[Citation, ...]:
        return evidence.rule(self.dose_rule).citations


@dataclass
class Prescription:
    """An exercise chosen for this athlete, with one dose per plan week."""

    exercise: Exercise
    weekly: list[Stage]
    reason: list[str]  # finding codes that chose it (empty for the default programme)
    why: str
    held: bool = False  # pain rules say hold: no progression in this plan

    @property
    def stage_indices(self) -> list[int]:
        return stage_indices(self.exercise, len(self.weekly), self.held)

    def dose_for_week(self, week: int) -> Stage:
        return self.weekly[min(week, len(self.weekly) - 1)]

    def to_dict(self) -> dict[str, Any]:
        ex = self.exercise
        rule = evidence.rule(ex.dose_rule)
        return {
            "key": ex.key, "name": ex.name, "kind": ex.kind, "targets": list(ex.targets), "tempo": ex.tempo,
            "instructions": ex.instructions, "progression": ex.progression, "regression": ex.regression,
            "pain_rule": pain_rule_text(), "evidence": ex.evidence, "dose_summary": rule.summary,
            "weekly": [s.to_dict() for s in self.weekly], "stage_indices": self.stage_indices, "reason": list(self.reason), "why": self.why,
            "held": self.held, "rule": rule.key, "citations": [c.to_dict() for c in self.citations],
        }

    @property
    def citations(self) -> tuple[Citation, ...]:
        return _unique((*self.exercise.citations, *evidence.rule("advice.pain.acceptable_max").citations))


@lru_cache(maxsize=1)
def library() -> dict[str, Exercise]:
    raw = tomllib.loads(resources.files(__package__).joinpath("exercises.toml").read_text("utf-8"))
    out = {}
    for key, e in raw.items():
        if e["kind"] not in KINDS:
            raise ValueError(f"exercise {key}: unknown kind {e['kind']!r}")
        evidence.rule(e["dose"])  # fail early on a dose missing from the registry
        out[key] = Exercise(key, e["name"], e["kind"], tuple(e["targets"]), e["dose"], e["tempo"],
                            e["instructions"], e["progression"], e["regression"], tuple(e["chosen_for"]),
                            e["evidence"], e.get("hold_swap"))
    return out


def pain_rule_text() -> str:
    ok, safe = evidence.value("advice.pain.acceptable_max"), evidence.value("advice.pain.safe_max")
    morning = evidence.value("advice.pain.morning_settled_max")
    return (f"Pain rule: 0-{safe}/10 during is safe, up to {ok}/10 is acceptable, above {ok}/10 stop. "
            f"By next morning it must be back to {morning}/10 or less and not rising week to week; "
            "otherwise repeat or reduce the dose instead of progressing.")


def stage_indices(exercise: Exercise, weeks: int, hold: bool) -> list[int]:
    """Stage number per week: w in week w (capped at the last stage), or 0 throughout on hold."""
    last = len(exercise.stages) - 1
    return [0 if hold else min(w, last) for w in range(weeks)]


def weekly_stages(exercise: Exercise, weeks: int, hold: bool) -> list[Stage]:
    stages = exercise.stages
    return [stages[i] for i in stage_indices(exercise, weeks, hold)]


def choose(finding_codes: list[str], *, weeks: int, hold: bool, self_tests_measured: bool) -> list[Prescription]:
    """Exercises selected by measured deficits; a labelled default when nothing was measured."""
    lib = library()
    picked: dict[str, list[str]] = {}
    for key, ex in lib.items():
        hits = [c for c in finding_codes if any(c.startswith(p) for p in ex.chosen_for)]
        if hits:
            picked[key] = hits
    out: list[Prescription] = []
    if picked:
        why = "chosen from your measured results"
    elif self_tests_measured:
        why = "maintenance: no deficit was measured, so a minimal programme keeps strength up"
        picked = {k: [] for k in DEFAULT_PROGRAMME}
    else:
        why = ("DEFAULT minimal programme: no self-test results yet, so nothing is tailored "
               "(add heel raises, bridges, knee-to-wall and AKE in `kneeguard checkin`)")
        picked = {k: [] for k in DEFAULT_PROGRAMME}
    for key, reasons in picked.items():
        ex = lib[key]
        note = why
        if hold and ex.hold_swap:
            # Too intense while pain says hold: use the gentler exercise instead.
            note = f"{why}; {ex.name} deferred while pain rules say hold"
            key, ex = ex.hold_swap, lib[ex.hold_swap]
            if any(p.exercise.key == key for p in out) or key in picked:
                continue
        out.append(Prescription(ex, weekly_stages(ex, weeks, hold), reasons, note, held=hold))
    out.append(Prescription(lib["dynamic_warmup"], weekly_stages(lib["dynamic_warmup"], weeks, hold), [],
                            "before every run, for comfort; evidence for warm-ups in runners is missing", held=hold))
    return out


def _first_number(reps: str) -> float:
    digits = ""
    for ch in reps:
        if ch.isdigit() or (ch == "." and digits):
            digits += ch
        elif digits:
            break
    return float(digits) if digits else 0.0


def _unique(citations) -> tuple[Citation, ...]:
    seen: dict[str, Citation] = {}
    for c in citations:
        seen.setdefault(c.key, c)
    return tuple(seen.values())


__all__ = ["DEFAULT_PROGRAMME", "Exercise", "Prescription", "Stage", "choose", "library", "pain_rule_text",
           "weekly_stages"]
