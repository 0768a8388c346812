"""Issue 12, load after pain: the plan restarts from the load tolerated BEFORE the ramp that preceded the
pain, not from the peak; spikes and runs since the pain are no reference; breaks restart below."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeguard import evidence
from kneeguard.advice import advise, make_context
from kneeguard.advice.load_reference import PastRun, estimate_pain_onset, restart_reference
from kneeguard.advice.running import restart_factor
from kneeguard.clinic.history import CheckinRecord
from kneeguard.sample import sample_checkin
from kneeguard.sample.history import DEMO_END, demo_plan
from tests.advice_support import checkin, runs_frame

CAP = 1 + float(evidence.value("load.spike.small"))
MONDAY = dt.date(2025, 3, 3)


def _runs(plan):
    return [s for s in plan.days if s.kind == "run"]


def _week_totals(plan, weeks):
    return [sum(s.distance_km for s in _runs(plan) if 0 <= (s.date - plan.start).days - 7 * w < 7) for w in range(weeks)]


# ------------------------------------------------------------------------------------------ pain onset
def test_onset_is_dated_back_by_the_duration_answer():
    records = [CheckinRecord(dt.date(2025, 5, 1), {"has_pain": False}),
               CheckinRecord(dt.date(2025, 5, 20), {"has_pain": True, "duration_weeks": 1}),
               CheckinRecord(dt.date(2025, 5, 27), {"has_pain": True, "duration_weeks": 2})]
    onset = estimate_pain_onset(records)
    assert onset.day == dt.date(2025, 5, 13) and "20 May 2025" in onset.how


def test_onset_never_before_a_pain_free_check_in_and_none_without_pain():
    records = [CheckinRecord(dt.date(2025, 5, 1), {"has_pain": False}),
               CheckinRecord(dt.date(2025, 5, 8), {"has_pain": True, "duration_weeks": 6})]
    assert estimate_pain_onset(records).day == dt.date(2025, 5, 2)
    assert estimate_pain_onset([CheckinRecord(dt.date(2025, 5, 8), {"has_pain": False})]) is None
    no_duration = estimate_pain_onset([CheckinRecord(dt.date(2025, 5, 8), {"has_pain": True})])
    assert no_duration.day == dt.date(2025, 5, 8)


# ------------------------------------------------------------------------------------------- the demo
def _demo_plan():
    """The demo athlete as `kneeguard demo` builds it: the demo history's runs and its two check-ins."""
    # Two weeks of reduced running: since issue #13 the demo's low pain that settles overnight is self-care for
    # 3 weeks (6-12 week course) and nothing holds; this test is about the restart reference under a hold.
    latest = {**json.loads(sample_checkin().read_text(encoding="utf-8")), "reduced_load_weeks": 2}
    earlier = {**latest, "pain_during_run": 3, "pain_after_run": 3, "pain_next_morning": 1, "duration_weeks": 2}
    first = checkin(DEMO_END - dt.timedelta(days=7), **earlier)
    runs = [(r.day, r.km) for r in demo_plan()]
    from kneeguard.clinic import assess

    last = assess(latest, history=[first.record], today=DEMO_END)
    ctx = make_context("demo runner", DEMO_END, activities=runs_frame(runs), checkin=last, checkin_history=[first])
    return ctx, advise(ctx, weeks=6), runs


def test_demo_restarts_from_the_load_before_the_ramp_with_the_reason_stated():
    ctx, plan, runs = _demo_plan()
    ramp = plan.running.reference.ramp_start
    assert ctx.pain_onset.day == dt.date(2026, 11, 1)
    assert plan.running.reference.basis == "pre_ramp" and ramp == dt.date(2026, 11, 1)  # the first spike
    before = [km for d, km in runs if ramp - dt.timedelta(days=28) <= d < ramp]
    weekly, longest = sum(before) / 4, max(before)
    # the plan starts from the tolerated longest run, one step below it while runs still hurt above the safe band
    start_factor = restart_factor(plan.pain, plan.running.reference)
    assert plan.running.reference.weekly_km == weekly
    assert plan.running.reference_longest_km == pytest.approx(longest * start_factor)
    assert f"Level to build back to: {weekly:.1f} km/week and a {longest:.1f} km longest run" in plan.running.summary
    # ramp and onset on the same day: said once, not as "ramp from 01 Nov, pain since 01 Nov"
    assert "before the ramp that began with your pain (both from 01 Nov" in plan.running.summary
    assert "pain since 01 Nov" not in plan.running.summary
    assert "peak" in plan.running.summary
    assert all(s.distance_km <= longest + 1e-9 for s in _runs(plan))  # held: never above the tolerated run
    assert max(_week_totals(plan, 6)) <= weekly + 1e-9
    # on hold week 1's pattern stays (no run added): in the running plan; the plan itself sets week 1 only
    held = [sum(s.distance_km for s in plan.running.sessions if (s.date - plan.start).days // 7 == w) for w in range(6)]
    assert plan.pain.hold and len(set(held)) == 1
    assert plan.set_weeks == 1 and _week_totals(plan, 6)[1:] == [0] * 5
    assert f"Week 1: {_week_totals(plan, 1)[0]:.1f} km in {plan.running.runs_per_week} easy runs" in plan.running.summary
    assert "advice.run.restart_pre_ramp" in plan.running.reason
    assert plan.to_dict()["running"]["reference"]["basis"] == "pre_ramp"


# ------------------------------------------------------------------ spike runs are never the reference
def test_a_spike_run_is_not_the_reference_of_the_cap():
    runs = [PastRun(MONDAY + dt.timedelta(days=d), 10.0, spike_band="reference", measured_against_km=10.0)
            for d in range(0, 28, 3)]
    runs.append(PastRun(MONDAY + dt.timedelta(days=28), 19.0, spike_band="moderate", measured_against_km=10.0))
    ref = restart_reference(runs, MONDAY + dt.timedelta(days=30), None)
    assert ref.basis == "recent" and ref.longest_km == 10.0


def test_a_break_restarts_below_the_level_before_it():
    runs = [(MONDAY + dt.timedelta(days=d), 8.0) for d in range(0, 28, 2)]
    as_of = runs[-1][0] + dt.timedelta(days=int(evidence.value("advice.run.break_days")))
    ctx = make_context("ana", as_of, activities=runs_frame(runs),
                       checkin=checkin(as_of, has_pain=False, pain_now=0, pain_during_run=0, pain_next_morning=0))
    plan = advise(ctx, weeks=4)
    fraction = float(evidence.value("advice.run.break_fraction"))
    assert plan.running.reference.basis == "after_break"
    assert all(s.distance_km <= 8.0 * fraction + 1e-9 for s in _runs(plan)[:2])
    assert "before your break" in plan.running.summary


# ------------------------------------------------------------------------------ property: after a ramp
@st.composite
def ramp_histories(draw):
    """8 steady base weeks, then a ramp starting Monday with a spike run, pain beginning during the ramp."""
    weekdays = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4, unique=True))
    km = [draw(st.floats(3.0, 14.0).map(lambda x: round(x, 1))) for _ in weekdays]
    base = dict(zip(sorted(weekdays), km))
    spike = draw(st.floats(1.15, 2.0))
    growth = draw(st.floats(1.0, 2.0))
    onset_after = draw(st.integers(0, 20))  # days from the ramp's start to the pain
    weeks_of_pain = draw(st.integers(0, 3))  # the check-in's duration answer
    ramp = MONDAY + dt.timedelta(weeks=8)
    as_of = ramp + dt.timedelta(days=onset_after + 7 * weeks_of_pain)
    runs = [(MONDAY + dt.timedelta(days=7 * w + d), k) for w in range(8) for d, k in base.items()]
    day = ramp
    while day <= as_of:
        if day == ramp:
            runs.append((day, round(max(km) * spike, 1)))
        elif day.weekday() in base:
            runs.append((day, round(base[day.weekday()] * growth, 1)))
        day += dt.timedelta(days=1)
    pain = draw(st.sampled_from([(2, 0, "same"), (4, 2, "same"), (3, 1, "better"), (5, 4, "worse")]))
    return runs, base, ramp, as_of, weeks_of_pain, pain


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ramp_histories(), st.integers(4, 8))
def test_after_a_pain_linked_ramp_the_first_two_weeks_stay_at_the_pre_ramp_load(case, weeks):
    runs, base, ramp, as_of, weeks_of_pain, (during, morning, trend) = case
    c = checkin(as_of, has_pain=True, duration_weeks=weeks_of_pain, pain_during_run=during,
                pain_next_morning=morning, trend=trend)
    plan = advise(make_context("ana", as_of, activities=runs_frame(runs), checkin=c), weeks=weeks)
    pre_weekly, pre_longest = sum(base.values()), max(base.values())  # the 4 steady weeks before the ramp
    first_two = [s for s in _runs(plan) if (s.date - plan.start).days < 14]
    assert all(s.distance_km <= CAP * pre_longest + 1e-9 for s in first_two)
    assert all(total <= CAP * pre_weekly + 1e-9 for total in _week_totals(plan, 2))
    if plan.running.mode in ("build", "hold"):
        assert plan.running.reference.basis == "pre_ramp" and plan.running.reference.ramp_start == ramp
    if plan.pain.hold:  # nothing progresses while the pain rule says hold
        # No week above the restart level and no run above the first runs. (The first week itself can be
        # shorter: when the plan starts a day after a run, rest-day spacing moves a run into week 2.)
        if plan.running.reference is not None:
            level = plan.running.reference.weekly_km
            assert all(t <= level + 1e-9 for t in _week_totals(plan, weeks))
        first_runs = [r.distance_km for r in _runs(plan)][:max(1, plan.running.runs_per_week)]
        assert all(s.distance_km <= max(first_runs, default=0) + 1e-9 for s in _runs(plan))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ramp_histories())
def test_a_step_back_plans_below_the_restart_level_and_never_rises(case):
    from kneeguard.advice.running import plan_running
    from kneeguard.advice.pain import pain_state

    runs, base, ramp, as_of, weeks_of_pain, _ = case
    c = checkin(as_of, has_pain=True, duration_weeks=weeks_of_pain, pain_during_run=2, pain_next_morning=0)
    ctx = make_context("ana", as_of, activities=runs_frame(runs), checkin=c)
    pain = pain_state(c, ctx.finding_codes)
    pain.step_back, pain.hold = True, False
    start = as_of + dt.timedelta(days=1)
    plan = plan_running(ctx.past_runs(), as_of, start, 4, pain, onset=ctx.pain_onset,
                        weekly=ctx.load_report.weekly)
    step = 1 + float(evidence.value("advice.run.weekly_growth"))
    if plan.mode == "hold":
        totals = [sum(s.distance_km for s in plan.sessions if (s.date - start).days // 7 == w) for w in range(4)]
        assert all(t <= sum(base.values()) / step + 1e-9 for t in totals)
        assert all(s.distance_km <= max(base.values()) / step + 1e-9 for s in plan.sessions)


def test_a_ramp_that_began_before_the_pain_is_said_to_precede_it():
    """The pain began a week after the ramp (both check-ins date it to 08 Nov, not 01 Nov): both dates are given."""
    latest = {**json.loads(sample_checkin().read_text(encoding="utf-8")), "reduced_load_weeks": 2, "duration_weeks": 2}
    earlier = {**latest, "pain_during_run": 3, "pain_after_run": 3, "pain_next_morning": 1, "duration_weeks": 1}
    first = checkin(DEMO_END - dt.timedelta(days=7), **earlier)
    runs = [(r.day, r.km) for r in demo_plan()]
    from kneeguard.clinic import assess

    last = assess(latest, history=[first.record], today=DEMO_END)
    ctx = make_context("demo runner", DEMO_END, activities=runs_frame(runs), checkin=last, checkin_history=[first])
    plan = advise(ctx, weeks=6)
    ramp, onset = plan.running.reference.ramp_start, ctx.pain_onset.day
    assert ramp is not None and ramp < onset
    assert f"the ramp that preceded your pain (ramp from {ramp:%d %b}, pain since {onset:%d %b}" \
        in plan.running.summary


def test_check_ins_that_disagree_on_the_onset_keep_the_earlier_date_and_say_so():
    """A physiotherapist's read: the plan kept 01 Nov as the onset although the newest check-in said 3 weeks."""
    records = [CheckinRecord(dt.date(2026, 11, 15), {"has_pain": True, "duration_weeks": 2}),
               CheckinRecord(dt.date(2026, 12, 7), {"has_pain": True, "duration_weeks": 3})]
    onset = estimate_pain_onset(records)
    assert onset.day == dt.date(2026, 11, 1)
    # the check-in's own words read the same onset (clinic.episode), so it names the check-in by its date
    assert ("your check-in of 07 Dec 2026 said 3 weeks, which would be 16 Nov, but your check-in of 15 Nov 2026 "
            "already reported this pain: the earlier date is kept") in onset.how
    agreeing = estimate_pain_onset(records[:1] + [CheckinRecord(dt.date(2026, 11, 22), {"has_pain": True,
                                                                                        "duration_weeks": 3})])
    assert "earlier date is kept" not in agreeing.how


def test_a_restart_while_runs_still_hurt_above_the_safe_band_starts_one_step_lower():
    """Two physiotherapists' reads: with 4/10 in runs, neither would restart the long run at the full pre-pain
    longest (9.6 km); below the safe band (2/10 or less) the plan restarts at the tolerated level itself."""
    from kneeguard.advice.pain import PainState
    from kneeguard.advice.running import step_back_factor

    reference = restart_reference([PastRun(MONDAY + dt.timedelta(days=d), 8.0) for d in range(0, 28, 2)],
                                  MONDAY + dt.timedelta(days=60), None, None)
    assert reference.restarting
    hurting, easy = PainState(True, None, True, 4.0, 1.0), PainState(True, None, True, 2.0, 1.0)
    one_step = 1 / (1 + float(evidence.value("advice.run.weekly_growth")))
    assert restart_factor(hurting, reference) == pytest.approx(one_step)
    assert restart_factor(easy, reference) == 1.0
    assert step_back_factor(hurting) == 1.0  # not a step back: only where the plan starts
