"""The plan is made again every day (each check-in, tick or import); its runs fall on the same weekdays whichever
day it starts, so the plan made today and the plan starting tomorrow never put two runs on days in a row where
neither alone would (a runner saw 'Easy run 6.9 km' today from one and again tomorrow from the other)."""
from __future__ import annotations

import datetime as dt

import pytest

from kneeguard.advice import advise
from kneeguard.advice.running_weeks import RUN_OFFSETS, pattern_day
from tests.personas import PERSONAS

MOVING = ("run", "walk_run", "walk")


def _moving_days(plan) -> set[dt.date]:
    return {s.date for s in plan.days if s.kind in MOVING}


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.key)
def test_plans_started_on_consecutive_days_run_on_the_same_days(persona):
    context = persona.context()
    today = context.as_of
    started_today = advise(context, start=today)
    from_tomorrow = advise(context, start=today + dt.timedelta(days=1))  # as printed (a stop plan: from today)
    assert advise(context).start == today + dt.timedelta(days=0 if from_tomorrow.pain.stop else 1)
    overlap_end = min(started_today.scheduled_end, from_tomorrow.scheduled_end)  # a held plan shows week 1 only
    later = {d for d in _moving_days(from_tomorrow) if d <= overlap_end}
    assert later == {d for d in _moving_days(started_today) if today < d <= overlap_end}, persona.key
    if today in _moving_days(started_today) and started_today.running.mode not in ("build", "hold"):
        # return to run keeps a rest day between sessions: none the day after today's
        assert today + dt.timedelta(days=1) not in _moving_days(from_tomorrow)


@pytest.mark.parametrize("runs", sorted(RUN_OFFSETS))
def test_each_plan_week_holds_the_pattern_whatever_its_first_day(runs):
    for first in (dt.date(2026, 12, 7) + dt.timedelta(days=i) for i in range(7)):
        days = sorted(pattern_day(first, offset) for offset in RUN_OFFSETS[runs])
        assert len(set(days)) == runs and all(first <= d <= first + dt.timedelta(days=6) for d in days)
        assert {d.weekday() for d in days} == {(1 + o) % 7 for o in RUN_OFFSETS[runs]}


def test_a_plan_that_stops_training_dates_the_doctors_visit_today():
    """A coach: 'See a doctor today' was the plan's first session, dated tomorrow (calendar and overview too)."""
    stopped = [p for p in PERSONAS if advise(p.context()).pain.stop]
    assert stopped
    for persona in stopped:
        plan = advise(persona.context())
        visit = [s for s in plan.days if s.kind == "see_professional"]
        assert plan.start == plan.as_of and visit and visit[0].date == plan.as_of, persona.key
        assert not plan.banner.headline.upper().startswith(("URGENT", "EMERGENCY"))  # the tag is shown beside it
