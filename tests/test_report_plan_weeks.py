"""The report's weekly table counts the plan's own weeks (7 days from its first day), so its "week 6" is the running
summary's week 6 and its totals are the ones the weekly-growth rule was applied to; it used calendar weeks, which split
a plan starting mid-week into 7 rows whose totals no rule had checked."""
from __future__ import annotations

import datetime as dt

from kneeguard.report.document import References
from kneeguard.report.plan import build_plan
from tests.test_restart_spacing import _after_break_plan


def test_the_report_weeks_are_the_plan_weeks():
    plan = _after_break_plan()
    assert plan.start.weekday() != 0  # a plan that does not start on a Monday
    weeks = build_plan(plan, References())["weeks"]
    assert [w["n"] for w in weeks] == list(range(1, plan.weeks + 1))
    for w in weeks:
        first = plan.start + dt.timedelta(days=7 * (w["n"] - 1))
        runs = [s.distance_km for s in plan.week(w["n"] - 1) if s.kind == "run" and s.distance_km]
        assert w["dates"] == f"{first:%d %b} – {first + dt.timedelta(days=6):%d %b}"
        assert w["km"] == (f"{sum(runs):.1f} km" if runs else "—") and w["runs"] == len(runs)
        assert w["exercise_min"] == plan.exercise_minutes[w["n"] - 1]  # the budget's own weeks
        assert w["rest"] == 7 - len(runs)
