"""The exercise library (data in exercises.toml, doses in the evidence registry) and prescriptions.

A `Prescription` is one exercise with a dose for each plan week and the weeks it is
done in (a programme's phases, the weekly budget). Its stages count from the
exercise's OWN start, not the plan's: the first week it is done is its first stage,
and so is the first week after a week it was left out of (a restart); each further
week in a row moves one stage up. So an exercise that joins in week 6 starts at the
first step of its own progression, never at the stage the plan's week number would
give. Progression happens only when the pain rules allow it: while they say *hold*,
every week repeats the first stage; when they say *step back*, one stage below it
(one set fewer). The plan is regenerated after the next check-in or ticked
session, which is when progress resumes. Which exercises are chosen is
`kneeguard.advice.programme`.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from kneeguard import evidence
from kneeguard.evidence import Citation

KINDS = ("strength", "warmup", "flexibility")
REGIONS = ("hamstrings", "calves", "hip_core", "knee", "none")
HELD_LOADING = "advice.dose.heavy_slow_loading_held"  # the loading rule while the plan holds
LEGS_RULE = "advice.exercise.legs"  # one-leg exercises: both legs, the painful one leading
BODYWEIGHT_START = "advice.dose.bodyweight_start"  # a leg whose self-test is about the dose starts at body weight
PAIN_FREE = "pain_free"  # `Prescription.painful_side` of a runner without pain
# Which leg leads, from the check-in's "Which leg?" answer: (the leg that starts, whose pain sets the dose).
_LEADING_LEG = {"left": ("your painful left leg", "the left leg's"), "right": ("your painful right leg", "the right leg's"),
                "both": ("the more painful leg", "that leg's")}


@dataclass(frozen=True)
class Stage:
    """One week's dose."""

    sets: int
    reps: str
    per_week: int
    added_kg: float = 0.0
    rest_s: int = 0  # rest between sets
    repetition_max: bool = False  # each set at about its repetition maximum (the load, not the reps, rises)

    @property
    def load_index(self) -> tuple[int, float, int, float]:
        """Comparable size of a dose: more sets, reps, sessions or added load = more."""
        return (self.sets, _first_number(self.reps) * self.sets, self.per_week, self.added_kg)

    def text(self, each_leg: bool = False) -> str:
        """The dose in words; `each_leg`: a one-leg exercise, whose sets are done on each leg."""
        per = "before every run" if self.per_week == 0 else f"{self.per_week}x/week"
        extra = f", +{self.added_kg:g} kg" if self.added_kg else ""
        rest = f", rest {_duration(self.rest_s)} between sets" if self.rest_s and self.sets > 1 else ""
        # the repetition maximum in plain words: a runner new to the exercise has no "maximum" to remember
        heavy = f" with a weight you can lift about {self.reps} times" if self.repetition_max else ""
        legs = " each leg" if each_leg else ""
        return f"{self.sets} x {self.reps}{legs}{heavy}{extra}{rest}, {per}"

    def stepped_back(self) -> Stage:
        """One stage below this one: a set fewer (at least one)."""
        return replace(self, sets=max(self.sets - 1, 1))

    def minutes(self, rep_s: float, sides: int) -> int:
        """Whole minutes one session of this dose takes: work on every side, plus the rests that are
        not already spent working the other side."""
        hold = _hold_seconds(self.reps)
        work = hold if hold is not None else _first_number(self.reps) * rep_s
        rest = max(self.rest_s - (sides - 1) * work, 0)
        return math.ceil((self.sets * sides * work + (self.sets - 1) * rest) / 60)

    def to_dict(self, each_leg: bool = False) -> dict[str, Any]:
        return {"sets": self.sets, "reps": self.reps, "per_week": self.per_week, "added_kg": self.added_kg,
                "rest_s": self.rest_s, "repetition_max": self.repetition_max, "text": self.text(each_leg)}


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
    region: str = "none"  # the body region whose weekly sets the budget counts
    rep_s: float = 0.0  # seconds per repetition (holds carry their own length)
    sides: int = 1
    knee_flexion_deg: int = 0  # deepest loaded knee bend
    alfredson: bool = False
    eccentric: bool = False  # an eccentric drill: it never starts in the week of a new longest run
    loading_rule: str | None = None  # registry rule: how heavy each set is and when to add load
    caution: str = ""  # safety text shown wherever the exercise is
    one_leg: bool = False  # done one leg at a time: on both legs, the painful one leading (`legs_text`)
    setup_rule: str | None = None  # registry rule: the set-up in words, where it carries a number
    self_test: str | None = None  # the self-test that is this exercise's movement with body weight (`heel_rise`)
    shorthand: str = ""  # how it is done, for a clinician reading the summary's dose ('~70 % effort, hips down')

    @property
    def stages(self) -> tuple[Stage, ...]:
        heavy = self.loading_rule is not None
        return tuple(Stage(int(s["sets"]), str(s["reps"]), int(s["per_week"]), float(s.get("added_kg", 0)),
                           int(s.get("rest_s", 0)), heavy) for s in evidence.value(self.dose_rule))

    @property
    def loading(self) -> str:
        """The loading rule as shown beside the dose ("" when the exercise has none)."""
        return str(evidence.value(self.loading_rule)) if self.loading_rule else ""

    @property
    def cue(self) -> str:
        """How to do it, as every listing shows it: the set-up (when it has its own rule), the tempo, then the
        safety text."""
        setup = str(evidence.value(self.setup_rule)) if self.setup_rule else ""
        return "; ".join(filter(None, (setup, self.tempo, self.caution)))

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
    active: list[bool] = field(default_factory=list)  # done in plan week w (empty: every week)
    stepped_back: bool = False  # pain rules say step back: one stage below the first
    priority: int = 0  # order the weekly budget keeps items in, lowest first (see advice.programme)
    for_measured_deficit: bool = False  # the library chose it for a deficit you measured (its `chosen_for`)
    left_for_budget: bool = False  # the weekly budget left it out of at least one week (advice.programme)
    painful_side: str | None = None  # the check-in's "Which leg?" (left / right / both), PAIN_FREE, None: not known
    self_test_counts: dict[str, int] = field(default_factory=dict)  # side -> count of the exercise's `self_test`

    @property
    def stage_indices(self) -> list[int]:
        return stage_indices(self.exercise, len(self.weekly), self.held or self.stepped_back, self.active)

    def restage(self) -> None:
        """Recompute the weekly doses from the weeks it is done in (after `active` changed)."""
        self.weekly = weekly_stages(self.exercise, len(self.weekly), self.held, self.stepped_back, self.active)

    @property
    def loading(self) -> str:
        """How heavy, in words: the exercise's loading rule, or, while the pain rules hold or step back (no
        progression in this plan), the rule that keeps the weight, so the plan never says "add load" then."""
        if not self.exercise.loading:
            return ""
        return str(evidence.value(HELD_LOADING)) if self.held or self.stepped_back else self.exercise.loading

    @property
    def legs(self) -> str:
        """Which legs a one-leg exercise is done on, in words ("" for any other exercise)."""
        return legs_text(self.painful_side) if self.exercise.one_leg else ""

    def dose_text(self, week: int) -> str:
        text = self.dose_for_week(week).text(self.exercise.one_leg)
        start = self.bodyweight_start(week)
        return f"{text}. {start}" if start else text

    def dose_dict(self, week: int) -> dict[str, Any]:
        """`week`'s dose as a session lists it (its text with the body-weight start, `dose_text`)."""
        return {**self.dose_for_week(week).to_dict(self.exercise.one_leg), "text": self.dose_text(week)}

    def bodyweight_start(self, week: int) -> str:
        """For a weighted exercise that is its self-test's movement: the legs whose self-test count is about
        `week`'s repetitions or fewer (within the test's noise) start at body weight, since body weight is
        already about their repetition maximum (`advice.dose.bodyweight_start`); "" when no leg is."""
        ex, dose, close = self.exercise, self.dose_for_week(week), self._bodyweight_legs(week)
        if not close:
            return ""
        words = evidence.value(BODYWEIGHT_START)
        legs = f"{next(iter(close)).capitalize()} leg" if len(close) == 1 else "Both legs"
        counts = " and ".join(f"{n} ({side})" if len(close) > 1 else str(n) for side, n in close.items())
        # while the plan holds or steps back, no weight is added at all (HELD_LOADING): said with its end point (read
        # 50: "body weight only to start" gave none)
        text = str(words["text"]) + str(words["held"] if self.held or self.stepped_back else words["add"]) + "."
        return text.format(legs=legs, counts=counts, test=words["test_words"][ex.self_test], reps=dose.reps,
                           sets=dose.sets)

    def _bodyweight_legs(self, week: int) -> dict[str, int]:
        """Side -> self-test count, for the legs that start `week`'s dose at body weight (`bodyweight_start`)."""
        ex, dose = self.exercise, self.dose_for_week(week)
        if not (ex.self_test and ex.loading_rule and dose.repetition_max and self.self_test_counts):
            return {}
        reps = _first_number(dose.reps)
        noise = float(evidence.value(f"clinic.selftest.{ex.self_test}_noise"))
        return {side: n for side, n in self.self_test_counts.items() if n <= reps + noise}

    def brief_dose(self, frequency: bool = True) -> str:
        """The first week's dose in a clinician's shorthand, for the two-page summary: '2 x 15 each leg at a
        15-rep max (right: body weight), 3x/week' (without the sessions a week unless `frequency`). The same
        stage as `starting_dose_text`, fewer words."""
        weeks, week = self.active_weeks, self.first_week or 0
        dose, legs = self.dose_for_week(week), self._bodyweight_legs(week)
        text = f"{dose.sets} x {dose.reps}" + (" each leg" if self.exercise.one_leg else "")
        if dose.repetition_max:
            text += f" at a {dose.reps}-rep max"
        if legs:
            text += f" ({'both' if len(legs) > 1 else next(iter(legs))}: body weight)"
        if dose.added_kg:
            text += f", +{dose.added_kg:g} kg"
        if self.exercise.shorthand:
            text += f" ({self.exercise.shorthand})"
        if weeks and len(weeks) < len(self.weekly):  # the weeks it is in, when not every week (read 13)
            text += f" (week{'s' if len(weeks) > 1 else ''} {_week_span([w + 1 for w in weeks])})"
        return text + (f", {self.brief_frequency}" if frequency else "")

    @property
    def brief_frequency(self) -> str:
        """'3x/week' (or 'before every run'), the first week's sessions in `brief_dose`."""
        dose = self.dose_for_week(self.first_week or 0)
        return "before every run" if dose.per_week == 0 else f"{dose.per_week}x/week"

    @property
    def first_week(self) -> int | None:
        """The plan week (0-based) it starts in; None when it is in no week."""
        return next(iter(self.active_weeks), None)

    def starting_dose_text(self, with_loading: bool = True) -> str:
        """Its dose in the first week it is done (the first stage of its own progression), the weeks it is done
        in when not every week, and its loading rule: what the programme table shows."""
        weeks = self.active_weeks
        dose = self.dose_text(weeks[0] if weeks else 0)
        if weeks and len(weeks) < len(self.weekly):
            dose += f" (week{'s' if len(weeks) > 1 else ''} " + ", ".join(str(w + 1) for w in weeks) + ")"
        return dose + (f". {self.loading}" if self.loading and with_loading else "")

    def dose_for_week(self, week: int) -> Stage:
        return self.weekly[min(week, len(self.weekly) - 1)]

    def is_active(self, week: int) -> bool:
        return not self.active or self.active[min(week, len(self.active) - 1)]

    @property
    def active_weeks(self) -> list[int]:
        return [w for w in range(len(self.weekly)) if self.is_active(w)]

    def minutes(self, week: int) -> int:
        """Minutes of one session in `week`."""
        return self.dose_for_week(week).minutes(self.exercise.rep_s, self.exercise.sides)

    def weekly_minutes(self, week: int) -> int:
        """Minutes in `week` (0 when not done that week; warm-ups belong to the runs)."""
        if not self.is_active(week) or self.exercise.kind == "warmup":
            return 0
        return self.minutes(week) * self.dose_for_week(week).per_week

    def weekly_sets(self, week: int) -> int:
        """Strength sets in `week`, counted against the region's budget."""
        if not self.is_active(week) or self.exercise.kind != "strength":
            return 0
        dose = self.dose_for_week(week)
        return dose.sets * dose.per_week

    def to_dict(self) -> dict[str, Any]:
        ex = self.exercise
        rule = evidence.rule(ex.dose_rule)
        return {
            "key": ex.key, "name": ex.name, "kind": ex.kind, "targets": list(ex.targets), "tempo": ex.tempo,
            "instructions": ex.instructions, "caution": ex.caution, "loading": self.loading, "legs": self.legs,
            "progression": ex.progression, "regression": ex.regression,
            "pain_rule": pain_rule_text(), "evidence": ex.evidence, "dose_summary": rule.summary,
            "weekly": [self.dose_dict(w) for w in range(len(self.weekly))], "stage_indices": self.stage_indices, "reason": list(self.reason), "why": self.why,
            "held": self.held, "stepped_back": self.stepped_back, "region": ex.region,
            "active_weeks": [w + 1 for w in self.active_weeks],
            "minutes_per_session": [self.minutes(w) for w in range(len(self.weekly))],
            "rule": rule.key, "citations": [c.to_dict() for c in self.citations],
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
        if e["region"] not in REGIONS:
            raise ValueError(f"exercise {key}: unknown region {e['region']!r}")
        out[key] = Exercise(key, e["name"], e["kind"], tuple(e["targets"]), e["dose"], e["tempo"],
                            e["instructions"], e["progression"], e["regression"], tuple(e["chosen_for"]),
                            e["evidence"], e.get("hold_swap"), e["region"], float(e["rep_s"]), int(e["sides"]),
                            int(e["knee_flexion_deg"]), bool(e.get("alfredson", False)),
                            bool(e.get("eccentric", False)), e.get("loading"), e.get("caution", ""),
                            bool(e.get("one_leg", False)), e.get("setup"), e.get("self_test"), e.get("shorthand", ""))
        for rule in (out[key].loading_rule, out[key].setup_rule):
            if rule:
                evidence.rule(rule)  # fail early on a rule missing from the registry
        if out[key].self_test:
            evidence.rule(f"clinic.selftest.{out[key].self_test}_noise")  # the margin of "about the dose"
    return out


def legs_text(painful_side: str | None) -> str:
    """The one-leg exercises' rule (`advice.exercise.legs`) for this runner: both legs, the painful one first,
    its pain and effort setting the dose; without a known side, "the painful leg"; `PAIN_FREE`: the same on both."""
    words = evidence.value(LEGS_RULE)
    if painful_side == PAIN_FREE:
        return str(words["pain_free"])
    leg, whose = _LEADING_LEG.get(painful_side or "", ("the painful leg", "its"))
    return str(words["painful"]).format(leg=leg, whose=whose)


def self_test_counts(exercise: Exercise, answers: dict[str, Any]) -> dict[str, int]:
    """The check-in's counts of `exercise`'s own self-test, by side (empty when it has none or none was done)."""
    if not exercise.self_test:
        return {}
    counts = {side: answers.get(f"{exercise.self_test}_{side}") for side in ("left", "right")}
    return {side: int(n) for side, n in counts.items() if isinstance(n, (int, float)) and not isinstance(n, bool)}


def pain_rule_text(walking_only: bool = False) -> str:
    """The pain rule as every session shows it: the one rule of `kneeguard.pain_rule`, in its words (`walking_only`:
    as a plan that walks only says it, its own limit first)."""
    from kneeguard import pain_rule

    return "Pain rule: " + pain_rule.describe(walking_only)


def stage_indices(exercise: Exercise, weeks: int, hold: bool, active: list[bool] | None = None) -> list[int]:
    """Stage number per plan week, counted from the exercise's own start (`active[w]`: done in week w; empty
    or None: every week). The first week it is done is stage 0, each following week in a row one more (capped
    at the last stage); after a week it is left out of, it restarts at 0. A week it is not done holds the stage
    it would (re)start at, 0. On hold, 0 throughout."""
    last = len(exercise.stages) - 1
    out: list[int] = []
    done_before = 0  # weeks in a row it has been done up to the week before
    for w in range(weeks):
        if not active or active[min(w, len(active) - 1)]:
            out.append(0 if hold else min(done_before, last))
            done_before += 1
        else:
            out.append(0)
            done_before = 0
    return out


def weekly_stages(exercise: Exercise, weeks: int, hold: bool, step_back: bool = False,
                  active: list[bool] | None = None) -> list[Stage]:
    """The dose per plan week from the exercise's own start (`stage_indices`); stepping back repeats one stage
    below the first."""
    stages = exercise.stages
    if step_back:
        return [stages[0].stepped_back()] * weeks
    return [stages[i] for i in stage_indices(exercise, weeks, hold, active)]


def _week_span(weeks: list[int]) -> str:
    """'3-6' for consecutive weeks, '2, 4, 6' otherwise."""
    consecutive = weeks == list(range(weeks[0], weeks[-1] + 1))
    return f"{weeks[0]}-{weeks[-1]}" if consecutive and len(weeks) > 2 else ", ".join(map(str, weeks))


def _first_number(reps: str) -> float:
    digits = ""
    for ch in reps:
        if ch.isdigit() or (ch == "." and digits):
            digits += ch
        elif digits:
            break
    return float(digits) if digits else 0.0


def _hold_seconds(reps: str) -> float | None:
    """Seconds of a hold written like "45 s"; None for counted repetitions."""
    text = reps.strip()
    return _first_number(text) if text.endswith(" s") else None


def _duration(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def _unique(citations) -> tuple[Citation, ...]:
    seen: dict[str, Citation] = {}
    for c in citations:
        seen.setdefault(c.key, c)
    return tuple(seen.values())


__all__ = ["Exercise", "Prescription", "Stage", "legs_text", "library", "pain_rule_text", "weekly_stages"]
