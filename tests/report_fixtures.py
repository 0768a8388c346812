"""A small stand-in for the advice engine's AthleteContext built from the real load, gait and
clinic analyses, and the engine's Advice for it."""
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
    checkin: Any = None  # a CheckinAssessment
    shoes: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    other_knee_checkins: tuple = ()
    pain_onset: Any = None  # a PainOnset


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


def advice():
    """The advice engine's plan for the full context's data."""
    from kneeguard.advice import advise, make_context

    ctx = full_context()
    return advise(make_context(ctx.athlete, AS_OF, load_report=ctx.load_report, gait=ctx.gait, checkin=ctx.checkin))


def full_context() -> FakeContext:
    return FakeContext(load_report=load_report(), gait=gait_summary(), checkin=checkin())
