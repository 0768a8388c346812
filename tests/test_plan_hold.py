"""A sports physiotherapist's read of the plan after a worse week (6/10 in runs, 4/10 next morning, rising;
routine): the running plan's STRUCTURE while the plan holds.

1. a held plan has a dated re-check (the schedule and the calendar), and says what happens when the walks do
   not come down to the safe band (shorter walks; if still above at the re-check, a professional then);
2. walking only is its own session kind ("walk") and words, never a walk/run step, and its held text says
   walking only until the resume rule is met, then walk/run step 1;
3. only week 1 is set while the plan holds or steps back: the later weeks are "decided at your re-check", in
   the CLI, the JSON, the calendar (.ics), the web calendar and the report; a progressing plan keeps its weeks.
"""
from __future__ import annotations

import datetime as dt
import io

from rich.console import Console

from kneeguard import evidence, pain_rule
from kneeguard.advice.recheck import later_weeks_words, recheck_day
from tests.advice_support import AS_OF, checkin, runs_frame
from tests.test_plan_wording import _worse_checkin_plan

STEADY = [(AS_OF - dt.timedelta(days=d), 8.0) for d in range(2, 40, 2)]


def _cli_text(plan) -> str:
    from kneeguard.cli import plan_cmd

    out = io.StringIO()
    saved, plan_cmd.console = plan_cmd.console, Console(file=out, width=200, color_system=None)
    try:
        plan_cmd.show_plan(plan)
    finally:
        plan_cmd.console = saved
    return out.getvalue()


def test_a_held_plan_has_a_dated_recheck_from_the_registry_and_says_what_if_walks_stay_above_the_safe_band():
    plan = _worse_checkin_plan()
    days = int(evidence.value("advice.plan.recheck_days"))
    assert evidence.rule("advice.plan.recheck_days").citations  # every number with its source
    recheck = plan.pain.checked_on + dt.timedelta(days=days)  # a week after the check-in: the end of week 1 here
    assert plan.recheck == recheck == recheck_day(plan.start, plan.pain.checked_on) == plan.start + dt.timedelta(days=6)
    entries = [s for s in plan.days if s.kind == "check_in"]
    assert [s.date for s in entries] == [recheck]
    safe = f"above {pain_rule.safe_max():g}/10"
    assert "New check-in" in entries[0].details and safe in entries[0].details
    # the walks: shorter when above the safe band, and a professional at the re-check if still above
    walk = next(s for s in plan.days if s.kind == "walk")
    for text in (walk.details, plan.running.summary):
        assert f"If a walk goes {safe}, end it there and make the next one shorter" in text
    assert f"still go {safe} at this re-check, see a physiotherapist" in entries[0].details
    for text in (walk.details, plan.running.summary):
        assert f"(that check-in: your re-check on {recheck:%a %d %b})" in text
        assert f"still go {safe} at the re-check, see a physiotherapist" in text
    # in the calendar export too
    from kneeguard.advice.ics import build_calendar

    events = [e for e in build_calendar(plan).walk("VEVENT") if str(e.get("summary")) == entries[0].title]
    assert len(events) == 1 and events[0].decoded("dtstart") == recheck
    assert "Weeks 2-6" in str(events[0].get("description"))
    # the re-check is not ticked off like a session: checking in is its record
    from kneeguard.advice.ticks import TICKABLE_KINDS

    assert "check_in" not in TICKABLE_KINDS


def test_walking_only_is_its_own_kind_and_its_held_text_says_walking_until_the_rule_then_walk_run_step_1():
    plan = _worse_checkin_plan()
    assert plan.running.mode == "walk" and plan.running.mode_words == "walking only"
    walks = [s for s in plan.days if s.kind == "walk"]
    assert walks and not any(s.kind == "walk_run" for s in plan.days)
    assert all(s.kind_words == "walk" and s.title == "Brisk walk (no running)" for s in walks)
    assert not any(s.is_running for s in walks)
    first_step = evidence.value("advice.rtr.phases")[1]
    then = (f"Walking only until {pain_rule.resume_running_condition()} (that check-in: your re-check on "
            f"{plan.recheck:%a %d %b}); then walk/run step 1, {first_step['reps']} x (walk {first_step['walk_min']} "
            f"min + run {first_step['run_min']} min) on the flat.")
    assert then in plan.running.summary and all(then in s.details for s in walks)
    assert "Held at" not in plan.running.summary and "until the pain settles" not in plan.running.summary
    text = _cli_text(plan)
    assert "Running (walking only):" in text and "walk/run" not in text.split("This week")[1].split("After week 1")[0]


def test_a_held_plan_sets_week_1_only_and_says_the_later_weeks_wait_for_the_recheck():
    plan = _worse_checkin_plan()
    assert plan.set_weeks == 1 and plan.weeks == 6
    assert max(s.date for s in plan.days) == plan.scheduled_end == plan.start + dt.timedelta(days=6)
    words = later_weeks_words(plan.start, plan.weeks, plan.recheck)
    assert plan.later_weeks_words == words
    assert words.startswith(f"Weeks 2-6 ({plan.start + dt.timedelta(days=7):%a %d %b} – {plan.end:%a %d %b}): "
                            "not scheduled yet") and f"re-check on {plan.recheck:%a %d %b}" in words
    assert len(plan.exercise_minutes) == 1  # the budget line counts the set week only
    d = plan.to_dict()
    assert d["set_weeks"] == 1 and d["recheck"] == plan.recheck.isoformat() and d["later_weeks"] == words
    from kneeguard.advice.ics import build_calendar

    assert {e.decoded("dtstart") for e in build_calendar(plan).walk("VEVENT")} <= {
        plan.start + dt.timedelta(days=i) for i in range(7)}
    text = _cli_text(plan)
    assert (f"week 1 of 6, {plan.start.isoformat()} to {plan.scheduled_end.isoformat()} (weeks 2-6 set at the "
            "re-check)") in " ".join(text.split())
    assert "After week 1: Weeks 2-6" in " ".join(text.split())
    from kneeguard.report.document import References
    from kneeguard.report.plan import build_plan
    from kneeguard.report.summary import plan_overview

    section = build_plan(plan, References())
    assert section["later_weeks"] == words and section["weeks"] == []
    follow_up = next(row for row in plan_overview(section, None) if row.area == "Follow-up")
    # the clinician summary's fewer words, from the same dates (recheck.later_weeks_words, brief)
    assert section["later_weeks_brief"] == plan.later_weeks_brief and follow_up.what.startswith(plan.later_weeks_brief)
    assert plan.later_weeks_brief == (f"Weeks 2-6 ({plan.start + dt.timedelta(days=7):%d %b} – {plan.end:%d %b}): not "
                                      f"scheduled yet; set at the re-check on {plan.recheck:%a %d %b} by the pain rule.")


def test_a_step_back_in_build_mode_also_holds_at_week_1_but_a_progressing_plan_keeps_its_weeks():
    from kneeguard.advice import advise, make_context
    from kneeguard.advice.pain import SessionPain

    def plan(**kw):
        ctx = make_context("ana", AS_OF, activities=runs_frame(STEADY), **kw)
        return advise(ctx, weeks=6)

    good = checkin(AS_OF - dt.timedelta(days=3), pain_during_run=2, pain_next_morning=2)
    progressing = plan(checkin=good)
    assert progressing.running.mode == "build" and progressing.recheck is None
    assert progressing.set_weeks == 6 and progressing.later_weeks_words == ""
    assert max(s.date for s in progressing.days) == progressing.end
    assert not any(s.kind == "check_in" for s in progressing.days)
    stepped = plan(checkin=good, session_pain=[SessionPain(AS_OF - dt.timedelta(days=1), "run", 4, 6)])
    assert stepped.running.mode == "hold" and stepped.pain.step_back
    assert stepped.recheck is not None and max(s.date for s in stepped.days) == stepped.scheduled_end
    recheck = next(s for s in stepped.days if s.kind == "check_in")
    assert "If a walk goes" not in recheck.details  # runs, not walks, in this plan


def test_the_recheck_does_not_move_when_the_plan_is_made_again_on_a_later_day():
    """The plan is regenerated every day (it starts tomorrow): the re-check stays a week after the check-in, and
    a check-in a week old or more is due again on the plan's first day."""
    from kneeguard.advice import advise

    from tests.test_plan_wording import _worse_checkin_context

    plan = _worse_checkin_plan()

    for later, expected in ((3, plan.recheck), (9, plan.start + dt.timedelta(days=9))):
        ctx = _worse_checkin_context(plan.as_of + dt.timedelta(days=later))
        again = advise(ctx, weeks=6)
        assert again.recheck == expected and plan.start + dt.timedelta(days=later) <= again.recheck
        assert [s.date for s in again.days if s.kind == "check_in"] == [expected]
