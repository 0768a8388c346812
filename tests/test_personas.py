"""Persona suite (issue 12, Quality): each runner of `tests/personas.py`, written from a published case or
guideline scenario (its `source`), gets a plan through the public API, and the plan holds the safety
properties the persona names.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest

from kneeguard import evidence
from kneeguard.advice import advise
from kneeguard.advice.engine import PROFESSIONAL_TITLES, Advice
from kneeguard.clinic.levels import TriageLevel
from kneeguard.load.spike import in_reference_window
from tests.advice_support import AS_OF
from tests.personas import PERSONAS, Persona

WEEKS = 4
ROUNDING_KM = 0.05  # planned distances are shown to 0.1 km
DEEP_LOADED_FLEXION = ("squat", "lunge", "kneel", "pistol")  # exercise keys that load a deeply bent knee
ECCENTRIC_CALF_DRILLS = ("heel_drop_straight", "heel_drop_bent")  # Alfredson-style drills


def spike_cap() -> float:
    return 1.0 + float(evidence.value("load.spike.small"))


def run_sessions(advice: Advice, days: int | None = None):
    last = advice.start + dt.timedelta(days=days) if days is not None else advice.end + dt.timedelta(days=1)
    return [s for s in advice.days if s.is_running and s.date < last]


def past_runs(persona: Persona) -> list[tuple[dt.date, float]]:
    return [(AS_OF - dt.timedelta(days=d), km) for d, km in persona.runs]


def week_totals(advice: Advice, attr: str) -> list[float]:
    return [sum(getattr(s, attr) or 0 for s in advice.week(i) if s.is_running) for i in range(advice.weeks)]


# --- properties -------------------------------------------------------------------------------


def not_a_diagnosis(p: Persona, advice: Advice) -> None:
    assert "not a diagnosis" in advice.disclaimer
    assert "not a diagnosis" in json.dumps(advice.to_dict())


def no_running(p: Persona, advice: Advice) -> None:
    """Red flags: no run, no exercise; the first day is the professional visit."""
    assert advice.pain.stop and advice.running.mode == "stop"
    assert not run_sessions(advice) and not advice.strength
    first = [s for s in advice.days if s.date == advice.start]
    assert any(s.kind == "see_professional" for s in first)


def urgent_or_emergency(p: Persona, advice: Advice) -> None:
    assert advice.banner.level in (TriageLevel.URGENT, TriageLevel.EMERGENCY)


def professional_route(p: Persona, advice: Advice) -> None:
    assert advice.banner.level in PROFESSIONAL_TITLES
    assert advice.professional.title == PROFESSIONAL_TITLES[advice.banner.level]


def self_care(p: Persona, advice: Advice) -> None:
    assert advice.banner.level is TriageLevel.SELF_CARE and not advice.pain.stop


def runs_planned(p: Persona, advice: Advice) -> None:
    assert run_sessions(advice, 7)


def within_spike_rule(p: Persona, advice: Advice) -> None:
    """No planned run is more than the spike rule's margin over the longest run of its reference window,
    counting earlier planned runs (Frandsen 2025)."""
    history = past_runs(p)
    for s in run_sessions(advice):
        if s.distance_km:
            window = [km for d, km in history if in_reference_window(d, s.date)]
            if window:
                assert s.distance_km <= spike_cap() * max(window) + ROUNDING_KM, (s.date, s.distance_km, max(window))
            history.append((s.date, s.distance_km))


def restart_below_pre_spike_longest(p: Persona, advice: Advice) -> None:
    """First two weeks after a spike: runs within the spike margin of the longest run *before* the spike."""
    longest = max(p.runs_before(p.spike_day))
    first = run_sessions(advice, 14)
    assert first
    assert all((s.distance_km or 0) <= spike_cap() * longest + ROUNDING_KM for s in first)


def weeks_within_pre_spike_average(p: Persona, advice: Advice) -> None:
    """First two weeks after a spike: no week above the spike margin of the pre-spike weekly average."""
    before = p.runs_before(p.spike_day)
    weekly = sum(before) / (30 / 7)
    assert all(km <= spike_cap() * weekly + ROUNDING_KM for km in week_totals(advice, "distance_km")[:2])


def reference_excludes_the_spike(p: Persona, advice: Advice) -> None:
    """The single-run cap's reference is the longest run before the spike, not the spike run itself."""
    assert advice.running.reference_longest_km is not None
    assert advice.running.reference_longest_km <= max(p.runs_before(p.spike_day)) + ROUNDING_KM


def restart_below_pre_break(p: Persona, advice: Advice) -> None:
    """After weeks off, the first week runs less than an average week before the break, no run longer than the
    longest before it."""
    before = p.runs_before(p.break_days, window=28)
    weekly_min = sum(before) * 6 / 4  # tests/advice_support runs at 6 min/km
    assert run_sessions(advice, 7)
    assert week_totals(advice, "duration_min")[0] < weekly_min
    assert all((s.distance_km or 0) <= max(before) for s in run_sessions(advice))


def hold_no_rises(p: Persona, advice: Advice) -> None:
    """The pain rule says hold: no week runs more than the one before, no exercise dose progresses."""
    assert advice.pain.hold and not advice.pain.stop
    for totals in (week_totals(advice, "distance_km"), week_totals(advice, "duration_min")):
        assert all(b <= a + ROUNDING_KM for a, b in zip(totals, totals[1:])), totals
    assert all(x.held for x in advice.strength + advice.flexibility)


def pain_rule_steps_back(p: Persona, advice: Advice) -> None:
    """Pain during running above the acceptable band (Silbernagel 2007): step back one level, not just hold."""
    assert getattr(advice.pain, "step_back", False) and not advice.pain.stop
    assert week_totals(advice, "duration_min")[0] < sum(km for _, km in past_runs(p)[-3:]) * 6


def hold_no_longer_runs(p: Persona, advice: Advice) -> None:
    """While the pain rule holds, no planned run is longer than any run of the last 30 days."""
    recent = [km for d, km in past_runs(p) if in_reference_window(d, AS_OF + dt.timedelta(days=1))]
    assert all((s.distance_km or 0) <= max(recent) + ROUNDING_KM for s in run_sessions(advice))


def no_gait_programme(p: Persona, advice: Advice) -> None:
    assert not advice.gait.active
    assert not any(s.target_cadence_spm for s in advice.days)


def gait_flags_not_ranked(p: Persona, advice: Advice) -> None:
    assert not any(f.source == "gait" for f in advice.factors)
    assert {f.code for f in advice.uncertain} >= {f.code for f in p.gait.findings}
    assert all(f.uncertain for f in advice.uncertain)


def replace_shoe(p: Persona, advice: Advice) -> None:
    assert any(r.title.startswith("Consider replacing") for r in advice.footwear)


def no_deep_loaded_flexion(p: Persona, advice: Advice) -> None:
    """Baker's cyst or meniscal signs: no exercise that loads a deeply bent knee."""
    keys = [x.exercise.key for x in advice.strength]
    assert not [k for k in keys if any(word in k for word in DEEP_LOADED_FLEXION)]


def no_eccentric_calf_drills(p: Persona, advice: Advice) -> None:
    """Alfredson-style drills only where an Achilles or calf tendinopathy is the suspected structure."""
    assert not [x for x in advice.strength if x.exercise.key in ECCENTRIC_CALF_DRILLS]


def at_most_two_exercise_sessions_a_day(p: Persona, advice: Advice) -> None:
    for i in range(advice.weeks * 7):
        day = advice.start + dt.timedelta(days=i)
        assert sum(s.kind in ("strength", "mobility") for s in advice.days if s.date == day) <= 2, day


def a_full_rest_day_each_week(p: Persona, advice: Advice) -> None:
    """Every plan week keeps a day with no run and no strength or mobility session (the plan never repeats the
    missing-rest load error it flags), unless an exercise is dosed every day by its protocol."""
    loading = ("run", "walk_run", "walk", "strength", "mobility")
    daily = any(s.exercise.kind == "strength" and any(w.per_week >= 7 for w in s.weekly) for s in advice.strength)
    for week in range(advice.set_weeks):  # a plan held at week 1 sets no later week
        days = [advice.start + dt.timedelta(days=7 * week + i) for i in range(7)]
        free = [d for d in days if not any(s.date == d and s.kind in loading for s in advice.days)]
        assert free or daily, f"week {week + 1} has no full rest day"


def routine_books_the_visit_on_day_1(p: Persona, advice: Advice) -> None:
    """A check-in that needs a professional puts the visit in the calendar on day 1."""
    if advice.pain.level is not None and advice.pain.level.needs_professional:
        assert any(s.date == advice.start and s.kind == "see_professional" for s in advice.days)


PROPERTIES: dict[str, Callable[[Persona, Advice], None]] = {f.__name__: f for f in (
    a_full_rest_day_each_week, routine_books_the_visit_on_day_1,
    not_a_diagnosis, no_running, urgent_or_emergency, professional_route, self_care, runs_planned,
    within_spike_rule, restart_below_pre_spike_longest, weeks_within_pre_spike_average, reference_excludes_the_spike, restart_below_pre_break,
    hold_no_rises, pain_rule_steps_back, hold_no_longer_runs, no_gait_programme, gait_flags_not_ranked, replace_shoe,
    no_deep_loaded_flexion, no_eccentric_calf_drills, at_most_two_exercise_sessions_a_day)}
# Properties every plan holds, whoever the runner is.
ALWAYS = ("not_a_diagnosis", "at_most_two_exercise_sessions_a_day", "a_full_rest_day_each_week",
          "routine_books_the_visit_on_day_1")
# Personas whose plan is also checked against a further property.
EXTRA = {
    "novice_spike": ("reference_excludes_the_spike", "weeks_within_pre_spike_average"),
    "high_mileage_rising_morning": ("hold_no_longer_runs",),
    "steady_mild_pain": ("no_eccentric_calf_drills",),
    "biceps_femoris_hills": ("no_eccentric_calf_drills", "pain_rule_steps_back"),
}
_ADVICE: dict[str, Advice] = {}


def advice_of(persona: Persona) -> Advice:
    if persona.key not in _ADVICE:
        _ADVICE[persona.key] = advise(persona.context(), weeks=WEEKS)
    return _ADVICE[persona.key]


def _cases():
    for p in PERSONAS:
        for name in dict.fromkeys((*ALWAYS, *p.must, *EXTRA.get(p.key, ()))):
            yield pytest.param(p, name, id=f"{p.key}-{name}")


@pytest.mark.parametrize(("persona", "prop"), list(_cases()))
def test_persona_plan_holds(persona: Persona, prop: str):
    PROPERTIES[prop](persona, advice_of(persona))


def test_the_suite_covers_the_issue_list():
    keys = {p.key for p in PERSONAS}
    assert len(PERSONAS) >= 15 and len(keys) == len(PERSONAS)
    assert {"novice_spike", "steady_mild_pain", "return_after_break", "masters_lump", "after_knee_surgery",
            "red_flags_long_flight", "doubtful_video", "locking_giving_way", "pain_free_worn_shoe", "adolescent",
            "high_mileage_rising_morning"} <= keys
    assert all(p.source and p.must for p in PERSONAS)
    assert all(name in PROPERTIES for p in PERSONAS for name in (*p.must, *EXTRA.get(p.key, ())))
