"""Property tests over random histories and pain states: the plan keeps its safety rules."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeguard import evidence
from kneeguard.advice import advise, make_context
from kneeguard.advice.session import RUNNING_KINDS
from kneeguard.load.spike import in_reference_window
from tests.advice_support import AS_OF, fake_checkin, gait_summary

CAP = 1 + evidence.value("load.spike.small")
WINDOW = evidence.value("load.spike.window_days")
MIN_REST = evidence.value("advice.run.min_rest_days_per_week")
MAX_STREAK = evidence.value("advice.run.max_consecutive_days")
PHASES = [p["name"] for p in evidence.value("advice.rtr.phases")]

history = st.lists(st.tuples(st.integers(1, 90), st.floats(0.5, 42.0, allow_nan=False)), max_size=60)
pain_score = st.one_of(st.none(), st.integers(0, 10))
checkins = st.one_of(
    st.none(),
    st.builds(lambda level, during, morning, has_pain, trend: fake_checkin(
        level, pain_during_run=during, pain_next_morning=morning, has_pain=has_pain, trend=trend),
        st.sampled_from(["self-care", "self-care", "routine", "urgent", "emergency"]), pain_score, pain_score,
        st.booleans(), st.sampled_from(["better", "same", "worse", None])),
)


def context_for(runs, checkin, with_gait):
    """A context whose load report is a stub with just the runs table (the planner's only input from it)."""
    frame = pd.DataFrame({
        "date": pd.to_datetime([AS_OF - dt.timedelta(days=d) for d, _ in runs]),
        "distance_m": [km * 1000 for _, km in runs], "duration_s": [km * 360 for _, km in runs],
    }).sort_values("date") if runs else None
    report = SimpleNamespace(runs=frame, findings=[]) if runs else None
    return make_context("p", AS_OF, load_report=report, checkin=checkin,
                        gait=gait_summary() if with_gait else None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history, checkins, st.booleans(), st.integers(4, 8))
def test_plan_safety_rules(runs, checkin, with_gait, weeks):
    ctx = context_for(runs, checkin, with_gait)
    a = advise(ctx, weeks=weeks)
    days = [a.start + dt.timedelta(days=i) for i in range(a.set_weeks * 7)]
    assert {s.date for s in a.days} == set(days)  # every set day has an entry
    # held (or stepped back) on a known check-in: week 1 only, ended by the re-check; otherwise every week
    held = a.pain.known and a.pain.hold and not a.pain.stop
    assert a.set_weeks == (1 if held else weeks) and (a.recheck is not None) == held
    assert [s.date for s in a.days if s.kind == "check_in"] == ([a.recheck] if held else [])
    assert all(s.reason and s.citations for s in a.days)

    # 1. Spike cap, rolling, counting earlier planned runs; every planned run has a reference.
    past = [(AS_OF - dt.timedelta(days=d), km) for d, km in runs]
    planned = sorted((s.date, s.distance_km) for s in a.days if s.kind == "run")
    for day, km in planned:
        window = [k for d, k in past + planned if in_reference_window(d, day)]  # [day - 30 d, day), as load
        assert window, f"run on {day} has no reference run in the previous {WINDOW} days"
        assert km <= CAP * max(window) + 1e-9

    # 2. Rest: >= MIN_REST days without running in every 7-day window, at most MAX_STREAK in a row.
    running = [any(s.date == d and s.kind in RUNNING_KINDS for s in a.days) for d in days]
    for i in range(len(days) - 6):
        assert 7 - sum(running[i:i + 7]) >= MIN_REST
    streak = 0
    for r in running:
        streak = streak + 1 if r else 0
        assert streak <= MAX_STREAK

    # 3. Progression: walk/run phases advance one at a time, each at least twice before moving on.
    phases = [PHASES.index(s.phase) for s in a.days if s.kind == "walk_run"]
    for prev, nxt in zip(phases, phases[1:]):
        assert nxt in (prev, prev + 1)
    for idx in set(phases[:-1]) - {phases[-1]} if phases else ():
        assert phases.count(idx) >= evidence.value("advice.rtr.repeats")
    for p in a.strength + a.flexibility + a.warmup:
        stages = p.stage_indices
        planned = [p.exercise.stages[i] for i in stages]  # one set fewer while the pain rule steps back
        assert [s.stepped_back() if p.stepped_back else s for s in planned] == p.weekly
        # Stages count from the exercise's own start: stage 0 in its first week and after any week it was left
        # out of (a restart), then at most one stage up a week, never down while it goes on.
        done = [p.is_active(w) for w in range(len(stages))]
        for w, stage in enumerate(stages):
            if not done[w] or w == 0 or not done[w - 1]:
                assert stage == 0, (p.exercise.key, stages, done)
            else:
                assert stage - stages[w - 1] in (0, 1), (p.exercise.key, stages, done)

    # 4. Hold: no exercise dose, walk/run phase or weekly running distance rises.
    if a.pain.hold:
        for p in a.strength + a.flexibility + a.warmup:
            loads = [s.load_index for s in p.weekly]
            assert all(b <= a_ for a_, b in zip(loads, loads[1:]))
        assert len(set(phases)) <= 1
        weekly = [sum(s.distance_km for s in a.week(w) if s.kind == "run") for w in range(weeks)]
        assert all(b <= a_ + 1e-9 for a_, b in zip(weekly[1:], weekly[2:]))  # week 0 may skip a run

    # 4b. Weekly growth: from week 2, no week's running distance exceeds the plan's week before by more than
    # the stated rule (the summary promises it; a short first week must not make week 2 jump).
    if a.running.mode == "build":
        weekly = [sum(s.distance_km for s in a.week(w) if s.kind == "run") for w in range(weeks)]
        growth = 1 + evidence.value("advice.run.weekly_growth")
        assert all(b <= a_ * growth + 1e-9 for a_, b in zip(weekly, weekly[1:]) if a_)

    # 5. Emergency / urgent: nothing but rest and the professional.
    if checkin and checkin.level.stops_training:
        assert {s.kind for s in a.days} <= {"rest", "see_professional"}
    if checkin is None:
        assert a.banner.level is None and a.pain.hold
