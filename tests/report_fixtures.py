"""Small stand-ins for the advice engine's AthleteContext and Advice, built from the
real load, gait and clinic analyses, so report tests do not depend on the engine."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

AS_OF = dt.date(2025, 6, 30)
SELFTESTS = {"heel_rise_left": 12, "heel_rise_right": 22, "bridge_left": 14, "bridge_right": 25,
             "ktw_left_cm": 7, "ktw_right_cm": 11, "ake_left_deg": 30, "ake_right_deg": 18}


@dataclass
class FakeContext:
    athlete: str = "Ana <Runner> & co"  # markup in a name checks autoescaping
    profile: Any = None
    as_of: dt.date = AS_OF
    load_report: Any = None
    gait: dict | None = None
    checkin: dict | None = None
    shoes: list = field(default_factory=list)
    missing: list = field(default_factory=list)


@dataclass
class FakeAdvice:
    payload: dict

    def to_dict(self) -> dict:
        return self.payload


@lru_cache(maxsize=1)
def _load_report():
    from kneeguard.load import analyze_load
    from kneeguard.load.synthetic import synthetic_activities

    return analyze_load(synthetic_activities(days=200, end=AS_OF, seed=3), None, AS_OF)


def load_report():
    return _load_report()


@lru_cache(maxsize=1)
def _gait_json() -> str:
    from kneeguard.gait.analysis import analyze_gait
    from kneeguard.gait.summary import GaitSummary
    from tests.gait_synth import RunModel

    report = analyze_gait(RunModel(cadence_spm=160, ic_ahead=170, duration_s=8).series(), height_cm=175)
    return json.dumps(GaitSummary.from_report(report, athlete="ana", source="/videos/ana_side.mp4").to_dict())


def gait_summary():
    """A stored gait session's summary, as the advice context holds it."""
    from kneeguard.gait.summary import GaitSummary

    return GaitSummary.from_dict(json.loads(_gait_json()))


def history() -> list:
    from kneeguard.clinic.history import CheckinRecord
    from tests.test_triage_vignettes import NEGATIVE

    out = []
    for weeks_back, pain in ((4, 2), (3, 3), (2, 5), (1, 4)):
        answers = {**NEGATIVE, "onset": "gradual", "pain_now": pain, "pain_during_run": pain + 1,
                   "ostrc_q1": "full_with_problem", "ostrc_q2": "minor", "ostrc_q3": "minor", "ostrc_q4": "mild"}
        out.append(CheckinRecord(AS_OF - dt.timedelta(days=7 * weeks_back), answers, "self-care"))
    return out


def checkin() -> dict:
    from kneeguard.clinic import assess
    from tests.test_triage_vignettes import NEGATIVE

    answers = {**NEGATIVE, "onset": "gradual", "location": ["posterolateral"], "pain_now": 3,
               "pain_during_run": 5, "swelling": "none", "trend": "same", **SELFTESTS}
    return assess(answers, history=history(), today=AS_OF)


def advice_dict() -> dict:
    start = AS_OF + dt.timedelta(days=1)
    days = []
    for i in range(14):
        day = start + dt.timedelta(days=i)
        rest = day.weekday() in (0, 4)
        days.append({"date": day.isoformat(), "kind": "rest" if rest else "easy",
                     "title": "Rest" if rest else "Easy run", "details": "" if rest else "Conversational pace",
                     "duration_min": None if rest else 30, "distance_km": None if rest else 5.0,
                     "target_cadence_spm": None if rest else 168, "reason": "Within 10 % of the longest run",
                     "citations": [] if rest else ["frandsen2025"]})
    return {
        "triage": None,
        "factors": [{"rank": 1, "title": "Foot lands well ahead of the hip", "domain": "gait", "severity": "moderate",
                     "reason": "Overstride 34 % of leg length", "citations": ["heiderscheit2011"]}],
        "strength": [{"name": "Nordic hamstring curl", "sets": 2, "reps": 5, "tempo": "3 s lowering",
                      "frequency": "2 per week", "progression": "add 1 rep a week", "regression": "band-assisted",
                      "reason": "Bridge test in the poor range (left)", "citations": ["heiderscheit2011"]}],
        "pain_rule": "Pain during exercise at most 5/10, settled by the next morning.",
        "warm_up": [{"name": "Leg swings", "sets": 1, "reps": 10, "reason": "Before every run"}],
        "flexibility": [],
        "days": days,
        "gait_retraining": {"target_cadence_spm": 168, "metronome_bpm": 168, "schedule": "every second run",
                            "film_again": (AS_OF + dt.timedelta(days=28)).isoformat(), "reason": "Overstriding"},
        "footwear": [{"name": "Rotate two pairs", "reason": "lower injury risk", "citations": []}],
        "professional": {"text": "See a physiotherapist if pain lasts beyond two weeks.", "bring": "this report"},
    }


def full_context() -> FakeContext:
    return FakeContext(load_report=load_report(), gait=gait_summary(), checkin=checkin())
