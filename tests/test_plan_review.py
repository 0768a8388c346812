"""A sports physiotherapist's review of the demo plan and summary: each defect she found, pinned down.

1. the restart anchor is no run on a real day: from week 2 each run is capped by runs actually planned or
   done, and its note names the very run its cap came from;
2. the weekly promise holds against the plan's own previous week;
3. a load event after the pain began is "may have aggravated it", never a cause;
4. the summary says what each threshold is (the finding's flag vs the plan's cap);
6. the cadence cue carries the pain rule (since reworded: back to the usual step rate, test_plan_wording.py).
(5, a gait value within the measurement error of its flag, is in test_gait_findings.py.)
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from kneeguard import evidence
from kneeguard.load.spike import in_reference_window
from kneeguard.pain_rule import acceptable_max
from tests.advice_support import demo_advice

CAP = 1 + float(evidence.value("load.spike.small"))
GROWTH = float(evidence.value("advice.run.weekly_growth"))


@pytest.fixture(scope="module")
def demo():
    """The demo athlete as `kneeguard demo` builds it: its runs and its two check-ins (no gait video)."""
    ctx, plan, runs = demo_advice()
    assert plan.running.mode == "build"  # the demo's pain rule says progress: the case the review was about
    return ctx, plan, runs


def _runs(plan):
    return [s for s in plan.days if s.kind == "run"]


def test_every_run_from_week_2_is_capped_by_runs_on_real_days_and_its_note_names_that_run(demo):
    ctx, plan, runs = demo
    cutoff = plan.running.reference.cutoff
    tolerated = [(d, km) for d, km in runs if d < cutoff]  # before the ramp: no spike, nothing since the pain
    planned = _runs(plan)
    for i, run in enumerate(planned):
        if (run.date - plan.start).days < 7:
            continue  # the restart week: at the tolerated level (its own test in test_load_after_pain.py)
        own = [(s.date, s.distance_km) for s in planned[:i]]
        window = [(d, km) for d, km in tolerated + own if in_reference_window(d, run.date)]
        ref_day, ref_km = max(window, key=lambda x: x[1])
        assert run.distance_km <= CAP * ref_km + 1e-9, (run.date, run.distance_km, ref_km)
        cap = float(re.search(r"never beyond (\d+\.\d) km", run.details).group(1))
        assert run.distance_km <= cap <= CAP * ref_km + 1e-9  # the cap shown is the cap that holds
        assert f"your planned {ref_km:.1f} km run of {ref_day:%a %d %b}" in run.details


def test_from_week_2_no_run_is_more_than_the_cap_over_the_plan_own_previous_longest(demo):
    _, plan, _ = demo
    planned = _runs(plan)
    for i, run in enumerate(planned):
        earlier = [s.distance_km for s in planned[:i] if in_reference_window(s.date, run.date)]
        if earlier and (run.date - plan.start).days >= 7:  # week 1 restarts at the tolerated level
            assert run.distance_km <= CAP * max(earlier) + 1e-9


def test_weekly_distance_grows_at_most_the_stated_rule_from_week_2(demo):
    _, plan, _ = demo
    totals = [sum(s.distance_km for s in plan.week(w) if s.kind == "run") for w in range(plan.weeks)]
    for before, after in zip(totals, totals[1:]):
        assert after <= before * (1 + GROWTH) + 1e-9, totals
    assert f"each week's distance is at most {GROWTH:.0%} above the plan's week before" in plan.running.summary


def test_a_spike_after_the_pain_began_is_not_a_cause_but_may_have_aggravated_it(demo):
    ctx, plan, _ = demo
    onset = ctx.pain_onset.day
    assert onset == dt.date(2026, 11, 1)
    for f in plan.top_factors:
        assert f.is_cause and not (f.code == "load.spike" and f.finding.on_date > onset)
    late = [f for f in plan.aggravating if f.code == "load.spike"]
    assert late and late[0].finding.on_date == dt.date(2026, 11, 15) and late[0].finding.measured > 40
    assert "after the pain began on 01 Nov 2026" in late[0].onset_words
    as_json = plan.to_dict()
    assert all(f["after_onset"] is None for f in as_json["top_factors"])
    assert as_json["aggravating"][0]["after_onset"] == "2026-11-01"


def test_the_summary_says_which_threshold_is_the_finding_flag_and_which_the_plan_cap(demo):
    from kneeguard.report.builder import build_report
    from kneeguard.report.measured import measured_text as _measured_text

    ctx, plan, _ = demo
    spike = next(f for f in plan.aggravating if f.code == "load.spike")  # the 42 % run, 30-100 % band
    shown = f"{spike.finding.measured:.0f} %"  # one value, one rounding: the title's
    # flagged from the first band (10 %), the cap the plan keeps (read 36); the band is in the explanation
    assert _measured_text(spike.finding) == f"{shown} (flagged above 10 %, Frandsen 2025)" and shown in spike.title
    assert "30-100 %" in spike.finding.explanation or "30 % and 100 %" in spike.finding.explanation, spike.finding.explanation
    doc = build_report(ctx, plan)
    running = next(r.what for r in doc.plan_overview if r.area == "Running")
    # a restart (the demo's break): the cap as it holds, the plan's own runs (read 21)
    assert f"From week 2, each run at most {CAP - 1:.0%} above the plan's longest run of the weeks before" in running
    # the aggravating factors are apart
    assert not any("after the pain began" in r.title + r.why + r.measured for r in doc.summary)
    assert doc.aggravating["onset"] == "01 Nov 2026"
    assert doc.aggravating["items"][0]["title"] == spike.title and "week to" in doc.aggravating["items"][1]["when"]


def test_the_cadence_cue_carries_the_pain_rule():
    """Superseded wording (a second review, test_plan_wording.py): a provoking step rate goes back, not held."""
    from kneeguard.advice.gait_retraining import apply_gait, plan_gait
    from kneeguard.advice.session import Session
    from tests.advice_support import gait_summary

    start = dt.date(2025, 6, 2)
    retraining = plan_gait(gait_summary(), ["gait.overstride"], start, 6, start)
    assert retraining.active
    cue = f"go back to your usual step rate; stop and walk home above {acceptable_max():g}/10"
    assert cue in retraining.summary and cue in retraining.to_dict()["pain_hold"]
    run = Session(start, "run", "Easy run 5.0 km", "Easy.", distance_km=5.0)
    apply_gait(retraining, [run], start)
    # the dose has one owner (the session's metronome sentence), the details carry the cue (test_plan_text.py)
    assert run.metronome_sentence.startswith("Metronome:") and "Metronome:" not in run.details and cue in run.details
