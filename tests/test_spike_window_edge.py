"""The spike reference window has one definition: load analysis and plan agree at the 30-day edge.

Issue 11: a 10 km run on day 0 and a plan for day 30 — the load analysis measured a day-30 run
against the 10 km run (the window is [t - 30 d, t)), while the plan dropped that run and planned
with no spike cap at all.
"""
from __future__ import annotations

import datetime as dt

import pytest

from kneeguard import evidence
from kneeguard.advice import advise, make_context
from kneeguard.advice.running_weeks import PATTERN_WEEKDAY
from kneeguard.advice.running import longest_before
from kneeguard.load import analyze_load
from kneeguard.load.spike import in_reference_window, reference_window, window_days
from tests.advice_support import checkin, runs_frame

DAY0 = dt.date(2025, 3, 1)


def test_window_length_is_the_registry_value():
    assert window_days() == int(evidence.value("load.spike.window_days")) == 30


def test_window_is_closed_at_its_start_and_open_at_its_end():
    day = DAY0 + dt.timedelta(days=30)
    assert reference_window(day) == (DAY0, day)
    assert in_reference_window(DAY0, day)
    assert not in_reference_window(DAY0 - dt.timedelta(days=1), day)
    assert not in_reference_window(day, day)


def test_run_exactly_30_days_back_is_the_reference_in_analysis_and_plan(monkeypatch):
    # Issue 12: 29 days without a run is now a break (`advice.run.break_days`) and the plan restarts
    # below it; that rule is tested in test_load_after_pain.py. Here it is switched off so this test
    # keeps checking only the window's edge.
    real = evidence.value
    monkeypatch.setattr(evidence, "value", lambda key: 10_000 if key == "advice.run.break_days" else real(key))
    # the plan's runs fall on fixed weekdays (running_weeks.PATTERN_WEEKDAY): day 0 is chosen so that day 30,
    # the plan's first day, is a run day
    day0 = DAY0 + dt.timedelta(days=(PATTERN_WEEKDAY - (DAY0 + dt.timedelta(days=window_days())).weekday()) % 7)
    edge = day0 + dt.timedelta(days=window_days())
    # the load analysis: a 12 km run on day 30 is measured against the 10 km run of day 0
    report = analyze_load(runs_frame([(day0, 10.0), (edge, 12.0)]), None, edge)
    last = report.runs.iloc[-1]
    assert last["ref_longest_m"] == pytest.approx(10_000.0) and last["spike_band"] == "small"
    # the plan from day 30: the same run is the reference, and the first run is capped by it
    assert longest_before(edge, [(day0, 10.0)]) == 10.0
    context = make_context("ana", edge - dt.timedelta(days=1), activities=runs_frame([(day0, 10.0)]),
                           checkin=checkin(today=edge - dt.timedelta(days=1), pain_during_run=0,
                                           pain_next_morning=0, has_pain=False, pain_now=0))
    plan = advise(context, weeks=4, start=edge)
    assert plan.running.mode in ("build", "hold")
    assert plan.running.reference_longest_km == 10.0
    first = next(s for s in plan.days if s.kind == "run")
    assert first.date == edge and first.distance_km <= 10.0 * (1 + evidence.value("load.spike.small")) + 1e-9
    assert "never beyond 11.0 km" in first.details


def test_run_31_days_back_is_outside_in_analysis_and_plan():
    past = DAY0 + dt.timedelta(days=window_days() + 1)
    report = analyze_load(runs_frame([(DAY0, 10.0), (past, 12.0)]), None, past)
    assert report.runs.iloc[-1]["spike_band"] == "return_after_break"
    assert longest_before(past, [(DAY0, 10.0)]) is None
