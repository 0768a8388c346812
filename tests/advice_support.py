"""Builders shared by the advice tests: check-ins, gait summaries, run histories."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from kneeguard.clinic import CheckinAssessment, TriageLevel, TriageResult, assess
from kneeguard.gait.summary import GaitSummary

AS_OF = dt.date(2025, 6, 30)

BASE_ANSWERS = {
    "age": 34, "sex": "male", "has_pain": True, "onset": "gradual", "can_bear_weight": True, "locking": "no",
    "chest_symptoms": False, "knee_hot_swollen": False, "fever_unwell": False, "calf_swelling": False,
    "calf_red_warm": False, "clot_risks": ["none"], "foot_cold_pale": False, "foot_drop": False,
    "exertional_calf": False, "saddle_bladder": False, "location": ["posterolateral"], "pain_now": 2,
}


def checkin(today: dt.date = AS_OF, **answers) -> CheckinAssessment:
    """A real `assess` result for the base answers plus overrides (None removes a key)."""
    raw = {**BASE_ANSWERS, **answers}
    return assess({k: v for k, v in raw.items() if v is not None}, today=today)


def fake_checkin(level: str, today: dt.date = AS_OF, **answers) -> CheckinAssessment:
    """An assessment with a chosen level (for levels hard to reach with consistent answers)."""
    return CheckinAssessment(today, {**BASE_ANSWERS, **answers}, TriageResult(TriageLevel(level), [], [], ["see a doctor"]))


def gait_summary(cadence: float | None = 158.0, codes=("gait.overstride",), day: dt.date = AS_OF) -> GaitSummary:
    return GaitSummary.from_dict({
        "cadence_spm": cadence, "overstride_pct_leg": 14.0, "recorded_at": f"{day.isoformat()}T10:00:00",
        "quality": 0.9, "findings": [{"code": c, "severity": "moderate", "title": c, "citations": []} for c in codes]})


def runs_frame(runs: list[tuple[dt.date, float]]) -> pd.DataFrame:
    """Activities in the store's frame format: one run per (day, km) at 08:00 UTC, 6 min/km."""
    rows = [{"id": i + 1, "start": pd.Timestamp(dt.datetime.combine(d, dt.time(8)), tz="UTC"), "sport": "running",
             "distance_m": km * 1000.0, "duration_s": km * 360.0} for i, (d, km) in enumerate(runs)]
    return pd.DataFrame(rows)


def demo_advice(weeks: int = 6):
    """The demo athlete as `kneeguard demo` builds it (its runs, its two check-ins, no gait video): the
    context, the plan and the runs as (day, km)."""
    import json

    from kneeguard.advice import advise, make_context
    from kneeguard.sample import sample_checkin
    from kneeguard.sample.history import DEMO_END, demo_plan

    latest = json.loads(sample_checkin().read_text(encoding="utf-8"))
    earlier = {**latest, "pain_during_run": 3, "pain_after_run": 3, "pain_next_morning": 1, "duration_weeks": 2}
    first = checkin(DEMO_END - dt.timedelta(days=7), **earlier)
    runs = [(r.day, r.km) for r in demo_plan()]
    last = assess(latest, history=[first.record], today=DEMO_END)
    ctx = make_context("demo runner", DEMO_END, activities=runs_frame(runs), checkin=last, checkin_history=[first])
    return ctx, advise(ctx, weeks=weeks), runs
