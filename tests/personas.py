"""Runners for the persona suite (issue 12, Quality), each written from a published case or guideline scenario.

A persona is data: check-in answers (on top of `advice_support.BASE_ANSWERS`), earlier check-ins, its runs as
(days before AS_OF, km), an optional gait video and shoes, and the safety properties its plan must hold
(`test_personas.PROPERTIES`). `context()` builds the AthleteContext through the public API only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kneeguard.advice import make_context
from kneeguard.advice.context import AthleteContext
from kneeguard.clinic import assess
from kneeguard.clinic.history import CheckinRecord
from kneeguard.gait.summary import GaitSummary
from kneeguard.profile import ShoeStatus
from tests.advice_support import AS_OF, BASE_ANSWERS, runs_frame

NO_FLAGS = {"calf_swelling": False, "calf_red_warm": False, "clot_risks": ["none"], "locking": "no"}


@dataclass(frozen=True)
class Persona:
    key: str
    source: str  # the published case description or guideline scenario it is written from
    answers: dict[str, Any]
    runs: tuple[tuple[int, float], ...] = ()  # (days before AS_OF, km)
    history: tuple[tuple[int, dict[str, Any]], ...] = ()  # earlier check-ins: (days before AS_OF, answers)
    gait: GaitSummary | None = None
    shoes: tuple[ShoeStatus, ...] = ()
    must: tuple[str, ...] = ()  # property names of test_personas.PROPERTIES
    spike_day: int | None = None  # days before AS_OF of the run that spiked, when there is one
    break_days: int | None = None  # days without running before AS_OF (return after a break)

    def context(self) -> AthleteContext:
        history = [CheckinRecord(AS_OF - dt.timedelta(days=d), {**BASE_ANSWERS, **a}, "self-care")
                   for d, a in sorted(self.history, reverse=True)]
        checkin = assess({k: v for k, v in {**BASE_ANSWERS, **self.answers}.items() if v is not None},
                         history=history, today=AS_OF)
        runs = [(AS_OF - dt.timedelta(days=d), km) for d, km in self.runs]
        return make_context(self.key, AS_OF, activities=runs_frame(sorted(runs)) if runs else None, checkin=checkin,
                            gait=self.gait, shoes=self.shoes)

    def runs_before(self, days_before: int, window: int = 30) -> list[float]:
        """km of the runs in the `window` days before the day `days_before` AS_OF."""
        return [km for d, km in self.runs if days_before < d <= days_before + window]


def steady(weeks: int, per_week: tuple[float, ...], *, end: int = 1) -> tuple[tuple[int, float], ...]:
    """`weeks` weeks of the same runs, the last one `end` days before AS_OF (runs two days apart)."""
    out = []
    for w in range(weeks):
        for i, km in enumerate(per_week):
            out.append((end + 7 * w + 2 * i, km))
    return tuple(out)


def gait_video(quality: float, codes: tuple[str, ...] = ("gait.overstride", "gait.extended_knee_landing"),
               n_steps: int = 30) -> GaitSummary:
    return GaitSummary.from_dict({
        "cadence_spm": 166.0, "overstride_pct_leg": 15.0, "knee_flexion_ic_deg": 8.0, "quality": quality,
        "n_steps": n_steps, "recorded_at": f"{(AS_OF - dt.timedelta(days=2)).isoformat()}T10:00:00",
        "findings": [{"code": c, "severity": "moderate", "title": c, "citations": []} for c in codes]})


def worn_shoe(km: float = 820.0) -> ShoeStatus:
    return ShoeStatus(1, "Old trainer", km, 700.0, first_used=AS_OF - dt.timedelta(days=400), runs=120)


SPIKE_HISTORY = steady(4, (5.0, 6.0, 8.0), end=5)  # ~19 km/week, longest 8 km
PERSONAS: tuple[Persona, ...] = (
    Persona(
        "novice_spike", "Frandsen 2025 (BJSM) spike cohort: a single run > 10 % longer than the longest of the "
        "previous 30 days raised injury rate; novice (< 6 months) with a 13 km run after 8 km runs",
        {"years_running": 0.3, "pain_during_run": 3, "pain_next_morning": 2, "pain_now": 2, "trend": "same",
         "duration_weeks": 1},
        runs=(*SPIKE_HISTORY, (2, 13.0)), spike_day=2,
        must=("not_a_diagnosis", "within_spike_rule", "restart_below_pre_spike_longest")),
    Persona(
        "steady_mild_pain", "Silbernagel 2007 pain-monitoring model: pain during activity up to 5/10, settled by "
        "the next morning, not rising week to week -> keep running at an unchanged load",
        {"pain_during_run": 2, "pain_next_morning": 0, "pain_now": 1, "trend": "better", "duration_weeks": 2},
        runs=steady(6, (6.0, 8.0, 6.0, 10.0)),
        must=("not_a_diagnosis", "runs_planned", "within_spike_rule", "self_care")),
    Persona(
        "return_after_break", "Return-to-run protocols (graded walk/run after time off; Nielsen 2014 novice "
        "cohort, median 71 days to recovery): 8 weeks of 30 km/week, then 6 weeks without running",
        {"pain_during_run": 0, "pain_next_morning": 0, "pain_now": 0, "has_pain": False, "trend": "better"},
        runs=steady(8, (8.0, 10.0, 12.0), end=43), break_days=42,
        must=("not_a_diagnosis", "within_spike_rule", "restart_below_pre_break")),
    Persona(
        "masters_lump", "Stone 1996 (AJSM) and BMC Musculoskelet Disord 2020 21:440: popliteal (Baker's) cyst in "
        "a 55-year-old, medial fullness behind the knee, worse at full bend -> routine visit, avoid deep loaded "
        "flexion",
        {"age": 55, "lump": True, "location": ["posteromedial"], "aggravators": ["full_bend", "squat_kneel"],
         "pain_now": 2, "pain_during_run": 2},
        runs=steady(4, (6.0, 8.0, 6.0)),
        must=("not_a_diagnosis", "professional_route", "no_deep_loaded_flexion")),
    Persona(
        "after_knee_surgery", "Korean Knee Society 2012 guideline (postoperative pain after TKA) and the Wells "
        "DVT criteria: an operation in the last 12 weeks with calf pain -> same-day assessment, no running",
        {"age": 62, "surgery": ["total_knee_replacement"], "clot_risks": ["surgery_12wk"], "location": ["calf"],
         "onset": "gradual", "pain_now": 4},
        runs=steady(2, (3.0, 3.0)),
        must=("not_a_diagnosis", "no_running", "professional_route")),
    Persona(
        "red_flags_long_flight", "Marathon runner with venous thromboembolism (Scand J Med Sci Sports "
        "2015;25:699, marathon_vte2015) and Theiss 2011 (JOSPT): calf swelling after a long-haul flight",
        {"calf_swelling": True, "clot_risks": ["travel_4h"], "location": ["calf", "central"], "pain_now": 3},
        runs=steady(4, (10.0, 12.0, 21.0)),
        must=("not_a_diagnosis", "no_running", "professional_route", "urgent_or_emergency")),
    Persona(
        "chest_symptoms", "Wells PE criteria (BMJ): breathlessness with leg symptoms after a marathon -> "
        "emergency",
        {"chest_symptoms": True, "calf_swelling": True, "clot_risks": ["travel_4h"], "pain_now": 4},
        runs=steady(3, (10.0, 15.0)),
        must=("not_a_diagnosis", "no_running", "urgent_or_emergency")),
    Persona(
        "doubtful_video", "Dingenen 2018 (Phys Ther Sport): 2D running analysis needs enough clean steps; a clip "
        "rated 0.39 (the demo runner's) with overstride and a straight-knee landing",
        {"pain_during_run": 2, "pain_next_morning": 1, "pain_now": 1, "trend": "better"},
        runs=steady(4, (6.0, 8.0, 10.0)), gait=gait_video(0.39),
        must=("not_a_diagnosis", "no_gait_programme", "gait_flags_not_ranked")),
    Persona(
        "few_steps_video", "Dingenen 2018: fewer than 7 steps give no stable 2D mean; a 5-step treadmill clip",
        {"pain_during_run": 1, "pain_next_morning": 0, "pain_now": 0, "trend": "better"},
        runs=steady(4, (6.0, 8.0, 10.0)), gait=gait_video(0.8, n_steps=5),
        must=("not_a_diagnosis", "no_gait_programme", "gait_flags_not_ranked")),
    Persona(
        "locking_giving_way", "Posterior horn medial meniscal tear (Nielsen 2014 PLoS ONE: 9 % of injured "
        "novice runners; eTG acute medial meniscal injury): catching, locking that unlocks, giving way",
        {"locking": "unlocks", "giving_way": True, "catching": True, "aggravators": ["squat_kneel", "twist_pivot"],
         "location": ["posteromedial"], "pain_now": 3, "age": 38},
        runs=steady(4, (5.0, 7.0, 9.0)),
        must=("not_a_diagnosis", "professional_route", "no_deep_loaded_flexion")),
    Persona(
        "locked_now", "NHS-style MSK advice (msk_nhs_summaries): a knee stuck that cannot be unlocked -> emergency",
        {"locking": "locked_now", "pain_now": 6},
        runs=steady(2, (8.0, 8.0)),
        must=("not_a_diagnosis", "no_running", "urgent_or_emergency")),
    Persona(
        "pain_free_worn_shoe", "Cook 1985 midsole bench data and Malisoux 2015 shoe rotation: pain-free runner, "
        "one pair at 820 km",
        {"has_pain": False, "pain_now": 0, "pain_during_run": 0, "pain_next_morning": 0, "trend": "better"},
        runs=steady(6, (8.0, 10.0, 14.0)), shoes=(worn_shoe(),),
        must=("not_a_diagnosis", "runs_planned", "within_spike_rule", "replace_shoe", "self_care")),
    Persona(
        "adolescent", "Driessen 2014 (BMC Musculoskelet Disord 15:100): fabella syndrome, early adolescence, "
        "sharp posterolateral pain worse in full extension",
        {"age": 14, "location": ["posterolateral"], "pain_type": ["sharp"], "aggravators": ["full_straighten"],
         "pain_during_run": 3, "pain_now": 2, "duration_weeks": 3, "trend": "same", "years_running": 1},
        runs=steady(4, (4.0, 5.0, 6.0)),
        must=("not_a_diagnosis", "within_spike_rule", "professional_route")),
    Persona(
        "high_mileage_rising_morning", "Silbernagel 2007: next-morning pain rising across check-ins -> hold; "
        "a 90 km/week marathoner (semimembranosus tendinopathy, Sederberg 2022)",
        {"pain_next_morning": 5, "pain_during_run": 3, "pain_now": 3, "location": ["posteromedial"],
         "aggravators": ["stairs_down", "resisted_bend"], "trend": "worse", "duration_weeks": 3},
        runs=steady(6, (12.0, 15.0, 10.0, 18.0, 12.0, 23.0)),
        history=((14, {"pain_next_morning": 1, "pain_during_run": 2}), (7, {"pain_next_morning": 3, "pain_during_run": 3})),
        must=("not_a_diagnosis", "hold_no_rises", "within_spike_rule", "professional_route")),
    Persona(
        "paes_young", "Joy & Raudales 2015 (Curr Sports Med Rep 14:5): popliteal artery entrapment, 24-year-old, "
        "exertional calf cramping that eases within minutes of stopping",
        {"age": 24, "exertional_calf": True, "location": ["calf"], "pain_type": ["cramping"], "pain_now": 0},
        runs=steady(4, (8.0, 10.0, 12.0)),
        must=("not_a_diagnosis", "no_running", "professional_route")),
    Persona(
        "ottawa_positive", "Stiell 1996 (JAMA) Ottawa knee rule: a fall on a bent knee 2 days ago, tender at "
        "the fibular head -> X-ray the same day",
        {"onset": "sudden_injury", "mechanism": ["fall_bent_knee"], "injury_days_ago": 2,
         "ottawa_fibular_head": True, "can_flex_90": True, "pain_now": 5},
        runs=steady(3, (6.0, 8.0)),
        must=("not_a_diagnosis", "no_running", "urgent_or_emergency")),
    Persona(
        "biceps_femoris_hills", "Distal biceps femoris tendinopathy after more hill running "
        "(thephysiorunner biceps femoris; English 2010): gradual posterolateral ache, pain above 5/10 during runs",
        {"location": ["posterolateral"], "aggravators": ["downhill", "resisted_bend"], "pain_during_run": 6,
         "pain_next_morning": 3, "pain_now": 3, "trend": "same", "duration_weeks": 1},
        runs=steady(5, (8.0, 10.0, 16.0)),
        must=("not_a_diagnosis", "hold_no_rises", "within_spike_rule", "professional_route")),
)
